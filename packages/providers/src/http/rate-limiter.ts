/**
 * A token bucket per provider: vendors throttle per account (Vast answers 429 above ~4.5 req/s), so
 * every call of one adapter waits for a token instead of bursting into a 429.
 */
export interface RateLimiter {
  /**
   * Resolves when the caller may send; rejects if `signal` aborts first. `first` callers are served
   * before every other waiter (in order among themselves).
   */
  acquire(signal?: AbortSignal, priority?: RatePriority): Promise<void>;
}

/**
 * `first`: calls that start or end billing (creates, key attachments, destroys). A status read
 * queued behind a backlog of creates learns nothing the next read will not, while every create it
 * delays delays a session: with the budget short, the calls that change state go first.
 */
export type RatePriority = 'first' | 'normal';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
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
  /** Waiters in order, `first` ones before the others, so a burst of callers cannot starve an early one. */
  private readonly waiting: Record<RatePriority, Waiter[]> = { first: [], normal: [] };
  private pumping = false;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.sleep = options.sleep ?? sleep;
    this.tokens = options.burst;
    this.lastRefillMs = this.nowMs();
  }

  acquire(signal?: AbortSignal, priority: RatePriority = 'normal'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        return;
      }
      const queue = this.waiting[priority];
      // A cancelled waiter leaves the queue at once and must not block the ones behind it.
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index !== -1) queue.splice(index, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const waiter: Waiter = { resolve, reject, signal, onAbort };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      void this.pump();
    });
  }

  /** Hands out tokens to the waiters, one at a time, sleeping until the next token when there is none. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const queue = this.waiting.first.length > 0 ? this.waiting.first : this.waiting.normal;
        const next = queue[0];
        if (!next) return;
        this.refill();
        if (this.tokens >= 1) {
          this.tokens -= 1;
          queue.shift();
          next.signal?.removeEventListener('abort', next.onAbort);
          next.resolve();
          continue;
        }
        const waitMs = Math.ceil(((1 - this.tokens) / this.options.perSecond) * 1000);
        await this.sleep(waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsedSec = (now - this.lastRefillMs) / 1000;
    this.lastRefillMs = now;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsedSec * this.options.perSecond);
  }
}
