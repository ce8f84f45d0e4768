/**
 * Money is integer micro-USD (1 USD = 1,000,000 µUSD): exact addition, no float drift in ledgers.
 * Provider prices arrive as float dollars (or cents) and are converted once, at the boundary.
 */
export type MicroUsd = number;

export const MICROS_PER_USD = 1_000_000;
const SECONDS_PER_HOUR = 3600;
/** 2^50: below it, |usd| × 10^6 is off the exact product by at most 2^50 × 2^-53 = 1/8 (see usdToMicros). */
const FAST_PATH_LIMIT = 2 ** 50;

export function isMicroUsd(value: number): value is MicroUsd {
  return Number.isSafeInteger(value);
}

function assertMicros(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer number of µUSD, got ${value}`);
}

/** Dollars (e.g. a vendor's `0.42` per hour) to µUSD, rounded half away from zero to the micro-dollar. */
export function usdToMicros(usd: number): MicroUsd {
  if (!Number.isFinite(usd)) throw new RangeError(`not a finite dollar amount: ${usd}`);
  const scaled = Math.abs(usd) * MICROS_PER_USD;
  // Fast path (a listing converts thousands of prices): below 2^50 the product is within 1/8 of the
  // exact decimal value, so when it lies within 1/4 of an integer that integer is what rounding the
  // decimal gives. Only amounts near half a micro-dollar take the exact path below.
  if (scaled < FAST_PATH_LIMIT) {
    const nearest = Math.round(scaled);
    const off = scaled - nearest;
    if (off < 0.25 && off > -0.25) return usd < 0 ? -nearest : nearest;
  }
  // toFixed(6) rounds on the decimal representation, so 0.29 becomes 290000, not 289999.
  const micros = Math.round(Number(Math.abs(usd).toFixed(6)) * MICROS_PER_USD);
  return usd < 0 ? -micros : micros;
}

/** Cents (Blue Lobster quotes prices in cents) to µUSD. */
export function centsToMicros(cents: number): MicroUsd {
  return usdToMicros(cents / 100);
}

export function microsToUsd(micros: MicroUsd): number {
  assertMicros(micros, 'amount');
  return micros / MICROS_PER_USD;
}

/** `$0.42`; `digits` between 2 and 6 (sub-cent prices need more than two). */
export function formatUsd(micros: MicroUsd, digits = 2): string {
  assertMicros(micros, 'amount');
  const sign = micros < 0 ? '-' : '';
  return `${sign}$${(Math.abs(micros) / MICROS_PER_USD).toFixed(digits)}`;
}

/**
 * Cost of running `elapsedSec` whole seconds at `pricePerHourMicros`, rounded down to the µUSD.
 * Accrual always recomputes from the total elapsed time (see accrualDelta), so rounding never
 * accumulates: the sum of deltas equals the cost of the whole interval exactly.
 */
export function costForSeconds(pricePerHourMicros: MicroUsd, elapsedSec: number): MicroUsd {
  assertMicros(pricePerHourMicros, 'price per hour');
  if (!Number.isSafeInteger(elapsedSec) || elapsedSec < 0) {
    throw new RangeError(`elapsed seconds must be a non-negative integer, got ${elapsedSec}`);
  }
  // BigInt keeps price × seconds exact even for long intervals at high prices.
  return Number((BigInt(pricePerHourMicros) * BigInt(elapsedSec)) / BigInt(SECONDS_PER_HOUR));
}

/** Whole seconds between two instants, never negative (a clock step backwards accrues nothing). */
export function elapsedSeconds(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}

/**
 * The amount to add to a session's ledger when accrual moves from `accruedSec` to `totalSec` seconds
 * since the provider-confirmed start: cost(total) − cost(accrued).
 */
export function accrualDelta(pricePerHourMicros: MicroUsd, accruedSec: number, totalSec: number): MicroUsd {
  if (totalSec < accruedSec) throw new RangeError(`accrual cannot go backwards (${accruedSec}s → ${totalSec}s)`);
  return costForSeconds(pricePerHourMicros, totalSec) - costForSeconds(pricePerHourMicros, accruedSec);
}

/** Worst case of a reservation: the full price for every reserved hour. Budgets are checked against it. */
export function worstCaseCost(pricePerHourMicros: MicroUsd, reservedHours: number): MicroUsd {
  assertMicros(pricePerHourMicros, 'price per hour');
  if (!Number.isSafeInteger(reservedHours) || reservedHours < 0) {
    throw new RangeError(`reserved hours must be a non-negative integer, got ${reservedHours}`);
  }
  const total = pricePerHourMicros * reservedHours;
  assertMicros(total, 'worst-case cost');
  return total;
}

export function sumMicros(amounts: Iterable<MicroUsd>): MicroUsd {
  let total = 0;
  for (const amount of amounts) {
    assertMicros(amount, 'amount');
    total += amount;
  }
  assertMicros(total, 'total');
  return total;
}
