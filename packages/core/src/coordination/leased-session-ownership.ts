import { noopLogger, type Logger } from '../logging/logger.js';
import { type LeaseRepository } from '../ports/leases.js';
import { type SessionOwnership } from '../ports/session-ownership.js';
import { type Clock } from '../time/clock.js';

export interface LeasedSessionOwnershipOptions {
  readonly leases: LeaseRepository;
  /** This replica's id (the lease holder). */
  readonly holder: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** How long a session stays owned after the owner's last renewal (its replica died). @default 15 s */
  readonly ttlMs?: number;
}

interface Held {
  users: number;
  token: number;
  timer: ReturnType<typeof setInterval> | undefined;
}

export const sessionLeaseName = (sessionId: string): string => `session:${sessionId}`;

/**
 * Session ownership through a lease per session (`session:<id>`), renewed every third of its time
 * while work runs and released when the last piece of work for the session in this process ends.
 * Ownership is per process: work of this process on a session it already owns (a destroy from
 * inside the saga, a consumer's `done` during it) runs at once, as it does with a single process;
 * only other replicas are kept out. A renewal that finds the lease gone is logged: the work goes on,
 * and its writes meet the session's compare-and-set, which refuses them once the new owner wrote.
 */
export class LeasedSessionOwnership implements SessionOwnership {
  private readonly held = new Map<string, Held>();
  private readonly ttlMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: LeasedSessionOwnershipOptions) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.logger = (options.logger ?? noopLogger).child({ component: 'session-ownership' });
  }

  /** True while work of this process runs on the session (a recovery sweep leaves it alone). */
  ownsHere(sessionId: string): boolean {
    return this.held.has(sessionId);
  }

  async run<T>(sessionId: string, work: () => Promise<T>): Promise<{ readonly owned: true; readonly value: T } | { readonly owned: false }> {
    let entry = this.held.get(sessionId);
    if (!entry) {
      const lease = await this.options.leases.acquire(sessionLeaseName(sessionId), this.options.holder, this.options.clock.now(), this.ttlMs);
      if (!lease) return { owned: false };
      // Another task of this process may have acquired it meanwhile (same holder: same lease).
      entry = this.held.get(sessionId);
      if (!entry) {
        entry = { users: 0, token: lease.token, timer: undefined };
        this.held.set(sessionId, entry);
        entry.timer = this.renewEvery(sessionId, entry);
      }
    }
    entry.users++;
    try {
      return { owned: true, value: await work() };
    } finally {
      entry.users--;
      if (entry.users === 0 && this.held.get(sessionId) === entry) {
        this.held.delete(sessionId);
        clearInterval(entry.timer);
        await this.options.leases.release(sessionLeaseName(sessionId), this.options.holder, entry.token, this.options.clock.now()).catch((error: unknown) => {
          // Not released: it expires on its own after ttlMs.
          this.logger.warn('session lease not released', { sessionId, error });
        });
      }
    }
  }

  private renewEvery(sessionId: string, entry: Held): ReturnType<typeof setInterval> {
    const timer = setInterval(() => {
      void this.options.leases
        .renew(sessionLeaseName(sessionId), this.options.holder, entry.token, this.options.clock.now(), this.ttlMs)
        .then((lease) => {
          if (!lease) this.logger.warn('session lease lost to another replica; its writes now decide', { sessionId, fencing: entry.token });
        })
        .catch((error: unknown) => this.logger.warn('session lease renewal failed', { sessionId, error }));
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    // Renewal never keeps a process alive on its own.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}
