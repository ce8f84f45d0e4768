import { noopLogger, type Logger } from '../logging/logger.js';
import { type OfferFailureRepository } from '../ports/repositories.js';
import { type Clock } from '../time/clock.js';
import { PROVIDER_SIDE_FAILURES, type OfferFailure } from './offer-failure.js';
import { type Offer } from './offer.js';

export interface OfferFailureTrackerOptions {
  readonly repository: OfferFailureRepository;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Failures within `windowMs` that suppress an offer. @default 3 */
  readonly threshold?: number;
  /** @default 30 minutes */
  readonly windowMs?: number;
  /** How long a suppression lasts from the failure that triggered it. @default 30 minutes */
  readonly suppressionMs?: number;
  /** Failures older than this are forgotten (and pruned from storage). @default 1 hour */
  readonly retentionMs?: number;
}

/** One offer's standing, as `/api/v1/offer-health` shows it. */
export interface OfferHealth {
  readonly offerId: string;
  readonly provider: string;
  readonly gpuType: string;
  readonly recentFailures: number;
  readonly suppressed: boolean;
  readonly suppressedUntil: Date | null;
  readonly lastFailureAt: Date;
  readonly lastFailureType: string;
  readonly lastFailureReason: string;
}

/**
 * Remembers offers (and hosts) that failed to provision, across sessions and restarts: after
 * `threshold` failures within `windowMs` an offer is left out of listings and automatic choices for
 * `suppressionMs`. Failures are written through to storage, so a restart does not forget a bad host.
 */
export class OfferFailureTracker {
  private failures: OfferFailure[] = [];
  /** Bumped on every load and record, for `version`. */
  private changes = 0;
  private readonly logger: Logger;

  constructor(private readonly options: OfferFailureTrackerOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'offer-failures' });
  }

  private get windowMs(): number {
    return this.options.windowMs ?? 30 * 60_000;
  }
  private get suppressionMs(): number {
    return this.options.suppressionMs ?? 30 * 60_000;
  }
  private get retentionMs(): number {
    return this.options.retentionMs ?? 60 * 60_000;
  }
  private get threshold(): number {
    return this.options.threshold ?? 3;
  }

  /** Loads recent failures from storage (call once at startup). */
  async load(): Promise<void> {
    const since = new Date(this.options.clock.now().getTime() - this.retentionMs);
    this.failures = await this.options.repository.listSince(since);
    this.changes++;
  }

  /**
   * Replicas share the failures through the database: this reads them again, so a suppression
   * recorded on another replica takes effect here (the server calls it every few seconds). The
   * version moves only when the failures differ, so cached inventory answers survive a refresh that
   * found nothing new. Failures this process records meanwhile are kept even if the read missed them.
   */
  async refresh(): Promise<void> {
    const recordedMeanwhile: OfferFailure[] = [];
    this.recordedDuringRefresh = recordedMeanwhile;
    let loaded: OfferFailure[];
    try {
      const since = new Date(this.options.clock.now().getTime() - this.retentionMs);
      loaded = await this.options.repository.listSince(since);
    } finally {
      if (this.recordedDuringRefresh === recordedMeanwhile) this.recordedDuringRefresh = null;
    }
    const ids = new Set(loaded.map((f) => f.id));
    const next = [...loaded, ...recordedMeanwhile.filter((f) => !ids.has(f.id))];
    const before = new Set(this.failures.map((f) => f.id));
    const changed = next.length !== before.size || next.some((f) => !before.has(f.id));
    if (!changed) return;
    const added = next.filter((f) => !before.has(f.id)).length;
    this.failures = next;
    this.changes++;
    if (added > 0) this.logger.debug('offer failures recorded elsewhere read', { added });
  }

  /** Set while `refresh` reads storage: what `record` adds meanwhile, which that read may miss. */
  private recordedDuringRefresh: OfferFailure[] | null = null;

  async record(failure: OfferFailure): Promise<void> {
    this.failures.push(failure);
    this.recordedDuringRefresh?.push(failure);
    this.changes++;
    await this.options.repository.record(failure);
    const cutoff = new Date(this.options.clock.now().getTime() - this.retentionMs);
    this.failures = this.failures.filter((f) => f.occurredAt.getTime() >= cutoff.getTime());
    const pruned = await this.options.repository.prune(cutoff);
    if (this.isSuppressedId(failure.offerId, this.options.clock.now())) {
      this.logger.warn('offer suppressed after repeated failures', { offerId: failure.offerId, provider: failure.provider });
    }
    if (pruned > 0) this.logger.debug('pruned old offer failures', { pruned });
  }

  /**
   * Changes whenever `isSuppressed` may answer differently at `now`: a failure recorded, or a
   * suppression ended by time. For caches of filtered inventory answers.
   */
  version = (now: Date): string => {
    const suppressed = [...new Set(this.failures.map((f) => f.offerId))].filter((id) => this.isSuppressedId(id, now)).length;
    return `${this.changes}-${suppressed}`;
  };

  /** For the inventory's filter: a suppressed offer, or any offer on a suppressed host. */
  isSuppressed = (offer: Offer, now: Date): boolean => this.isSuppressedId(offer.id, now);

  private isSuppressedId(offerId: string, now: Date): boolean {
    return this.suppressedUntil(offerId, now) !== null;
  }

  /**
   * The end of the suppression in force at `now`: the time `suppressionMs` after the failure that
   * completed a run of `threshold` failures within `windowMs`, if that end is still ahead.
   */
  suppressedUntil(offerId: string, now: Date): Date | null {
    const times = countedFailures(this.failures.filter((f) => f.offerId === offerId))
      .map((f) => f.occurredAt.getTime())
      .sort((a, b) => a - b);
    let until: number | null = null;
    for (let i = this.threshold - 1; i < times.length; i++) {
      const first = times[i - this.threshold + 1] ?? 0;
      const trigger = times[i] ?? 0;
      if (trigger - first <= this.windowMs) until = Math.max(until ?? 0, trigger + this.suppressionMs);
    }
    return until !== null && until > now.getTime() ? new Date(until) : null;
  }

  /** Every offer with a failure still remembered, most recent first. */
  health(now: Date = this.options.clock.now()): OfferHealth[] {
    const byOffer = new Map<string, OfferFailure[]>();
    for (const failure of this.failures) byOffer.set(failure.offerId, [...(byOffer.get(failure.offerId) ?? []), failure]);
    const windowStart = now.getTime() - this.windowMs;
    return [...byOffer.entries()]
      .map(([offerId, failures]) => {
        const sorted = [...failures].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
        const last = sorted[sorted.length - 1] ?? failures[0];
        const suppressedUntil = this.suppressedUntil(offerId, now);
        return {
          offerId,
          provider: last?.provider ?? '',
          gpuType: last?.gpuType ?? '',
          recentFailures: sorted.filter((f) => f.occurredAt.getTime() >= windowStart).length,
          suppressed: suppressedUntil !== null,
          suppressedUntil,
          lastFailureAt: last?.occurredAt ?? now,
          lastFailureType: last?.failureType ?? 'unknown',
          lastFailureReason: last?.reason ?? '',
        };
      })
      .sort((a, b) => b.lastFailureAt.getTime() - a.lastFailureAt.getTime());
  }

  /** Hosts with a failure within the window (auto-retry avoids them). */
  recentlyFailedHosts(now: Date = this.options.clock.now()): Set<string> {
    const windowStart = now.getTime() - this.windowMs;
    return new Set(this.failures.filter((f) => f.hostId !== null && f.occurredAt.getTime() >= windowStart).map((f) => f.hostId ?? ''));
  }
}

/**
 * The failures that may suppress an offer for everyone: every provider-side one, and of the failures
 * a consumer could cause on its own node only the first per consumer — one tenant sabotaging its
 * own sessions must not take an offer away from the others.
 */
function countedFailures(failures: readonly OfferFailure[]): OfferFailure[] {
  const seen = new Set<string>();
  return [...failures]
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
    .filter((f) => {
      if (PROVIDER_SIDE_FAILURES.has(f.failureType) || f.consumerId === null) return true;
      if (seen.has(f.consumerId)) return false;
      seen.add(f.consumerId);
      return true;
    });
}
