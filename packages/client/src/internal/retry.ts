/** Waits longer than this are not taken from Retry-After: past a minute, back off normally instead. */
const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;
/** Up to a quarter of the delay is shaved off at random, so many clients do not retry in lockstep. */
const MAX_JITTER = 0.25;

/**
 * Whether a failed response may be tried again. `retrySafe` says the request can be repeated without
 * doing the work twice (GET/PUT/DELETE, or a POST carrying an Idempotency-Key the route honours).
 */
export function shouldRetryResponse(status: number, headers: Headers, retrySafe: boolean): boolean {
  if (!retrySafe) return false;
  // The server may say so explicitly; a missing header falls through to the status rules.
  const explicit = headers.get('x-should-retry');
  if (explicit === 'true') return true;
  if (explicit === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Retry-After as milliseconds: `retry-after-ms` first (not standard, but precise), then `retry-after`
 * in seconds or as an HTTP date. `undefined` when absent or unparsable.
 */
export function retryAfterMs(headers: Headers | undefined, nowMs: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const parsed = Number(ms);
    if (Number.isFinite(parsed)) return parsed;
  }
  const value = headers?.get('retry-after');
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - nowMs;
}

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry): the server's Retry-After
 * when it asks for 0–60 s, else 0.5 s doubling per retry, capped at 8 s, minus up to 25 % jitter.
 */
export function retryDelayMs(retryIndex: number, headers: Headers | undefined, random: () => number = Math.random, nowMs: number = Date.now()): number {
  const asked = retryAfterMs(headers, nowMs);
  if (asked !== undefined && asked >= 0 && asked < MAX_RETRY_AFTER_MS) return asked;
  const backoff = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retryIndex, MAX_RETRY_DELAY_MS);
  return backoff * (1 - random() * MAX_JITTER);
}
