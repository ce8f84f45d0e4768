/**
 * What the three adapters share in how they talk to their vendor: the options every adapter takes
 * besides its credentials and vendor settings, and the one HTTP client built from them (rate limiter,
 * logger, secrets to scrub). The vendor-specific parts — base URL, auth headers, the vendor's own rate
 * — are the arguments.
 */
import { noopLogger, type Logger, type ProviderName } from '@gpu-shopper/core';

import { ProviderHttpClient, type ProviderHttpClientOptions } from './http-client.js';
import { TokenBucket, type RateLimiter } from './rate-limiter.js';

export interface AdapterRate {
  readonly perSecond: number;
  readonly burst: number;
}

export interface AdapterCommonOptions {
  /** Offers are marked as simulated (the built-in simulator stands in for the vendor). */
  readonly simulated?: boolean;
  readonly now?: () => Date;
  readonly logger?: Logger;
  readonly http?: Partial<Pick<ProviderHttpClientOptions, 'fetch' | 'timeoutMs' | 'retries' | 'minBackoffMs' | 'maxBackoffMs' | 'onCall' | 'onExchange' | 'clock'>>;
  /** Requests per second and burst; each adapter documents its vendor's default. */
  readonly rateLimit?: AdapterRate;
  /**
   * Builds the limiter for `rate` (the replicas' shared budget); an in-memory TokenBucket by default.
   * The adapter names its rate, so every replica draws on the same budget at the same rate.
   */
  readonly rateLimiterFor?: (rate: AdapterRate) => RateLimiter;
}

/** The logger, clock and HTTP client of one adapter. */
export interface AdapterWiring {
  readonly logger: Logger;
  readonly now: () => Date;
  readonly client: ProviderHttpClient;
}

export function wireAdapter(
  provider: ProviderName,
  options: AdapterCommonOptions,
  vendor: { readonly baseUrl: string; readonly defaultRate: AdapterRate; readonly secrets: readonly string[]; readonly defaultHeaders?: Readonly<Record<string, string>> },
): AdapterWiring {
  const logger = (options.logger ?? noopLogger).child({ provider });
  const rateLimiter = (options.rateLimiterFor ?? ((rate) => new TokenBucket(rate)))(options.rateLimit ?? vendor.defaultRate);
  const client = new ProviderHttpClient({
    provider,
    baseUrl: vendor.baseUrl,
    rateLimiter,
    secrets: vendor.secrets,
    ...(vendor.defaultHeaders ? { defaultHeaders: vendor.defaultHeaders } : {}),
    logger,
    ...options.http,
  });
  return { logger, now: options.now ?? (() => new Date()), client };
}
