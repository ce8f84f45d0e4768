import { isValidBenchmark, microsToUsd, type BenchmarkResult, type BenchmarkSource, type Offer } from '@gpu-shopper/core';

/**
 * Rankings over benchmark results, as pure functions (the server feeds them repository rows and live
 * offers). Notation: tps = results.avgTokensPerSecond (mean per-request decode tokens/s, the
 * headline metric), p = price per hour in USD.
 *
 *   $ per million tokens  = p / (tps × 3600) × 1 000 000
 *   tokens per dollar     = tps × 3600 / p
 *   estimated monthly     = p × 720            (24 h × 30 days)
 *
 * Unlike upstream (one row decides, errors ignored, prices averaged across providers; §E.3.2–3)
 * every ranking works on aggregates per (model, GPU SKU, provider): only valid results (no invalid
 * reasons, which includes an error rate of 10 % or more) with tps > 0 count, the most recent N
 * samples of each group are used (default 5), and the group's figure is their median. Every answer
 * carries its evidence: sample count, newest sample time, sources.
 */

export const DEFAULT_RECENT_SAMPLES = 5;
const HOURS_PER_MONTH = 24 * 30;

/** p / (tps × 3600) × 1e6. Null when either figure is missing, zero or negative (nothing to divide honestly). */
export function costPerMillionTokensUsd(pricePerHourUsd: number | null, tokensPerSecond: number | null): number | null {
  if (pricePerHourUsd === null || tokensPerSecond === null || !(pricePerHourUsd > 0) || !(tokensPerSecond > 0)) return null;
  return (pricePerHourUsd / (tokensPerSecond * 3600)) * 1_000_000;
}

export interface CostAnalysis {
  readonly tokensPerDollar: number;
  readonly costPerMillionTokensUsd: number;
  readonly costPerHourUsd: number;
  readonly estimatedMonthly24x7Usd: number;
}

/** The §A.8.1 cost analysis; null (not zeros) when price or throughput is unknown or zero. */
export function costAnalysis(pricePerHourMicros: number | null, tokensPerSecond: number | null): CostAnalysis | null {
  if (pricePerHourMicros === null) return null;
  const p = microsToUsd(pricePerHourMicros);
  const perMillion = costPerMillionTokensUsd(p, tokensPerSecond);
  if (perMillion === null || tokensPerSecond === null) return null;
  return { tokensPerDollar: (tokensPerSecond * 3600) / p, costPerMillionTokensUsd: perMillion, costPerHourUsd: p, estimatedMonthly24x7Usd: p * HOURS_PER_MONTH };
}

/** Median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Counted by rankings: valid and with throughput. */
export function isRankable(result: BenchmarkResult): boolean {
  return isValidBenchmark(result) && result.results.avgTokensPerSecond > 0;
}

/** The GPU a result is grouped under: its canonical SKU, or the raw name when the catalogue does not know it. */
export function gpuKey(result: BenchmarkResult): string {
  return result.gpuSku ?? result.hardware.gpuName;
}

export interface Evidence {
  /** Samples the figure is the median of (at most the recent-sample limit). */
  readonly sampleCount: number;
  /** Valid samples available in the group (older ones beyond the limit included). */
  readonly availableSamples: number;
  readonly newestAt: Date;
  readonly oldestAt: Date;
  /** Age of the newest sample in whole days, when `now` was given. */
  readonly ageDays: number | null;
  readonly providers: readonly string[];
  readonly sources: readonly BenchmarkSource[];
  readonly resultIds: readonly string[];
}

export interface BenchmarkAggregate {
  readonly model: string;
  /** Canonical SKU id, or the raw GPU name when unknown to the catalogue. */
  readonly gpu: string;
  readonly gpuSkuKnown: boolean;
  readonly provider: string;
  readonly medianTokensPerSecond: number;
  readonly minTokensPerSecond: number;
  readonly maxTokensPerSecond: number;
  /** Median of the samples that carry a price; null when none does. */
  readonly medianPricePerHourMicros: number | null;
  readonly costPerMillionTokensUsd: number | null;
  /** Largest reported GPU memory among the samples (for memory efficiency); null when none reported it. */
  readonly gpuMemoryMib: number | null;
  /** The newest sample, for responses that show one full result. */
  readonly representative: BenchmarkResult;
  readonly evidence: Evidence;
}

export interface AggregateOptions {
  readonly model?: string;
  readonly recentSamples?: number;
  readonly now?: Date;
}

function newestFirst(a: BenchmarkResult, b: BenchmarkResult): number {
  return b.timestamp.getTime() - a.timestamp.getTime() || (a.id < b.id ? 1 : -1);
}

function evidenceOf(used: readonly BenchmarkResult[], available: number, now: Date | undefined): Evidence {
  const times = used.map((r) => r.timestamp.getTime());
  const newest = Math.max(...times);
  return {
    sampleCount: used.length,
    availableSamples: available,
    newestAt: new Date(newest),
    oldestAt: new Date(Math.min(...times)),
    ageDays: now ? Math.floor((now.getTime() - newest) / 86_400_000) : null,
    providers: [...new Set(used.map((r) => r.provider))].sort(),
    sources: [...new Set(used.map((r) => r.source))].sort(),
    resultIds: used.map((r) => r.id),
  };
}

/** Median throughput (and price) of the most recent rankable samples. Samples must be non-empty. */
function summarize(samples: readonly BenchmarkResult[], recent: number, now: Date | undefined) {
  const sorted = [...samples].sort(newestFirst);
  const used = sorted.slice(0, Math.max(1, recent));
  const tps = used.map((r) => r.results.avgTokensPerSecond);
  const prices = used.map((r) => r.pricePerHourMicros).filter((p): p is number => p !== null && p > 0);
  const medianTps = median(tps) ?? 0;
  const medianPrice = median(prices);
  const memories = used.map((r) => r.hardware.gpuMemoryMib).filter((m): m is number => m !== null && m > 0);
  return {
    used,
    medianTokensPerSecond: medianTps,
    minTokensPerSecond: Math.min(...tps),
    maxTokensPerSecond: Math.max(...tps),
    medianPricePerHourMicros: medianPrice === null ? null : Math.round(medianPrice),
    costPerMillionTokensUsd: costPerMillionTokensUsd(medianPrice === null ? null : microsToUsd(Math.round(medianPrice)), medianTps),
    gpuMemoryMib: memories.length ? Math.max(...memories) : null,
    evidence: evidenceOf(used, samples.length, now),
  };
}

/** One aggregate per (model, GPU, provider) over rankable results; fastest first. */
export function aggregateBenchmarks(results: readonly BenchmarkResult[], options: AggregateOptions = {}): BenchmarkAggregate[] {
  const groups = new Map<string, BenchmarkResult[]>();
  for (const result of results) {
    if (!isRankable(result) || (options.model !== undefined && result.model.name !== options.model)) continue;
    const key = JSON.stringify([result.model.name, gpuKey(result), result.provider]);
    const group = groups.get(key) ?? [];
    group.push(result);
    groups.set(key, group);
  }
  const aggregates: BenchmarkAggregate[] = [];
  for (const samples of groups.values()) {
    const first = samples[0];
    if (!first) continue;
    const s = summarize(samples, options.recentSamples ?? DEFAULT_RECENT_SAMPLES, options.now);
    aggregates.push({
      model: first.model.name,
      gpu: gpuKey(first),
      gpuSkuKnown: first.gpuSku !== null,
      provider: first.provider,
      medianTokensPerSecond: s.medianTokensPerSecond,
      minTokensPerSecond: s.minTokensPerSecond,
      maxTokensPerSecond: s.maxTokensPerSecond,
      medianPricePerHourMicros: s.medianPricePerHourMicros,
      costPerMillionTokensUsd: s.costPerMillionTokensUsd,
      gpuMemoryMib: s.gpuMemoryMib,
      representative: s.used[0] ?? first,
      evidence: s.evidence,
    });
  }
  return aggregates.sort(byFastest);
}

/** Fastest first; ties by lower $/Mtok (unknown last), then more samples, then name for a stable order. */
function byFastest(a: BenchmarkAggregate, b: BenchmarkAggregate): number {
  return (
    b.medianTokensPerSecond - a.medianTokensPerSecond ||
    (a.costPerMillionTokensUsd ?? Infinity) - (b.costPerMillionTokensUsd ?? Infinity) ||
    b.evidence.sampleCount - a.evidence.sampleCount ||
    `${a.gpu}/${a.provider}`.localeCompare(`${b.gpu}/${b.provider}`)
  );
}

/** Cheapest per token first; ties by faster, then more samples. Unpriced groups are excluded by the callers. */
function byCheapest(a: BenchmarkAggregate, b: BenchmarkAggregate): number {
  return (
    (a.costPerMillionTokensUsd ?? Infinity) - (b.costPerMillionTokensUsd ?? Infinity) ||
    b.medianTokensPerSecond - a.medianTokensPerSecond ||
    b.evidence.sampleCount - a.evidence.sampleCount ||
    `${a.gpu}/${a.provider}`.localeCompare(`${b.gpu}/${b.provider}`)
  );
}

export interface RankedBenchmark {
  readonly aggregate: BenchmarkAggregate;
  /** From the aggregate's median price and throughput; null when unpriced. */
  readonly costAnalysis: CostAnalysis | null;
}

const ranked = (aggregate: BenchmarkAggregate): RankedBenchmark => ({ aggregate, costAnalysis: costAnalysis(aggregate.medianPricePerHourMicros, aggregate.medianTokensPerSecond) });

/** The fastest (GPU, provider) for a model by median throughput. Undefined when nothing is rankable. */
export function bestBenchmark(results: readonly BenchmarkResult[], model: string, options: Omit<AggregateOptions, 'model'> = {}): RankedBenchmark | undefined {
  const first = aggregateBenchmarks(results, { ...options, model })[0];
  return first && ranked(first);
}

/** The lowest $/Mtok (GPU, provider) whose median throughput reaches `minTps`. Unpriced groups never win. */
export function cheapestBenchmark(results: readonly BenchmarkResult[], model: string, minTps = 0, options: Omit<AggregateOptions, 'model'> = {}): RankedBenchmark | undefined {
  const candidates = aggregateBenchmarks(results, { ...options, model }).filter((a) => a.medianTokensPerSecond >= minTps && a.costPerMillionTokensUsd !== null);
  const first = candidates.sort(byCheapest)[0];
  return first && ranked(first);
}

export type CompareBaseline = 'fastest' | 'cheapest' | { readonly gpu: string; readonly provider: string };

export interface ComparisonRow extends RankedBenchmark {
  /** tps ÷ baseline tps. */
  readonly speedupFactor: number;
  /** tokens per dollar ÷ baseline's; null when either is unpriced. */
  readonly costEfficiency: number | null;
  /** (tps per GiB of GPU memory) ÷ baseline's; null when either memory is unknown. */
  readonly memoryEfficiency: number | null;
}

export interface BenchmarkComparison {
  readonly model: string;
  readonly baseline: RankedBenchmark;
  /** Every other (GPU, provider), fastest first, each with absolute $/Mtok (§E.3.4). */
  readonly comparisons: readonly ComparisonRow[];
}

/** Compares every (GPU, provider) of a model against a chosen baseline. Undefined when nothing is rankable or the baseline is absent. */
export function compareBenchmarks(
  results: readonly BenchmarkResult[],
  model: string,
  baseline: CompareBaseline = 'fastest',
  options: Omit<AggregateOptions, 'model'> = {},
): BenchmarkComparison | undefined {
  const all = aggregateBenchmarks(results, { ...options, model });
  const base =
    baseline === 'fastest'
      ? all[0]
      : baseline === 'cheapest'
        ? [...all].filter((a) => a.costPerMillionTokensUsd !== null).sort(byCheapest)[0]
        : all.find((a) => a.gpu === baseline.gpu && a.provider === baseline.provider);
  if (!base) return undefined;
  const baseCost = costAnalysis(base.medianPricePerHourMicros, base.medianTokensPerSecond);
  const perGib = (a: BenchmarkAggregate) => (a.gpuMemoryMib ? a.medianTokensPerSecond / (a.gpuMemoryMib / 1024) : null);
  const basePerGib = perGib(base);
  const comparisons = all
    .filter((a) => a !== base)
    .map((aggregate): ComparisonRow => {
      const cost = costAnalysis(aggregate.medianPricePerHourMicros, aggregate.medianTokensPerSecond);
      const rowPerGib = perGib(aggregate);
      return {
        aggregate,
        costAnalysis: cost,
        speedupFactor: base.medianTokensPerSecond > 0 ? aggregate.medianTokensPerSecond / base.medianTokensPerSecond : 0,
        costEfficiency: cost && baseCost ? cost.tokensPerDollar / baseCost.tokensPerDollar : null,
        memoryEfficiency: rowPerGib !== null && basePerGib !== null && basePerGib > 0 ? rowPerGib / basePerGib : null,
      };
    });
  return { model, baseline: ranked(base), comparisons };
}

export type OfferRecommendationStatus = 'recommended' | 'below_min_tps' | 'unmeasured';

export interface OfferRecommendation {
  readonly offer: Offer;
  readonly status: OfferRecommendationStatus;
  /** Median single-stream decode tokens/s measured on this SKU (at this provider when `evidence.scope` is `provider`). */
  readonly expectedTokensPerSecond: number | null;
  /** The offer's price now ÷ expected throughput; null when unmeasured. */
  readonly estimatedCostPerMillionTokensUsd: number | null;
  /** `provider`: measured at the offer's own provider; `sku`: measured on this SKU at other providers. */
  readonly evidence: (Evidence & { readonly scope: 'provider' | 'sku' }) | null;
  /** Why there is no estimate, for unmeasured offers. */
  readonly reason: string | null;
}

export interface RecommendationOptions {
  readonly model: string;
  /** Offers measured below this throughput are listed as `below_min_tps`, after the recommended ones. */
  readonly minTps?: number;
  readonly recentSamples?: number;
  readonly now?: Date;
}

/**
 * Joins live offers with benchmark throughput per canonical SKU — at the offer's provider where
 * measured there, otherwise across providers for that SKU — and ranks what can be rented now by
 * estimated $ per million tokens (the offer's current price, not the price at benchmark time).
 * Throughput is the single-stream figure the benchmark measures: a multi-GPU offer is not assumed to
 * be faster, so its whole price counts. An SKU with no rankable benchmark for the model is listed as
 * `unmeasured` with no estimate — never guessed from another GPU.
 *
 * Order: recommended by $/Mtok ascending; then below_min_tps by $/Mtok; then unmeasured by price.
 */
export function recommendOffers(offers: readonly Offer[], results: readonly BenchmarkResult[], options: RecommendationOptions): OfferRecommendation[] {
  const recent = options.recentSamples ?? DEFAULT_RECENT_SAMPLES;
  const bySku = new Map<string, BenchmarkResult[]>();
  for (const result of results) {
    if (result.model.name !== options.model || !isRankable(result) || result.gpuSku === null) continue;
    const list = bySku.get(result.gpuSku) ?? [];
    list.push(result);
    bySku.set(result.gpuSku, list);
  }
  const rows = offers
    .filter((offer) => offer.available)
    .map((offer): OfferRecommendation => {
      const unmeasured = (reason: string): OfferRecommendation => ({ offer, status: 'unmeasured', expectedTokensPerSecond: null, estimatedCostPerMillionTokensUsd: null, evidence: null, reason });
      if (!offer.gpuKnown) return unmeasured(`GPU '${offer.gpuName}' is not in the GPU catalogue`);
      const samples = bySku.get(offer.gpuType) ?? [];
      if (samples.length === 0) return unmeasured(`no benchmark of ${options.model} on ${offer.gpuType}`);
      const atProvider = samples.filter((r) => r.provider === offer.provider);
      const scope = atProvider.length > 0 ? 'provider' : 'sku';
      const s = summarize(scope === 'provider' ? atProvider : samples, recent, options.now);
      const perMillion = costPerMillionTokensUsd(microsToUsd(offer.pricePerHourMicros), s.medianTokensPerSecond);
      const meets = options.minTps === undefined || s.medianTokensPerSecond >= options.minTps;
      return {
        offer,
        status: meets ? 'recommended' : 'below_min_tps',
        expectedTokensPerSecond: s.medianTokensPerSecond,
        estimatedCostPerMillionTokensUsd: perMillion,
        evidence: { ...s.evidence, scope },
        reason: meets ? null : `median ${s.medianTokensPerSecond.toFixed(1)} tokens/s is below the requested ${options.minTps ?? 0}`,
      };
    });
  const rank: Record<OfferRecommendationStatus, number> = { recommended: 0, below_min_tps: 1, unmeasured: 2 };
  return rows.sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      (a.estimatedCostPerMillionTokensUsd ?? Infinity) - (b.estimatedCostPerMillionTokensUsd ?? Infinity) ||
      a.offer.pricePerHourMicros - b.offer.pricePerHourMicros ||
      a.offer.id.localeCompare(b.offer.id),
  );
}
