import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';
import type { Provider } from './shared.js';

/** A count by reason (dropped offers) or by name (unknown GPUs). */
export interface ProviderHealthCount {
  reason: string;
  count: number;
}

/** What one provider answered to the read-only checks (what `gpu-shopper doctor` prints). */
export interface ProviderHealth {
  provider: Provider;
  /** Every check passed. */
  ok: boolean;
  /** An HTTP answer came back (any status). */
  reachable: boolean;
  /** The key was accepted; null when the provider was unreachable. */
  authenticated: boolean | null;
  /** The first failure, naming the provider (e.g. "vastai: authentication failed (HTTP 401) …"). */
  error: string | null;
  /** The catalogue: items received, offers parsed, items dropped by reason, unknown GPU names. */
  offers: { received: number | null; parsed: number; dropped: ProviderHealthCount[]; unknown_gpus: ProviderHealthCount[] } | null;
  /** Our instances (label gpushop-…) the listing returned. */
  instances: { parsed: number } | null;
  /** Account balance, where the vendor has an API for it. */
  balance: { amount: number; currency: string } | null;
  /** Rate-limit headers seen on the answers. */
  rate_limit_headers: { [key: string]: string };
  /** Vendor Date header minus local time, in ms (1 s resolution). */
  clock_skew_ms: number | null;
  /** Each read-only call made. */
  calls: { operation: string; method: string; path: string; status: number | null; duration_ms: number }[];
}

/** The answer of `providers.health()`. */
export interface ProviderHealthResponse {
  /** When the checks ran (ISO 8601, UTC). */
  checked_at: string;
  providers: ProviderHealth[];
}

/** The configured GPU providers, checked live: `GET /api/v1/providers/health` (admin token). */
export class ProvidersResource extends APIResource {
  /** Runs read-only calls against each configured provider and reports what came back. Rents nothing. */
  health(options?: RequestOptions): APIPromise<ProviderHealthResponse> {
    return this._client.request<ProviderHealthResponse>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/providers/health' });
  }
}
