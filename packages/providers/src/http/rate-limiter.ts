/**
 * A token bucket per provider: vendors throttle per account (Vast answers 429 above ~4.5 req/s), so
 * every call of one adapter waits for a token instead of bursting into a 429.
 */
export interface RateLimiter {
  /** Resolves when the caller may send; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  readonly perSecond: number;
  readonly burst: number;
  /** Monotonic milliseconds; injectable for tests. */
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class TokenBucket implements RateLimiter {
  private tokens: number;
  private lastRefillMs: number;
  private readonly nowMs: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Waiters are served in order, so a burst of callers cannot starve an early one. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.sleep = options.sleep ?? sleep;
    this.tokens = options.burst;
    this.lastRefillMs = this.nowMs();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    // A cancelled waiter must not block the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.options.perSecond) * 1000);
      await this.sleep(waitMs, signal);
    }
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsedSec = (now - this.lastRefillMs) / 1000;
    this.lastRefillMs = now;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsedSec * this.options.perSecond);
  }
}
