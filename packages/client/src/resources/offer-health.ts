import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';

/** An offer that failed to provision recently, and whether it is suppressed from listings. */
export interface OfferHealth {
  /** The offer. */
  offer_id: string;
  /** Its provider (`vastai`, `tensordock`, `bluelobster`). */
  provider: string;
  /** Its GPU SKU. */
  gpu_type: string;
  /** Failures in the recent window. */
  recent_failures: number;
  /** Whether it is hidden from the inventory for now. */
  suppressed: boolean;
  /** Until when it is hidden. */
  suppressed_until: string | null;
  /** When it last failed (ISO 8601, UTC). */
  last_failure_at: string;
  /** The failure class of the last failure. */
  last_failure_type: string;
  /** What happened. */
  last_failure_reason: string;
}

/** The answer of `offerHealth.list()`. */
export interface OfferHealthResponse {
  /** Offers with recent failures. */
  offers: OfferHealth[];
}

/** Offers that failed to provision: `GET /api/v1/offer-health`. */
export class OfferHealthResource extends APIResource {
  /** Lists offers that failed to provision recently, and which of them are suppressed. */
  list(options?: RequestOptions): APIPromise<OfferHealthResponse> {
    return this._client.request<OfferHealthResponse>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/offer-health' });
  }
}
