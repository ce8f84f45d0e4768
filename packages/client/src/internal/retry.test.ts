import { retryAfterMs, retryDelayMs, shouldRetryResponse } from './retry.js';

const headers = (init: Record<string, string>) => new Headers(init);

describe('retryDelayMs', () => {
  const now = Date.parse('2026-02-02T14:00:00Z');

  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after': '2' }, 2_000],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': 'Mon, 02 Feb 2026 14:00:03 GMT' }, 3_000],
    // retry-after-ms wins over retry-after
    [{ 'retry-after-ms': '10', 'retry-after': '5' }, 10],
  ])('honours %j', (init, expected) => {
    expect(retryDelayMs(0, headers(init), () => 0, now)).toBe(expected);
  });

  it('backs off exponentially from 0.5 s, capped at 8 s, when Retry-After is absent, ≥ 60 s or in the past', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5, 9].map((retry) => retryDelayMs(retry, undefined, noJitter))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(retryDelayMs(0, headers({ 'retry-after': '60' }), noJitter, now)).toBe(500);
    expect(retryDelayMs(1, headers({ 'retry-after': 'Mon, 02 Feb 2026 13:00:00 GMT' }), noJitter, now)).toBe(1_000);
    expect(retryDelayMs(0, headers({ 'retry-after': 'soon' }), noJitter, now)).toBe(500);
  });

  it('shaves up to 25 % jitter off the backoff', () => {
    expect(retryDelayMs(2, undefined, () => 0.999999)).toBeCloseTo(1_500, 0);
    expect(retryDelayMs(2, undefined, () => 0.5)).toBe(1_750);
  });

  it('parses nothing from blank headers', () => {
    expect(retryAfterMs(headers({ 'retry-after': ' ' }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('shouldRetryResponse', () => {
  it.each([408, 409, 429, 500, 502, 503, 504])('retries %i when the request is safe to repeat', (status) => {
    expect(shouldRetryResponse(status, headers({}), true)).toBe(true);
    expect(shouldRetryResponse(status, headers({}), false)).toBe(false);
  });

  it.each([400, 401, 403, 404, 413, 422])('does not retry %i', (status) => {
    expect(shouldRetryResponse(status, headers({}), true)).toBe(false);
  });

  it('obeys x-should-retry for safe requests only', () => {
    expect(shouldRetryResponse(400, headers({ 'x-should-retry': 'true' }), true)).toBe(true);
    expect(shouldRetryResponse(503, headers({ 'x-should-retry': 'false' }), true)).toBe(false);
    expect(shouldRetryResponse(503, headers({ 'x-should-retry': 'true' }), false)).toBe(false);
  });
});
