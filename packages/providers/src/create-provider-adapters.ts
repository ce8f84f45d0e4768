import { createHash } from 'node:crypto';

import { type Clock, type Logger, type OfferPricing, type ProviderAdapter, type ProviderName, type RateBudgetStore } from '@gpu-shopper/core';

import { BlueLobsterAdapter } from './bluelobster/bluelobster-adapter.js';
import { coalesceInstanceReads } from './http/coalesced-instance-reads.js';
import { type ProviderExchange, type ProviderHttpClientOptions } from './http/http-client.js';
import { SharedTokenBucket, type RateLimiter } from './http/rate-limiter.js';
import { createExchangeRecorder } from './record/exchange-recorder.js';
import { TensorDockAdapter } from './tensordock/tensordock-adapter.js';
import { VastAiAdapter } from './vastai/vastai-adapter.js';

/** Credentials and base URLs per vendor; a vendor without credentials is not registered. */
export interface ProviderCredentials {
  readonly vastai?: { readonly apiKey: string; readonly baseUrl?: string };
  readonly tensordock?: { readonly authId: string; readonly apiToken: string; readonly baseUrl?: string };
  readonly bluelobster?: { readonly apiKey: string; readonly baseUrl?: string };
}

export interface CreateProviderAdaptersOptions {
  readonly logger?: Logger;
  /** Marks every offer as simulated (the adapters are pointed at the built-in simulator). */
  readonly simulated?: boolean;
  readonly onCall?: ProviderHttpClientOptions['onCall'];
  /** The service's clock, for the times adapters report (when a destroy request was sent). */
  readonly clock?: Clock;
  /** Sees every request/response pair, redacted (the doctor reads rate-limit headers and clock skew here). */
  readonly onExchange?: (exchange: ProviderExchange) => void;
  /** Record mode (PROVIDER_RECORD_DIR): every pair is also written, redacted, under this directory. */
  readonly recordDir?: string;
  /** Per-call timeout and retries of idempotent calls (the doctor wants a quick answer). */
  readonly timeoutMs?: number;
  readonly retries?: number;
  /**
   * Which Vast.ai offers the catalogue holds. `any` by default: the inventory's `pricing` filter
   * (on-demand unless asked) then chooses, so interruptible offers can be listed on request
   * without a second catalogue.
   */
  readonly vastPricing?: OfferPricing;
  /**
   * Replicas on one database: each vendor's calls draw on one budget in this store per account
   * (vendors throttle per account; see `rateBudgetName`), so N replicas together keep the vendor's rate.
   * Without it each adapter keeps its own bucket in memory (one process).
   */
  readonly rateBudgets?: RateBudgetStore;
}

/** The exchange observers of the options, as one (or none). */
function exchangeObserver(options: CreateProviderAdaptersOptions): ((exchange: ProviderExchange) => void) | undefined {
  const observers = [options.onExchange, options.recordDir ? createExchangeRecorder(options.recordDir) : undefined].filter((o) => o !== undefined);
  if (observers.length === 0) return undefined;
  return (exchange) => {
    for (const observer of observers) observer(exchange);
  };
}

/** Vast's v1 instance listing answers 25 instances a page. */
const VAST_INSTANCES_PER_PAGE = 25;

/**
 * The shared budget of one vendor account: vendors throttle per account, so deployments with
 * different accounts on one database keep a budget each, and the replicas of one deployment share
 * theirs. The account is named by a digest of its credential — the store (a database table) never
 * holds the credential itself.
 */
export function rateBudgetName(provider: ProviderName, credential: string): string {
  return `${provider}:${createHash('sha256').update(credential).digest('hex').slice(0, 16)}`;
}

/** Builds the adapters for every configured vendor, in a stable order. */
export function createProviderAdapters(credentials: ProviderCredentials, options: CreateProviderAdaptersOptions = {}): ProviderAdapter[] {
  const onExchange = exchangeObserver(options);
  const http = {
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(onExchange ? { onExchange } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
  };
  const { rateBudgets, logger } = options;
  const limiterOf = (provider: ProviderName, credential: string) =>
    rateBudgets
      ? {
          rateLimiterFor: (rate: { perSecond: number; burst: number }): RateLimiter =>
            new SharedTokenBucket({ name: rateBudgetName(provider, credential), rate, store: rateBudgets, ...(logger ? { logger: logger.child({ provider }) } : {}) }),
        }
      : {};
  const common = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.simulated ? { simulated: true } : {}),
    ...(Object.keys(http).length > 0 ? { http } : {}),
  };
  const adapters: ProviderAdapter[] = [];
  // Status reads are coalesced per provider (one listing per poll round serves every waiting
  // session), so the vendors' rate limits are spent on creates and readiness, not on polls.
  if (credentials.vastai) {
    const vast = new VastAiAdapter({ ...credentials.vastai, ...common, ...limiterOf('vastai', credentials.vastai.apiKey), pricing: options.vastPricing ?? 'any' });
    adapters.push(coalesceInstanceReads(vast, { listingCalls: (listed) => Math.ceil(listed / VAST_INSTANCES_PER_PAGE) }));
  }
  if (credentials.tensordock) adapters.push(coalesceInstanceReads(new TensorDockAdapter({ ...credentials.tensordock, ...common, ...limiterOf('tensordock', `${credentials.tensordock.authId}:${credentials.tensordock.apiToken}`) })));
  if (credentials.bluelobster) adapters.push(coalesceInstanceReads(new BlueLobsterAdapter({ ...credentials.bluelobster, ...common, ...limiterOf('bluelobster', credentials.bluelobster.apiKey) })));
  return adapters;
}
