import { noopLogger, type CallRate, type Logger, type RateBudgetStore } from '@gpu-shopper/core';

/**
 * A token bucket per provider: vendors throttle per account (Vast answers 429 above ~4.5 req/s), so
 * every call of one adapter waits for a token instead of bursting into a 429. One process keeps the
 * bucket in memory (TokenBucket); replicas sharing an account share one through a store
 * (SharedTokenBucket on core's RateBudgetStore).
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
 * delays delays a session: with the budget short, the calls that change state go first. A create
 * is usually followed by another call that changes state (Vast's key attachment, the next session's
 * create) a moment later, so reads also wait for a quiet moment after one (`quietMs`) rather than
 * take the token that call needs.
 */
export type RatePriority = 'first' | 'normal';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** What every limiter takes besides its rate. */
export interface LimiterTiming {
  /** Monotonic milliseconds; injectable for tests. */
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * How long after a call that changes state was let through reads keep waiting (a call that
   * changes state arriving meanwhile goes at once). 0 turns it off. @default two refill intervals (2000 / perSecond ms)
   */
  readonly quietMs?: number;
}

export interface TokenBucketOptions extends LimiterTiming {
  readonly perSecond: number;
  readonly burst: number;
}

/** The quiet moment a limiter at `perSecond` keeps after a call that changes state. */
function quietFor(timing: LimiterTiming, perSecond: number): number {
  return Math.max(0, timing.quietMs ?? Math.ceil(2000 / perSecond));
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

/**
 * The waiting room every limiter shares: waiters in order, `first` ones before the others (so a
 * burst of callers cannot starve an early one), served one at a time by a single pump that asks
 * `take` for a call and sleeps as long as it says when there is none. After a `first` call the
 * pump serves no read for `quietMs` (a `first` call arriving meanwhile ends the pause at once).
 */
abstract class QueuedLimiter implements RateLimiter {
  private readonly waiting: Record<RatePriority, Waiter[]> = { first: [], normal: [] };
  private pumping = false;
  /** When the last `first` call was let through. */
  private lastFirstAt: number | null = null;
  /** Ends the current quiet pause early (a `first` call arrived). */
  private wake: (() => void) | null = null;

  protected constructor(
    private readonly sleepFor: (ms: number, signal?: AbortSignal) => Promise<void>,
    private readonly clockMs: () => number,
    private readonly quietMs: number,
  ) {}

  /** Takes one call: 0 when taken, otherwise the milliseconds until one is due (nothing taken). */
  protected abstract take(): number | Promise<number>;

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
      if (priority === 'first') this.wake?.();
      void this.pump();
    });
  }

  /** Hands out calls to the waiters, one at a time, sleeping until the next one is due when there is none. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.waiting.first.length === 0 && this.waiting.normal.length === 0) return;
        // Only reads wait: hold them until the quiet moment after the last call that changes state.
        if (this.waiting.first.length === 0 && this.lastFirstAt !== null && this.quietMs > 0) {
          const left = this.lastFirstAt + this.quietMs - this.clockMs();
          if (left > 0) {
            await this.quietPause(left);
            continue;
          }
        }
        // A local bucket answers at once (no turn of the event loop); a shared one asks its store.
        const taking = this.take();
        const waitMs = typeof taking === 'number' ? taking : await taking;
        // The head is read after the take: a waiter may have left (aborted) or a `first` one
        // arrived while a shared budget was asked, and the call taken goes to whoever leads now.
        const queue = this.waiting.first.length > 0 ? this.waiting.first : this.waiting.normal;
        const next = queue[0];
        if (waitMs <= 0) {
          if (!next) return; // everyone left while the call was taken; it is spent, as a real call would be
          queue.shift();
          if (queue === this.waiting.first) this.lastFirstAt = this.clockMs();
          next.signal?.removeEventListener('abort', next.onAbort);
          next.resolve();
          continue;
        }
        await this.sleepFor(waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Sleeps `ms`, or less if a `first` call arrives meanwhile. */
  private async quietPause(ms: number): Promise<void> {
    const cut = new AbortController();
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    try {
      await Promise.race([this.sleepFor(ms, cut.signal).catch(() => undefined), woken]);
    } finally {
      this.wake = null;
      cut.abort();
    }
  }
}

/** A token bucket in this process's memory: one server on SQLite, the CLI, the doctor. */
export class TokenBucket extends QueuedLimiter {
  private tokens: number;
  private lastRefillMs: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    const nowMs = options.nowMs ?? (() => performance.now());
    super(options.sleep ?? sleep, nowMs, quietFor(options, options.perSecond));
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
    this.nowMs = nowMs;
    this.tokens = options.burst;
    this.lastRefillMs = this.nowMs();
  }

  /** Takes a token if one is there: 0 when taken, otherwise the milliseconds until one is due. */
  takeNow(): number {
    return this.take();
  }

  protected take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.options.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsedSec = (now - this.lastRefillMs) / 1000;
    this.lastRefillMs = now;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsedSec * this.options.perSecond);
  }
}

export interface SharedTokenBucketOptions extends LimiterTiming {
  /** The budget's name in the store: the vendor, since vendors throttle per account. */
  readonly name: string;
  readonly rate: CallRate;
  readonly store: RateBudgetStore;
  readonly logger?: Logger;
  /** The local bucket used while the store cannot be reached. @default a TokenBucket at `rate` */
  readonly fallback?: TokenBucket;
}

/**
 * A token bucket shared by the replicas through a store (a row per vendor in PostgreSQL): every
 * call of every replica takes from one budget, so N replicas together stay within the vendor's
 * rate instead of N times it. Waiters still queue here, in priority order, and one pump per
 * replica asks the store. While the store cannot be reached the replica falls back to its own
 * bucket at the same rate: a destroy must not wait for the database, and the fallback still
 * limits this replica (the vendor may then see up to one budget per replica until the store is back).
 */
export class SharedTokenBucket extends QueuedLimiter {
  private readonly fallback: TokenBucket;
  private readonly logger: Logger;
  private storeFailing = false;

  constructor(private readonly options: SharedTokenBucketOptions) {
    super(options.sleep ?? sleep, options.nowMs ?? (() => performance.now()), quietFor(options, options.rate.perSecond));
    if (!(options.rate.perSecond > 0) || !(options.rate.burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
    this.fallback = options.fallback ?? new TokenBucket(options.rate);
    this.logger = options.logger ?? noopLogger;
  }

  protected async take(): Promise<number> {
    try {
      const waitMs = await this.options.store.take(this.options.name, this.options.rate);
      if (this.storeFailing) this.logger.info('shared rate budget reachable again', { budget: this.options.name });
      this.storeFailing = false;
      return waitMs;
    } catch (error) {
      if (!this.storeFailing) {
        this.logger.warn('shared rate budget unreachable; limiting this replica alone until it is back', {
          budget: this.options.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      this.storeFailing = true;
      return this.fallback.takeNow();
    }
  }
}
