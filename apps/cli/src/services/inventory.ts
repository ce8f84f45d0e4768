import type { GpuShopper, InventoryListParams, InventoryResponse, Offer, Provider } from '@gpu-shopper/client';

import { formatUsd, renderTable } from '../output.js';

export interface InventoryOptions {
  readonly provider?: Provider | undefined;
  readonly gpu?: string | undefined;
  readonly minVram?: number | undefined;
  readonly maxPrice?: number | undefined;
  readonly minGpus?: number | undefined;
  readonly template?: string | undefined;
  /** Interruptible (spot) offers only. */
  readonly spot?: boolean | undefined;
}

/** Offers from every provider matching the filters, cheapest first. */
export async function listInventory(client: GpuShopper, options: InventoryOptions): Promise<InventoryResponse> {
  const query: InventoryListParams = { sort: 'price' };
  if (options.provider) query.provider = options.provider;
  if (options.gpu) query.gpu = options.gpu;
  if (options.minVram !== undefined) query.min_vram = options.minVram;
  if (options.maxPrice !== undefined) query.max_price = options.maxPrice;
  if (options.minGpus !== undefined) query.min_gpus = options.minGpus;
  if (options.template) query.template_hash_id = options.template;
  if (options.spot) query.pricing = 'spot';
  return client.inventory.list(query);
}

/** Providers whose catalogue is missing or old: said on stderr, so nobody mistakes a gap for "no offers". */
export function inventoryWarnings(response: Pick<InventoryResponse, 'providers'>): string[] {
  return response.providers.flatMap((p) => {
    const why = p.error_message ?? p.error_code;
    if (p.state === 'ok') return [];
    // Served from cache while a refresh runs is normal; say so only when the refresh failed.
    if (p.state === 'stale') return why ? [`Warning: ${p.provider} offers are from a cache (since ${p.stale_since ?? 'unknown'}): ${why}`] : [];
    return [`Warning: ${p.provider} is ${p.state === 'rate_limited' ? 'rate limited' : 'failing'}; its offers are missing: ${why ?? 'no details'}`];
  });
}

export function offerRow(offer: Offer): string[] {
  return [offer.id, offer.provider, offer.gpu_type, String(offer.gpu_count), `${offer.vram_gb}GB`, formatUsd(offer.price_per_hour), offer.location];
}

/** The table of SEED.md: ID PROVIDER GPU COUNT VRAM PRICE/HR LOCATION, then "Total: N offers". */
export function renderInventory(response: InventoryResponse): string {
  if (response.offers.length === 0) return 'No offers found matching criteria.';
  const table = renderTable(['ID', 'PROVIDER', 'GPU', 'COUNT', 'VRAM', 'PRICE/HR', 'LOCATION'], response.offers.map(offerRow));
  const total = `Total: ${response.offers.length} offer${response.offers.length === 1 ? '' : 's'}`;
  // The price of an interruptible offer is a floor, not a promise: say so under the table.
  const spot = response.offers.some((o) => o.interruptible)
    ? '\nInterruptible (spot) offers are priced at their minimum bid; a higher bid from someone else can stop them.'
    : '';
  return `${table}\n\n${total}${spot}`;
}
