import { type Result } from '../errors/result.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderAdapter } from '../ports/provider-adapter.js';
import { ProviderRateLimitedError, type ProviderError } from '../ports/provider-errors.js';
import { type ProviderName } from '../providers/provider-name.js';
import { type Clock } from '../time/clock.js';
import { matchesGpuQuery } from '../gpu/index.js';
import { type Offer } from './offer.js';
import { mergeSortedOffers, offerComparator, offerMatchesFilter, sortOffers, type OfferFilter } from './offer-filter.js';

export interface InventoryServiceOptions {
  readonly providers: readonly ProviderAdapter[];
  readonly clock: Clock;
  readonly logger?: Logger;
  /** How long a fetched catalogue counts as fresh (INVENTORY_CACHE_TTL). */
  readonly cacheTtlMs: number;
  /** How long a provider that answered 429 or 5xx is left alone (INVENTORY_BACKOFF_TTL). */
  readonly backoffTtlMs: number;
  /** Other failures (auth, schema drift) are retried much sooner: they are not cached for minutes. @default 15000 */
  readonly errorRetryMs?: number;
  /** A provider slower than this is reported as failed for this query; the fetch goes on in the background. @default 30000 */
  readonly fetchTimeoutMs?: number;
  /** Offers to leave out of answers (e.g. suppressed after repeated provisioning failures). */
  readonly isSuppressed?: (offer: Offer, now: Date) => boolean;
  /** Changes whenever `isSuppressed` may answer differently (see `OfferFailureTracker.version`). */
  readonly suppressionVersion?: (now: Date) => string;
}

export type ProviderInventoryState = 'ok' | 'stale' | 'rate_limited' | 'error';

/** What the answer says about one provider, so a failure never silently shrinks the menu. */
export interface ProviderInventoryStatus {
  readonly provider: ProviderName;
  readonly state: ProviderInventoryState;
  readonly offerCount: number;
  readonly fetchedAt: Date | null;
  /** When the served catalogue stopped being fresh; null while fresh. */
  readonly staleSince: Date | null;
  readonly rateLimitedUntil: Date | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

export interface InventoryAnswer {
  readonly offers: Offer[];
  readonly providers: ProviderInventoryStatus[];
}

interface CacheEntry {
  offers: Offer[] | null;
  fetchedAtMs: number | null;
  inflight: Promise<void> | null;
  /** No fetch before this time (backoff after 429/5xx, short pause after other errors). */
  retryAfterMs: number;
  lastError: ProviderError | null;
  rateLimitedUntilMs: number | null;
  /** Offers rented since this catalogue was fetched: left out until the provider is asked again. */
  rented: Set<string>;
}

const BACKOFF_CODES = new Set(['PROVIDER_RATE_LIMITED', 'PROVIDER_UNAVAILABLE']);

/**
 * The offer catalogue of every provider, cached whole per provider and filtered locally, so no
 * filter can poison another query's cache. Each provider is fetched single-flight, in parallel with
 * the others, and served stale while a refresh runs; one failing provider never hides the others.
 */
export class InventoryService {
  private readonly entries = new Map<ProviderName, CacheEntry>();
  private readonly logger: Logger;
  /** Each cached catalogue's offers by GPU type, built on first use; keyed by the array, which every change replaces. */
  private readonly byGpuType = new WeakMap<readonly Offer[], Map<string, Offer[]>>();
  /** Each cached catalogue's offers by id (`getOffer`), built on first use, keyed likewise. */
  private readonly byId = new WeakMap<readonly Offer[], Map<string, Offer>>();
  /** Bumped by every change to a cached catalogue or its error state (see `version`). */
  private generation = 0;

  constructor(private readonly options: InventoryServiceOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'inventory' });
    for (const provider of options.providers) {
      this.entries.set(provider.name, { offers: null, fetchedAtMs: null, inflight: null, retryAfterMs: 0, lastError: null, rateLimitedUntilMs: null, rented: new Set() });
    }
  }

  get providerNames(): ProviderName[] {
    return this.options.providers.map((p) => p.name);
  }

  /**
   * Offers matching `filter` from every provider (or the filter's one), with each provider's status.
   * Each catalogue is kept sorted by price from the moment it arrives (see `refresh`), so the answer
   * is a filter of each and a linear merge: a cold query's work after its slowest provider answers
   * is that provider's sort and the merge, not a sort of every catalogue together.
   */
  async query(filter: OfferFilter = {}): Promise<InventoryAnswer> {
    return this.answer(filter);
  }

  /** `query`, restricted to the offer `offerId` when given (found by id, not by filtering every offer). */
  private async answer(filter: OfferFilter, offerId?: string): Promise<InventoryAnswer> {
    const providers = this.options.providers.filter((p) => filter.provider === undefined || p.name === filter.provider);
    const catalogues = await Promise.all(providers.map((provider) => this.ensureCatalogue(provider)));
    const now = this.options.clock.now();
    const sort = filter.sort ?? 'price';
    const lists: Offer[][] = [];
    for (const catalogue of catalogues) {
      // One offer by id is a list of none or one: sorted whatever the order.
      const candidates = offerId === undefined ? this.candidates(catalogue.offers, filter) : [this.byOfferId(catalogue.offers, offerId)];
      for (const list of candidates) {
        const matching = list.filter((offer) => offerMatchesFilter(offer, filter));
        // Filtering keeps the price order; another order sorts each part before the merge.
        lists.push(sort === 'price' ? matching : sortOffers(matching, sort));
      }
    }
    const selected = mergeSortedOffers(lists, offerComparator(sort));
    // Suppression is checked on the matches only: its cost follows the answer, not the catalogue.
    const offers = this.options.isSuppressed ? selected.filter((offer) => !this.options.isSuppressed?.(offer, now)) : selected;
    return { offers, providers: catalogues.map((catalogue) => catalogue.status) };
  }

  /**
   * The offers a filter can match, as lists in price order: with a GPU query, only the offers of the
   * GPU types it names, found through a per-catalogue index by type (a catalogue lists a few dozen
   * types), so a query's cost grows with the offers of those types rather than with the whole
   * catalogue.
   */
  private candidates(offers: Offer[], filter: OfferFilter): readonly (readonly Offer[])[] {
    const gpu = filter.gpu;
    if (gpu === undefined) return [offers];
    let byType = this.byGpuType.get(offers);
    if (!byType) {
      byType = new Map();
      // Built from the sorted catalogue, so every group is in price order too.
      for (const offer of offers) {
        const group = byType.get(offer.gpuType);
        if (group) group.push(offer);
        else byType.set(offer.gpuType, [offer]);
      }
      this.byGpuType.set(offers, byType);
    }
    const out: Offer[][] = [];
    for (const [type, group] of byType) if (matchesGpuQuery(gpu, type)) out.push(group);
    return out;
  }

  /** The offer `offerId` of a cached catalogue, as a list of none or one, through a per-catalogue index by id. */
  private byOfferId(offers: Offer[], offerId: string): readonly Offer[] {
    let byId = this.byId.get(offers);
    if (!byId) {
      byId = new Map(offers.map((offer) => [offer.id, offer]));
      this.byId.set(offers, byId);
    }
    const offer = byId.get(offerId);
    return offer ? [offer] : [];
  }

  /**
   * A token that changes whenever `query` could answer differently: a catalogue fetched, an offer
   * rented or evicted, a provider's state moving (fresh → stale, rate limit over) or the suppressed
   * offers changing. Callers cache what they derive from an answer (the API's serialized body) under
   * it. Reading it starts no fetch; `query` does.
   */
  version(): string {
    const now = this.options.clock.now();
    const nowMs = now.getTime();
    const states = this.options.providers
      .map((p) => {
        const entry = this.entry(p.name);
        const fresh = entry.fetchedAtMs !== null && nowMs - entry.fetchedAtMs < this.options.cacheTtlMs;
        // A refresh that is due but not started changes the token: the next query must start it.
        const due = !fresh && nowMs >= entry.retryAfterMs && entry.inflight === null;
        return `${this.status(p.name, entry).state[0] ?? ''}${due ? '!' : ''}`;
      })
      .join('');
    return `${this.generation}.${states}${this.options.suppressionVersion ? `.${this.options.suppressionVersion(now)}` : ''}`;
  }

  /**
   * One offer by its unified id, from the cached catalogues (refreshing a missing one first). An
   * offer rented since the last fetch is looked up again at its provider: one rental of a host with
   * several GPUs leaves it listed, and then it can be rented again.
   */
  async getOffer(offerId: string): Promise<{ offer: Offer; fresh: boolean } | undefined> {
    // By id, whatever its pricing: the on-demand default of listings must not hide a named spot offer.
    // The answer `query` would give, restricted to this offer: the same filter and suppression, not
    // paid for every offer of the catalogue.
    let answer = await this.answer({ pricing: 'any' }, offerId);
    let offer = answer.offers.find((o) => o.id === offerId);
    if (!offer) {
      const provider = this.options.providers.find((p) => this.entries.get(p.name)?.rented.has(offerId));
      if (!provider) return undefined;
      const entry = this.entry(provider.name);
      // A provider in backoff is not asked again early: the offer counts as gone until then.
      if (this.options.clock.now().getTime() < entry.retryAfterMs) return undefined;
      await this.withTimeout(this.refresh(provider, entry));
      answer = await this.answer({ provider: provider.name, pricing: 'any' }, offerId);
      offer = answer.offers.find((o) => o.id === offerId);
      if (!offer) return undefined;
    }
    const status = answer.providers.find((p) => p.provider === offer.provider);
    return { offer, fresh: status?.state === 'ok' };
  }

  /**
   * Leaves out an offer just rented until its provider is asked again: the next "cheapest of a GPU"
   * choice moves on to another host, while the offer itself, named by id, is re-listed at its
   * provider (`getOffer`) and still rentable when capacity is left.
   */
  markRented(offerId: string): void {
    for (const entry of this.entries.values()) {
      if (entry.offers?.some((offer) => offer.id === offerId)) {
        entry.offers = entry.offers.filter((offer) => offer.id !== offerId);
        entry.rented.add(offerId);
        this.generation++;
      }
    }
  }

  /**
   * Removes an offer the provider refused as stale or unavailable, so the next choice (and a retry
   * seconds later) does not pick it again before the next refresh.
   */
  evictOffer(offerId: string): void {
    for (const entry of this.entries.values()) {
      if (entry.offers?.some((offer) => offer.id === offerId)) {
        entry.offers = entry.offers.filter((offer) => offer.id !== offerId);
        this.generation++;
      }
    }
  }

  /** Starts a background refresh of every provider whose catalogue is not fresh (for a periodic job). */
  refreshStale(): Promise<void> {
    return Promise.all(this.options.providers.map((provider) => this.ensureCatalogue(provider))).then(() => undefined);
  }

  /** The catalogue to serve and its status, taken together so the answer never mixes two fetches. */
  private async ensureCatalogue(provider: ProviderAdapter): Promise<{ offers: Offer[]; status: ProviderInventoryStatus }> {
    const entry = this.entry(provider.name);
    const nowMs = this.options.clock.now().getTime();
    const fresh = entry.fetchedAtMs !== null && nowMs - entry.fetchedAtMs < this.options.cacheTtlMs;
    if (!fresh && nowMs >= entry.retryAfterMs) {
      const refresh = this.refresh(provider, entry);
      // With nothing to serve yet, wait for the fetch (bounded); otherwise serve stale while it runs.
      if (entry.offers === null) await this.withTimeout(refresh);
    }
    return { offers: entry.offers ?? [], status: this.status(provider.name, entry) };
  }

  private refresh(provider: ProviderAdapter, entry: CacheEntry): Promise<void> {
    entry.inflight ??= (async () => {
      let result: Result<Offer[], ProviderError>;
      try {
        result = await provider.listOffers();
      } finally {
        entry.inflight = null;
      }
      const nowMs = this.options.clock.now().getTime();
      this.generation++;
      if (result.ok) {
        // Sorted now, while slower providers are still answering (see `query`).
        entry.offers = sortOffers(result.val);
        entry.rented.clear();
        entry.fetchedAtMs = nowMs;
        entry.lastError = null;
        entry.rateLimitedUntilMs = null;
        entry.retryAfterMs = 0;
        return;
      }
      const error = result.err;
      entry.lastError = error;
      if (BACKOFF_CODES.has(error.code)) {
        const retryAfter = error instanceof ProviderRateLimitedError && error.retryAfterMs !== null ? error.retryAfterMs : 0;
        entry.retryAfterMs = nowMs + Math.max(this.options.backoffTtlMs, retryAfter);
        entry.rateLimitedUntilMs = error.code === 'PROVIDER_RATE_LIMITED' ? entry.retryAfterMs : null;
      } else {
        entry.retryAfterMs = nowMs + (this.options.errorRetryMs ?? 15_000);
        entry.rateLimitedUntilMs = null;
      }
      this.logger.warn('inventory refresh failed', { provider: provider.name, code: error.code, error: error.message });
    })();
    return entry.inflight;
  }

  private async withTimeout(work: Promise<void>): Promise<void> {
    const timeoutMs = this.options.fetchTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  private status(provider: ProviderName, entry: CacheEntry): ProviderInventoryStatus {
    const nowMs = this.options.clock.now().getTime();
    const fresh = entry.fetchedAtMs !== null && nowMs - entry.fetchedAtMs < this.options.cacheTtlMs;
    const rateLimited = entry.rateLimitedUntilMs !== null && nowMs < entry.rateLimitedUntilMs;
    const failing = entry.lastError !== null;
    const state: ProviderInventoryState = fresh && !failing ? 'ok' : rateLimited ? 'rate_limited' : failing ? 'error' : entry.offers === null ? 'error' : 'stale';
    const timedOut = entry.offers === null && entry.lastError === null;
    return {
      provider,
      state,
      offerCount: entry.offers?.length ?? 0,
      fetchedAt: entry.fetchedAtMs === null ? null : new Date(entry.fetchedAtMs),
      staleSince: entry.fetchedAtMs === null || fresh ? null : new Date(entry.fetchedAtMs + this.options.cacheTtlMs),
      rateLimitedUntil: rateLimited && entry.rateLimitedUntilMs !== null ? new Date(entry.rateLimitedUntilMs) : null,
      errorCode: entry.lastError?.code ?? (timedOut ? 'PROVIDER_UNAVAILABLE' : null),
      errorMessage: entry.lastError?.message ?? (timedOut ? `${provider} did not answer in time` : null),
    };
  }

  private entry(provider: ProviderName): CacheEntry {
    const entry = this.entries.get(provider);
    if (!entry) throw new Error(`unknown provider ${provider}`);
    return entry;
  }
}
