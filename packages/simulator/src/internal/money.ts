/**
 * Ground-truth billing in integer micro-USD, so a ledger under test can be compared exactly.
 * (The simulator imports no project package, so this is a small local copy of the convention.)
 */
export const MICROS_PER_USD = 1_000_000;
const MS_PER_HOUR = 3_600_000;

/** Dollars to µUSD, rounded on the decimal representation (0.29 → 290000, not 289999). */
export function usdToMicros(usd: number): number {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`not a non-negative dollar amount: ${usd}`);
  return Math.round(Number(usd.toFixed(6)) * MICROS_PER_USD);
}

/** Cost of `elapsedMs` at `pricePerHourMicros`, rounded down to the µUSD; exact for long runs. */
export function costForMs(pricePerHourMicros: number, elapsedMs: number): number {
  const ms = Math.max(0, Math.floor(elapsedMs));
  return Number((BigInt(pricePerHourMicros) * BigInt(ms)) / BigInt(MS_PER_HOUR));
}

/** Rounds a price to `digits` decimals the way vendors print them (0.22880000001 → 0.2288). */
export function roundPrice(value: number, digits = 4): number {
  return Number(value.toFixed(digits));
}
