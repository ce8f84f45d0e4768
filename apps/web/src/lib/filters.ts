import type { Offer, OfferPricing } from '@gpu-shopper/client';

/** The inventory page's filters; an empty string or null means "any". */
export interface OfferFilters {
  provider: string;
  gpu: string;
  minVram: number | null;
  maxPrice: number | null;
  location: string;
  minReliability: number | null;
  minCuda: string;
  availableOnly: boolean;
  /** A template hash: offers that support it (filtered by the server, not here). */
  template: string;
  /**
   * On-demand offers (the default, as the API's), interruptible (spot) ones only, or both: asked of
   * the server (`pricing=`), since it lists spot offers only when asked.
   */
  pricing: OfferPricing;
}

export type OfferSortKey = 'price' | 'price_per_gpu' | 'vram' | 'reliability';

export const NO_FILTERS: OfferFilters = {
  provider: '',
  gpu: '',
  minVram: null,
  maxPrice: null,
  location: '',
  minReliability: null,
  minCuda: '',
  availableOnly: true,
  template: '',
  pricing: 'on-demand',
};

/** What an offer costs to rent, in words: "on-demand", or "interruptible (spot)" with its minimum bid. */
export function pricingLabel(offer: Pick<Offer, 'interruptible' | 'min_bid'>): string {
  if (!offer.interruptible) return 'on-demand';
  return offer.min_bid === null ? 'interruptible (spot)' : `interruptible (spot) · min bid ${bidMoney(offer.min_bid)}/h`;
}

/** A bid in dollars with four decimals ($0.2150): bids differ by fractions of a cent. */
export function bidMoney(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** "12.4" ≥ "12.1", "12.10" > "12.9": CUDA versions compare part by part, as numbers. */
export function cudaAtLeast(version: string | null, minimum: string): boolean {
  if (minimum.trim() === '') return true;
  if (!version) return false;
  const a = version.split('.').map(Number);
  const b = minimum.trim().split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (Number.isNaN(y)) return true;
    if (x !== y) return x > y;
  }
  return true;
}

/** GPU names match loosely: "rtx 4090", "RTX4090" and "4090" all find "RTX4090". */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function matchesFilters(offer: Offer, filters: OfferFilters): boolean {
  if (filters.provider && offer.provider !== filters.provider) return false;
  if (filters.gpu) {
    const wanted = normalise(filters.gpu);
    if (!normalise(offer.gpu_type).includes(wanted) && !normalise(offer.gpu_name).includes(wanted)) return false;
  }
  if (filters.minVram !== null && offer.vram_gb < filters.minVram) return false;
  if (filters.maxPrice !== null && offer.price_per_hour > filters.maxPrice) return false;
  if (filters.location && !offer.location.toLowerCase().includes(filters.location.trim().toLowerCase())) return false;
  if (filters.minReliability !== null && (offer.reliability === null || offer.reliability < filters.minReliability)) return false;
  if (!cudaAtLeast(offer.cuda_version, filters.minCuda)) return false;
  if (filters.availableOnly && !offer.available) return false;
  return true;
}

function sortValue(offer: Offer, key: OfferSortKey): number {
  switch (key) {
    case 'price':
      return offer.price_per_hour_micros;
    case 'price_per_gpu':
      return offer.price_per_hour_micros / Math.max(1, offer.gpu_count);
    case 'vram':
      return -offer.vram_gb;
    case 'reliability':
      return -(offer.reliability ?? -1);
  }
}

/** Filters then sorts (cheapest first; most VRAM or most reliable first); ties keep a stable order by id. */
export function applyFilters(offers: readonly Offer[], filters: OfferFilters, sort: OfferSortKey): Offer[] {
  return offers
    .filter((offer) => matchesFilters(offer, filters))
    .sort((a, b) => sortValue(a, sort) - sortValue(b, sort) || a.id.localeCompare(b.id));
}

/** Cheapest and median hourly price per GPU type and provider: the data of the price chart. */
export interface PricePoint {
  gpuType: string;
  provider: string;
  min: number;
  count: number;
}

export function pricesByGpu(offers: readonly Offer[]): PricePoint[] {
  const groups = new Map<string, PricePoint>();
  for (const offer of offers) {
    const key = `${offer.gpu_type}\u0000${offer.provider}`;
    const perGpu = offer.price_per_hour / Math.max(1, offer.gpu_count);
    const point = groups.get(key);
    if (!point) groups.set(key, { gpuType: offer.gpu_type, provider: offer.provider, min: perGpu, count: 1 });
    else {
      point.min = Math.min(point.min, perGpu);
      point.count += 1;
    }
  }
  return [...groups.values()].sort((a, b) => a.gpuType.localeCompare(b.gpuType) || a.provider.localeCompare(b.provider));
}
