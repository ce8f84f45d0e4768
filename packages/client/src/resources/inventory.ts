import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import { path } from '../internal/path.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';
import type { Provider } from './shared.js';

/** What an offer's provider can do. */
export interface OfferCapabilities {
  /** The instance can be stopped and resumed without destroying it. */
  stop_without_destroy: boolean;
  /** The provider has templates (`template_hash_id`). */
  templates: boolean;
  /** GPU Shopper can detect idleness on it (`idle_timeout`). */
  idle_detection: boolean;
  /** The provider creates instances asynchronously. */
  async_create: boolean;
}

/** A rentable GPU machine at one provider, at one price. */
export interface Offer {
  /** Offer id to provision, e.g. `vastai-12345`. */
  id: string;
  /** The provider. */
  provider: Provider;
  /** The provider's own id of the offer. */
  provider_offer_id: string;
  /** Canonical GPU SKU (`RTX 4090`, `H100 SXM`), or the tidied vendor name when unknown. */
  gpu_type: string;
  /** The vendor's own GPU name. */
  gpu_name: string;
  /** False when the GPU is not in the catalogue (kept, never dropped). */
  gpu_known: boolean;
  /** GPUs in the machine. */
  gpu_count: number;
  /** VRAM per GPU, in GB. */
  vram_gb: number;
  /** Price per hour for the whole machine, in US dollars. */
  price_per_hour: number;
  /** The same price in exact micro-USD (1 USD = 1,000,000). */
  price_per_hour_micros: number;
  /** Where the machine is. */
  location: string;
  /** The provider's reliability score, when it gives one. */
  reliability: number | null;
  /** The highest CUDA version the machine supports, when known. */
  cuda_version: string | null;
  /** Whether it can be rented now. */
  available: boolean;
  /** When the offer was fetched from the provider (ISO 8601, UTC). */
  fetched_at: string;
  /** True when served by the built-in simulator. */
  simulated: boolean;
  /**
   * Interruptible (spot, Vast.ai): rented with a bid and stopped when a higher bid takes the
   * machine; `price_per_hour` is then the price at the minimum bid.
   */
  interruptible: boolean;
  /** The lowest bid the vendor accepts now, USD per hour for the whole machine; null for on-demand offers or when the vendor states none. */
  min_bid: number | null;
  /** The same minimum bid in exact micro-USD. */
  min_bid_micros: number | null;
  /** What the provider can do with it. */
  capabilities: OfferCapabilities;
}

/** How `inventory.list()` sorts offers. */
export type OfferSort = 'price' | 'price_per_gpu' | 'vram' | 'reliability';

/** Which offers `inventory.list()` returns: on-demand (the default), interruptible (spot) only, or both. */
export type OfferPricing = 'on-demand' | 'spot' | 'any';

/** Filters of `inventory.list()`; every one is optional. */
export interface InventoryListParams {
  /** Only this provider. */
  provider?: Provider;
  /** GPU SKU, alias or family: `RTX4090`, `A100`. */
  gpu?: string;
  /** Alias of `gpu`. */
  gpu_type?: string;
  /** Minimum VRAM per GPU, in GB. */
  min_vram?: number;
  /** Maximum price per hour, in US dollars. */
  max_price?: number;
  /** Minimum number of GPUs. */
  min_gpus?: number;
  /** Minimum CUDA version, e.g. `12.4`. */
  min_cuda?: string;
  /** Only offers that support this template. */
  template_hash_id?: string;
  /** Location filter. */
  location?: string;
  /** Minimum reliability score. */
  min_reliability?: number;
  /** Sort order. */
  sort?: OfferSort;
  /** `on-demand` unless asked: `spot` lists interruptible offers only, `any` both. */
  pricing?: OfferPricing;
  /** At most this many offers (1–10000). */
  limit?: number;
}

/** How one provider's catalogue fared: a failing provider never hides the others. */
export interface ProviderInventoryStatus {
  /** The provider. */
  provider: Provider;
  /** `ok`, `stale` (served from cache), `rate_limited` or `error`. */
  state: 'ok' | 'stale' | 'rate_limited' | 'error';
  /** Offers it contributed. */
  offer_count: number;
  /** When its catalogue was last fetched. */
  fetched_at: string | null;
  /** Since when its data is stale. */
  stale_since: string | null;
  /** Until when it is rate limited. */
  rate_limited_until: string | null;
  /** The error code of its last failure. */
  error_code: string | null;
  /** The message of its last failure. */
  error_message: string | null;
}

/** The answer of `inventory.list()`. */
export interface InventoryResponse {
  /** Matching offers, sorted. */
  offers: Offer[];
  /** Number of offers returned. */
  count: number;
  /** Per-provider status. */
  providers: ProviderInventoryStatus[];
}

/** GPU offers across every provider: `GET /api/v1/inventory`. */
export class Inventory extends APIResource {
  /**
   * Lists offers from every provider, filtered and sorted, with each provider's status.
   *
   * @example
   * const { offers } = await client.inventory.list({ gpu: 'RTX4090', max_price: 0.5, sort: 'price' });
   */
  list(query: InventoryListParams = {}, options?: RequestOptions): APIPromise<InventoryResponse> {
    return this._client.request<InventoryResponse>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/inventory', query, conditional: true });
  }

  /** Fetches one offer by id (`vastai-12345`); `NotFoundError` (`OFFER_NOT_FOUND`) when it is gone. */
  retrieve(offerId: string, options?: RequestOptions): APIPromise<Offer> {
    return this._client.request<Offer>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/inventory/${offerId}` });
  }
}
