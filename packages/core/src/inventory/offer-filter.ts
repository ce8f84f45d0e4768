import { z } from 'zod';

import { ValidationError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { matchesGpuQuery } from '../gpu/index.js';
import { providerNameSchema } from '../providers/provider-name.js';
import { offerMatchesPricing, offerPricingSchema, type Offer } from './offer.js';

export const OFFER_SORTS = ['price', 'price_per_gpu', 'vram', 'reliability'] as const;
export const offerSortSchema = z.enum(OFFER_SORTS);
export type OfferSort = z.infer<typeof offerSortSchema>;

/** Every inventory filter of the API and CLI. All are optional; an empty filter matches every available offer. */
export const offerFilterSchema = z
  .object({
    provider: providerNameSchema.optional(),
    /** GPU query: canonical SKU, alias (`RTX4090`) or family (`A100`). */
    gpu: z.string().trim().min(1).optional(),
    minVramGb: z.number().nonnegative().optional(),
    maxPricePerHourMicros: z.number().int().nonnegative().optional(),
    minGpus: z.number().int().positive().optional(),
    /** `12.4` matches hosts whose CUDA is 12.4 or newer. */
    minCudaVersion: z.string().regex(/^\d+(\.\d+)?$/, 'a CUDA version like 12.4').optional(),
    templateHashId: z.string().min(1).optional(),
    /** Case-insensitive substring of the offer's location. */
    location: z.string().trim().min(1).optional(),
    minReliability: z.number().min(0).max(1).optional(),
    sort: offerSortSchema.optional(),
    /** `on-demand` unless asked: an interruptible offer is never picked by a caller that did not ask for one. */
    pricing: offerPricingSchema.optional(),
  })
  .strict();
export type OfferFilter = z.infer<typeof offerFilterSchema>;

export function parseOfferFilter(input: unknown): Result<OfferFilter, ValidationError> {
  const parsed = offerFilterSchema.safeParse(input);
  if (parsed.success) return Ok(parsed.data);
  return Err(
    new ValidationError(
      'invalid inventory filter',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    ),
  );
}

/** Compares dotted versions numerically (`12.10` > `12.9`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export function offerMatchesFilter(offer: Offer, filter: OfferFilter): boolean {
  if (!offer.available) return false;
  if (!offerMatchesPricing(offer, filter.pricing)) return false;
  if (filter.provider !== undefined && offer.provider !== filter.provider) return false;
  if (filter.gpu !== undefined && !matchesGpuQuery(filter.gpu, offer.gpuType)) return false;
  if (filter.minVramGb !== undefined && offer.vramGbPerGpu < filter.minVramGb) return false;
  if (filter.maxPricePerHourMicros !== undefined && offer.pricePerHourMicros > filter.maxPricePerHourMicros) return false;
  if (filter.minGpus !== undefined && offer.gpuCount < filter.minGpus) return false;
  if (filter.minCudaVersion !== undefined) {
    // Unknown CUDA cannot be shown to satisfy a minimum, so it is excluded rather than guessed.
    if (offer.cudaVersion === null || compareVersions(offer.cudaVersion, filter.minCudaVersion) < 0) return false;
  }
  if (filter.templateHashId !== undefined) {
    // Only offers known to list the template: a host's requirements are matched by the template
    // service (the API does that), and an offer that says nothing must never pass as compatible.
    if (!offer.capabilities.templates || !offer.templateHashIds.includes(filter.templateHashId)) return false;
  }
  if (filter.location !== undefined && !offer.location.toLowerCase().includes(filter.location.toLowerCase())) return false;
  if (filter.minReliability !== undefined && (offer.reliability === null || offer.reliability < filter.minReliability)) {
    return false;
  }
  return true;
}

function pricePerGpu(offer: Offer): number {
  return offer.pricePerHourMicros / offer.gpuCount;
}

const COMPARATORS: Record<OfferSort, (a: Offer, b: Offer) => number> = {
  price: (a, b) => a.pricePerHourMicros - b.pricePerHourMicros,
  price_per_gpu: (a, b) => pricePerGpu(a) - pricePerGpu(b),
  vram: (a, b) => b.vramGbPerGpu - a.vramGbPerGpu || a.pricePerHourMicros - b.pricePerHourMicros,
  reliability: (a, b) => (b.reliability ?? -1) - (a.reliability ?? -1) || a.pricePerHourMicros - b.pricePerHourMicros,
};

/** Plain code-unit comparison for the tie-breaks: ids are ASCII, and localeCompare is far slower. */
const byText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

const FULL_COMPARATORS = Object.fromEntries(
  OFFER_SORTS.map((sort) => {
    const compare = COMPARATORS[sort];
    return [sort, (a: Offer, b: Offer) => compare(a, b) || byText(a.provider, b.provider) || byText(a.id, b.id)];
  }),
) as Record<OfferSort, (a: Offer, b: Offer) => number>;

/**
 * The order of a listing sorted by `sort` (price ascending by default): ties break on provider and
 * id, so the order (and the offer `--gpu` auto-selects) is deterministic.
 */
export function offerComparator(sort: OfferSort = 'price'): (a: Offer, b: Offer) => number {
  return FULL_COMPARATORS[sort];
}

/** Sorts a copy in `offerComparator(sort)` order (a stable sort: equal offers keep their order). */
export function sortOffers(offers: readonly Offer[], sort: OfferSort = 'price'): Offer[] {
  return [...offers].sort(FULL_COMPARATORS[sort]);
}

/**
 * Merges lists each already sorted by `compare` into one sorted list, in linear time per level
 * (pairs of lists are merged until one is left). Stable: of two equal offers, the one from the
 * earlier list comes first, so merging the parts of a list gives exactly the stable sort of the whole.
 */
export function mergeSortedOffers(lists: readonly (readonly Offer[])[], compare: (a: Offer, b: Offer) => number = FULL_COMPARATORS.price): Offer[] {
  let level: (readonly Offer[])[] = lists.filter((list) => list.length > 0);
  if (level.length === 0) return [];
  while (level.length > 1) {
    const next: (readonly Offer[])[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as readonly Offer[];
      const right = level[i + 1];
      next.push(right === undefined ? left : mergeTwo(left, right, compare));
    }
    level = next;
  }
  return [...(level[0] as readonly Offer[])];
}

function mergeTwo(left: readonly Offer[], right: readonly Offer[], compare: (a: Offer, b: Offer) => number): Offer[] {
  const out = new Array<Offer>(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) {
    const a = left[i] as Offer;
    const b = right[j] as Offer;
    // `<= 0`: on a tie the left (earlier) list goes first.
    if (compare(a, b) <= 0) {
      out[k++] = a;
      i++;
    } else {
      out[k++] = b;
      j++;
    }
  }
  while (i < left.length) out[k++] = left[i++] as Offer;
  while (j < right.length) out[k++] = right[j++] as Offer;
  return out;
}

/** Filters then sorts: the inventory's query over a cached catalogue (filters never touch the cache). */
export function selectOffers(offers: readonly Offer[], filter: OfferFilter): Offer[] {
  return sortOffers(
    offers.filter((offer) => offerMatchesFilter(offer, filter)),
    filter.sort,
  );
}
