import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import { path } from '../internal/path.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';

/** An API key of a consumer; the secret itself is shown only once, at creation. */
export interface ApiKey {
  /** Key id. */
  id: string;
  /** The first characters of the key, to recognise it. */
  prefix: string;
  /** When it was issued (ISO 8601, UTC). */
  created_at: string;
  /** When it was revoked, or `null` while it works. */
  revoked_at: string | null;
  /** When it was last used. */
  last_used_at: string | null;
}

/** A consumer's monthly budget. */
export interface Budget {
  /** Limit per calendar month (UTC), in US dollars. */
  monthly_limit: number;
  /** The limit in exact micro-USD. */
  monthly_limit_micros: number;
  /** Spent this month, in US dollars. */
  spent_this_month: number;
  /** Spent this month in exact micro-USD. */
  spent_this_month_micros: number;
  /** Alert thresholds already notified this month (percent). */
  alerts_sent: number[];
}

/** Someone who rents GPUs through GPU Shopper, with API keys and an optional budget. */
export interface Consumer {
  /** Consumer id (letters, digits, dot, dash, underscore). */
  id: string;
  /** Display name. */
  name: string;
  /** When it was created (ISO 8601, UTC). */
  created_at: string;
  /** When it was disabled, or `null`. */
  disabled_at: string | null;
  /** Its API keys (never the secrets). */
  api_keys: ApiKey[];
  /** Its monthly budget, or `null` for none. */
  budget: Budget | null;
}

/** The body of `consumers.create()`. */
export interface ConsumerCreateParams {
  /** Consumer id: 1–64 letters, digits, dot, dash or underscore, starting with a letter or digit. */
  id: string;
  /** Display name. */
  name?: string;
  /** Monthly limit in US dollars. */
  monthly_budget?: number;
}

/** The answer of `consumers.create()`. */
export interface ConsumerCreateResponse {
  /** The new consumer. */
  consumer: Consumer;
  /** Its first API key. Shown once: store it now. */
  api_key: string;
}

/** The answer of `consumers.createKey()`. */
export interface ApiKeyCreateResponse {
  /** The new key's secret. Shown once: store it now. */
  api_key: string;
  /** The key's metadata. */
  key: ApiKey;
}

/** The answer of `consumers.list()`. */
export interface ConsumerList {
  /** Every consumer. */
  consumers: Consumer[];
}

/** The body of `consumers.setBudget()`. */
export interface ConsumerSetBudgetParams {
  /** US dollars per calendar month (UTC). */
  monthly_limit: number;
}

/** Consumers, their API keys and budgets (`/api/v1/consumers`, admin token only). */
export class Consumers extends APIResource {
  /** Creates a consumer and its first API key (shown once). Not retried by the SDK. */
  create(body: ConsumerCreateParams, options?: RequestOptions): APIPromise<ConsumerCreateResponse> {
    return this._client.request<ConsumerCreateResponse>({ ...pickRequestOptions(options), method: 'post', path: '/api/v1/consumers', body });
  }

  /** Lists every consumer. */
  list(options?: RequestOptions): APIPromise<ConsumerList> {
    return this._client.request<ConsumerList>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/consumers' });
  }

  /** Fetches one consumer. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Consumer> {
    return this._client.request<Consumer>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/consumers/${id}` });
  }

  /** Issues another API key for the consumer (shown once). Not retried by the SDK. */
  createKey(id: string, options?: RequestOptions): APIPromise<ApiKeyCreateResponse> {
    return this._client.request<ApiKeyCreateResponse>({ ...pickRequestOptions(options), method: 'post', path: path`/api/v1/consumers/${id}/keys` });
  }

  /** Revokes an API key: it stops working at once. Resolves with the consumer. */
  revokeKey(id: string, keyId: string, options?: RequestOptions): APIPromise<Consumer> {
    return this._client.request<Consumer>({ ...pickRequestOptions(options), method: 'delete', path: path`/api/v1/consumers/${id}/keys/${keyId}` });
  }

  /** Sets the consumer's monthly budget. Resolves with the consumer. */
  setBudget(id: string, body: ConsumerSetBudgetParams, options?: RequestOptions): APIPromise<Consumer> {
    return this._client.request<Consumer>({ ...pickRequestOptions(options), method: 'put', path: path`/api/v1/consumers/${id}/budget`, body });
  }
}
