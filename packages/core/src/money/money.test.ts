import {
  accrualDelta,
  centsToMicros,
  costForSeconds,
  elapsedSeconds,
  formatUsd,
  microsToUsd,
  sumMicros,
  usdToMicros,
  worstCaseCost,
} from './money.js';

describe('money in µUSD', () => {
  test.each([
    [0.42, 420_000],
    [0.29, 290_000],
    [0.1 + 0.2, 300_000],
    [8.5, 8_500_000],
    [0.0000004, 0],
    [0.0000006, 1],
    [-1.25, -1_250_000],
  ])('usdToMicros(%p) = %p', (usd, micros) => {
    expect(usdToMicros(usd)).toBe(micros);
  });

  it('gives the result of rounding the decimal value for every kind of amount (the fast path agrees with the exact one)', () => {
    // The exact conversion: round the dollar amount's decimal value to six places, then scale.
    const exact = (usd: number) => {
      const micros = Math.round(Number(Math.abs(usd).toFixed(6)) * 1_000_000);
      return usd < 0 ? -micros : micros;
    };
    const values: number[] = [0, -0, 1e-7, 4e-7, 5e-7, 6e-7, 1.5e-6, 2.5e-6, 0.0000025, 1.0000005, 2.0000015, 0.1 + 0.2, 0.29, 1e9, 1e12 + 0.5, 2 ** 50 / 1e6, 2 ** 50 / 1e6 + 0.0000005, 2 ** 52 / 1e6, 1e15, 1e20, Number.MIN_VALUE, Number.EPSILON];
    let state = 7;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    for (let i = 0; i < 20_000; i++) {
      // Vendor-like prices with 1 to 9 decimals, the halves between two micro-dollars, and raw floats.
      const digits = 1 + (i % 9);
      values.push(Math.round(random() * 10 ** (digits + 2)) / 10 ** digits);
      values.push((Math.floor(random() * 1e9) + 0.5) / 1e6);
      values.push(random() * 10 ** ((i % 14) - 4));
      values.push(centsFor(random));
    }
    for (const usd of [...values, ...values.map((v) => -v)]) {
      const got = usdToMicros(usd);
      if (!Object.is(got, exact(usd))) throw new Error(`usdToMicros(${usd}) = ${got}, the exact conversion gives ${exact(usd)}`);
    }
  });

  it('converts cents and back to dollars', () => {
    expect(centsToMicros(44)).toBe(440_000);
    expect(microsToUsd(440_000)).toBe(0.44);
  });

  it('refuses non-finite dollars and fractional micros', () => {
    expect(() => usdToMicros(Number.NaN)).toThrow(RangeError);
    expect(() => formatUsd(1.5)).toThrow(RangeError);
  });

  it('formats with the requested precision', () => {
    expect(formatUsd(420_000)).toBe('$0.42');
    expect(formatUsd(2_070_000, 3)).toBe('$2.070');
    expect(formatUsd(-50_000)).toBe('-$0.05');
  });
});

describe('per-second accrual', () => {
  it('charges an hour at the hourly price and rounds partial micro-dollars down', () => {
    expect(costForSeconds(420_000, 3600)).toBe(420_000);
    expect(costForSeconds(420_000, 1)).toBe(116); // 116.67 µUSD
    expect(costForSeconds(1, 3599)).toBe(0);
  });

  it('sums deltas to exactly the cost of the whole interval, whatever the tick size', () => {
    const price = 333_333; // an awkward price that never divides evenly
    const ticks = [0, 7, 61, 62, 600, 3599, 3600, 7201, 43_200];
    let total = 0;
    for (let i = 1; i < ticks.length; i++) total += accrualDelta(price, ticks[i - 1] ?? 0, ticks[i] ?? 0);
    expect(total).toBe(costForSeconds(price, 43_200));
    expect(total).toBe(3_999_996);
  });

  it('refuses to accrue backwards', () => {
    expect(() => accrualDelta(100, 10, 5)).toThrow(RangeError);
  });

  it('counts whole elapsed seconds and never negative ones', () => {
    const start = new Date('2026-01-01T00:00:00.000Z');
    expect(elapsedSeconds(start, new Date('2026-01-01T00:01:00.999Z'))).toBe(60);
    expect(elapsedSeconds(start, new Date('2025-12-31T23:59:00.000Z'))).toBe(0);
  });

  it('stays exact for long intervals at high prices', () => {
    expect(costForSeconds(98_320_000, 43_200)).toBe(98_320_000 * 12);
  });
});

describe('worst-case reservation cost', () => {
  it('is the price for every reserved hour', () => {
    expect(worstCaseCost(420_000, 4)).toBe(1_680_000);
    expect(() => worstCaseCost(420_000, 1.5)).toThrow(RangeError);
  });

  it('sums exactly', () => {
    expect(sumMicros([100_000, 200_000, 1])).toBe(300_001);
  });
});

/** A price in cents as Blue Lobster quotes them, in dollars. */
function centsFor(random: () => number): number {
  return Math.round(random() * 100_000) / 100 / 100;
}
