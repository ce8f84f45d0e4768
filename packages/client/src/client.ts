import { APIPromise, type APIResponseProps } from './core/api-promise.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GpuShopperError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SessionTerminalError,
  SessionWaitTimeoutError,
  UnprocessableEntityError,
} from './core/error.js';
import { MemoryValidatorCache, type ValidatorCache } from './core/validator-cache.js';
import { CursorPage, PagePromise, type CursorPageBody } from './core/pagination.js';
import { Stream } from './core/streaming.js';
import { consoleLogger, levelledLogger, redactHeaders, resolveLogLevel, type LogLevel, type Logger } from './internal/log.js';
import { readEnv } from './internal/read-env.js';
import { pickRequestOptions, type APIRequest, type RequestHeaders, type RequestOptions } from './internal/request-options.js';
import { retryDelayMs, shouldRetryResponse } from './internal/retry.js';
import { sleep } from './internal/sleep.js';
import { Benchmarks } from './resources/benchmarks.js';
import { Consumers } from './resources/consumers.js';
import { Costs } from './resources/costs.js';
import type { HealthResponse, ReadyResponse, WhoamiResponse } from './resources/health.js';
import { Inventory } from './resources/inventory.js';
import { Templates } from './resources/templates.js';
import { OfferHealthResource } from './resources/offer-health.js';
import { ProvidersResource } from './resources/providers.js';
import { ReconciliationResource } from './resources/reconciliation.js';
import { Sessions } from './resources/sessions.js';
import { VERSION } from './version.js';

/** A `fetch`-compatible function; the global `fetch` of Node 20+ by default. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options of `new GpuShopper()`. Every one is optional; env variables fill the gaps. */
export interface ClientOptions {
  /**
   * The server's URL (a path prefix is kept, e.g. behind a proxy).
   * @default process.env.GPU_SHOPPER_URL, else 'http://localhost:8080'
   */
  baseURL?: string | undefined;
  /**
   * A consumer API key or the admin token, sent as `Authorization: Bearer …`. `null` builds a client
   * without credentials, which can only call `health()` and `ready()`.
   * @default process.env.GPU_SHOPPER_API_KEY (construction throws when neither is set)
   */
  apiKey?: string | null | undefined;
  /**
   * Milliseconds each attempt may wait for a response before failing with
   * `APIConnectionTimeoutError` (for streams: until the response headers arrive).
   * @default 60000
   */
  timeout?: number | undefined;
  /**
   * Retries after the first attempt, for failures that are safe to repeat (see README, "Retries").
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * The `fetch` to send requests with (a proxy agent, a test fake…).
   * @default globalThis.fetch
   */
  fetch?: Fetch | undefined;
  /** Headers sent with every request; per-request `headers` win over them. `null` removes one. */
  defaultHeaders?: RequestHeaders | undefined;
  /**
   * Where the SDK logs (retries, request traces at `debug`; credentials are redacted). Any object with
   * `error`, `warn`, `info` and `debug` methods, e.g. pino or winston.
   * @default console
   */
  logger?: Logger | undefined;
  /**
   * How much to log. An invalid value is reported and ignored.
   * @default process.env.GPU_SHOPPER_LOG, else 'warn'
   */
  logLevel?: LogLevel | undefined;
  /**
   * Where answers of conditional requests (`inventory.list()`) are kept with their ETag, to be
   * revalidated with `If-None-Match` rather than downloaded again. `null` turns conditional requests off.
   * @default a MemoryValidatorCache of this client
   */
  validatorCache?: ValidatorCache | null | undefined;
}

const DEFAULT_BASE_URL = 'http://localhost:8080';
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 2;
/** Methods that can be repeated without doing the work twice; a POST needs an Idempotency-Key. */
const RETRY_SAFE_METHODS = new Set(['get', 'put', 'delete']);
const RETRY_COUNT_HEADER = 'x-gpu-shopper-retry-count';

function userAgent(): string {
  const nodeVersion = (globalThis as { process?: { version?: string } }).process?.version;
  return `gpu-shopper-client/${VERSION}${nodeVersion ? ` node/${nodeVersion}` : ''}`;
}

function applyHeaders(target: Headers, headers: RequestHeaders | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === null) target.delete(name);
    else if (value !== undefined) target.set(name, value);
  }
}

/**
 * "fetch failed (connect ECONNREFUSED 127.0.0.1:8080)": undici hides the useful part in `cause`.
 * Duck-typed, because errors from another realm (a test VM, an iframe) fail `instanceof Error`.
 */
function describeCause(cause: unknown): string {
  const messageOf = (value: unknown): string | undefined => {
    const message = (value as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : undefined;
  };
  const message = messageOf(cause) ?? String(cause);
  const inner = messageOf((cause as { cause?: unknown } | null)?.cause);
  return inner ? `${message} (${inner})` : message;
}

function parseBodyText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The GPU Shopper API client. Resources are properties (`client.sessions.create(…)`); every method
 * takes `RequestOptions` last, returns an `APIPromise`, and throws typed errors (`client.NotFoundError`…).
 *
 * @example
 * const client = new GpuShopper({ apiKey: process.env.GPU_SHOPPER_API_KEY });
 * const { offers } = await client.inventory.list({ gpu: 'RTX4090', sort: 'price' });
 */
export class GpuShopper {
  /** The server's URL, without a trailing slash. */
  readonly baseURL: string;
  /** Default per-attempt timeout, in milliseconds. */
  readonly timeout: number;
  /** Default number of retries. */
  readonly maxRetries: number;
  /** The effective log level. */
  readonly logLevel: LogLevel;

  /** GPU offers across every provider. */
  readonly inventory: Inventory = new Inventory(this);
  /** GPU sessions: provision, watch, extend, stop. */
  readonly sessions: Sessions = new Sessions(this);
  /** What GPUs cost. */
  readonly costs: Costs = new Costs(this);
  /** Consumers, API keys and budgets (admin token only). */
  readonly consumers: Consumers = new Consumers(this);
  /** Benchmark results, rankings, recommendations, runs and schedules. */
  readonly benchmarks: Benchmarks = new Benchmarks(this);
  /** Offers that failed to provision. */
  readonly offerHealth: OfferHealthResource = new OfferHealthResource(this);
  /** Live read-only checks of the configured providers (admin token). */
  readonly providers: ProvidersResource = new ProvidersResource(this);
  /** What the reconciler found: orphaned instances and the ones it leaves alone (admin token). */
  readonly reconciliation: ReconciliationResource = new ReconciliationResource(this);
  /** Vast.ai launch templates, and which ones an offer's host can run. */
  readonly templates: Templates = new Templates(this);

  // A private field, so the key never shows up in console.log(client) or JSON.stringify.
  readonly #apiKey: string | null;
  readonly #fetch: Fetch;
  readonly #options: ClientOptions;
  readonly #defaultHeaders: RequestHeaders;
  readonly #logger: Logger;
  readonly #validators: ValidatorCache | null;

  constructor(options: ClientOptions = {}) {
    // No key at all is a valid client: a local server without an admin token (protected mode)
    // serves local requests without one. A server that wants a key answers 401, which says so.
    const configuredKey = options.apiKey === undefined ? readEnv('GPU_SHOPPER_API_KEY') : options.apiKey;
    const apiKey = configuredKey === undefined || configuredKey === '' ? null : configuredKey;
    const baseURL = options.baseURL ?? readEnv('GPU_SHOPPER_URL') ?? DEFAULT_BASE_URL;
    if (!URL.canParse(baseURL)) {
      throw new GpuShopperError(`baseURL ${JSON.stringify(baseURL)} is not a URL; pass e.g. 'http://localhost:8080' (or set GPU_SHOPPER_URL)`);
    }
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeout) || timeout <= 0) throw new GpuShopperError(`timeout must be a positive number of milliseconds, got ${timeout}`);
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new GpuShopperError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`);
    // Typed as optional on purpose: an old runtime without fetch gets an actionable error, not a TypeError later.
    const fetchImpl = options.fetch ?? (globalThis as { fetch?: Fetch }).fetch;
    if (!fetchImpl) throw new GpuShopperError('no global fetch: run on Node 20 or later, or pass `fetch`');

    const logger = options.logger ?? consoleLogger;
    this.logLevel = resolveLogLevel(options.logLevel, readEnv('GPU_SHOPPER_LOG'), logger);
    this.#logger = levelledLogger(logger, this.logLevel);
    this.baseURL = baseURL.replace(/\/+$/, '');
    this.timeout = timeout;
    this.maxRetries = maxRetries;
    this.#apiKey = apiKey;
    this.#fetch = fetchImpl;
    this.#defaultHeaders = { ...options.defaultHeaders };
    this.#validators = options.validatorCache === undefined ? new MemoryValidatorCache() : options.validatorCache;
    this.#options = { ...pickRequestOptions(options), baseURL: this.baseURL, apiKey, timeout, maxRetries, fetch: fetchImpl, logger, logLevel: this.logLevel };
  }

  /** A new client with these options changed and the rest kept (the API key included). */
  withOptions(options: ClientOptions): GpuShopper {
    return new GpuShopper({ ...this.#options, ...options });
  }

  /** `GET /health`: the process is up, its version and mode. Needs no credentials. */
  health(options?: RequestOptions): APIPromise<HealthResponse> {
    return this.request<HealthResponse>({ ...pickRequestOptions(options), method: 'get', path: '/health' });
  }

  /**
   * `GET /api/v1/whoami`: what this client's credential is — the admin, or which consumer. Check it
   * before acting on answers that mean different things per role (a consumer key sees another
   * consumer's session as "not found").
   */
  whoami(options?: RequestOptions): APIPromise<WhoamiResponse> {
    return this.request<WhoamiResponse>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/whoami' });
  }

  /**
   * `GET /ready`: whether storage and every provider answer. Resolves for both answers (`ready` and
   * `not_ready`, which the server sends with status 503) and is not retried. Needs no credentials.
   */
  ready(options?: RequestOptions): APIPromise<ReadyResponse> {
    return this.request<ReadyResponse>({ maxRetries: 0, ...pickRequestOptions(options), method: 'get', path: '/ready', acceptStatuses: [503] });
  }

  /**
   * Sends one request with the client's auth, retries, timeouts and error mapping, and types the JSON
   * answer as `T` (not validated). The resources are built on it; use it for endpoints the SDK does
   * not wrap yet.
   */
  request<T>(request: APIRequest): APIPromise<T> {
    return new APIPromise(this.send(request), (props) => this.parse<T>(props));
  }

  /**
   * Like `request()`, for a cursor-paginated list: `items` picks the items out of a page's body, and
   * the result can be awaited (first page) or iterated with `for await` (every item of every page).
   */
  requestPage<Item, Body extends CursorPageBody>(request: APIRequest, items: (body: Body) => Item[]): PagePromise<CursorPage<Item, Body>, Item> {
    const cursor = (request.query as { cursor?: unknown } | undefined)?.cursor;
    return new PagePromise<CursorPage<Item, Body>, Item>(this.send(request), async (props) => {
      const body = await this.parse<Body>(props);
      return new CursorPage<Item, Body>(body, items(body), typeof cursor === 'string' ? cursor : undefined, (next) =>
        this.requestPage<Item, Body>({ ...request, query: { ...request.query, cursor: next } }, items),
      );
    });
  }

  private buildURL(path: string, query: object | undefined): string {
    const url = new URL(this.baseURL + path);
    for (const [key, value] of Object.entries(query ?? {}) as [string, unknown][]) {
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new GpuShopperError(`query parameter '${key}' must be a string, number or boolean`);
      }
      url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private buildHeaders(request: APIRequest): Headers {
    const headers = new Headers({ accept: request.stream ? 'text/event-stream' : 'application/json', 'user-agent': userAgent() });
    if (this.#apiKey !== null) headers.set('authorization', `Bearer ${this.#apiKey}`);
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    applyHeaders(headers, this.#defaultHeaders);
    if (request.idempotencyKey !== undefined) headers.set('idempotency-key', request.idempotencyKey);
    applyHeaders(headers, request.headers);
    return headers;
  }

  /** Sends with retries until a usable response (body unread) or a final error. */
  private async send(request: APIRequest): Promise<APIResponseProps> {
    const method = request.method.toUpperCase();
    const maxRetries = request.maxRetries ?? this.maxRetries;
    const timeoutMs = request.timeout ?? this.timeout;
    const url = this.buildURL(request.path, request.query);
    // Headers are built once, so an Idempotency-Key is the same on every attempt of this call.
    const headers = this.buildHeaders(request);
    const kept = request.conditional && request.method === 'get' && !headers.has('if-none-match') ? this.#validators?.get(url) : undefined;
    if (kept) headers.set('if-none-match', kept.etag);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    // A POST is safe to repeat only when the route deduplicates it by Idempotency-Key.
    const retrySafe = RETRY_SAFE_METHODS.has(request.method) || request.idempotencyKey !== undefined;
    const userSignal = request.signal;
    const fetchImpl = this.#fetch;

    for (let attempt = 0; ; attempt++) {
      if (userSignal?.aborted) throw new APIUserAbortError({ cause: userSignal.reason });
      headers.set(RETRY_COUNT_HEADER, String(attempt));
      const controller = new AbortController();
      const deadline = attemptDeadline(timeoutMs, request.stream === true);
      const signal = AbortSignal.any([controller.signal, deadline.signal, ...(userSignal ? [userSignal] : [])]);
      const transportError = (cause: unknown): APIError => {
        if (userSignal?.aborted) return new APIUserAbortError({ cause });
        if (deadline.signal.aborted) return new APIConnectionTimeoutError({ message: `Request timed out after ${timeoutMs} ms: ${method} ${url}`, cause });
        return new APIConnectionError({ message: `Connection error: ${method} ${url}: ${describeCause(cause)}`, cause });
      };

      this.#logger.debug(`${method} ${url}`, { attempt, headers: redactHeaders(headers) });
      const startedMs = Date.now();
      let response: Response;
      try {
        response = await fetchImpl(url, { method, headers, body, signal });
      } catch (cause) {
        deadline.disarm();
        const failure = transportError(cause);
        if (!(failure instanceof APIUserAbortError) && retrySafe && attempt < maxRetries) {
          const delayMs = retryDelayMs(attempt, undefined);
          this.#logger.info(`${failure.message}; retrying in ${Math.round(delayMs)} ms (retry ${attempt + 1} of ${maxRetries})`);
          await this.wait(delayMs, userSignal);
          continue;
        }
        throw failure;
      }

      const requestID = response.headers.get('x-request-id');
      this.#logger.debug(`${method} ${url} → ${response.status}`, { requestID, durationMs: Date.now() - startedMs });
      if (kept && response.status === 304) {
        deadline.disarm();
        return { response, request, requestID, controller, signal, transportError, notModified: kept };
      }
      if (response.ok || request.acceptStatuses?.includes(response.status)) {
        // A stream's timeout covers connecting only; the stream itself may last for hours.
        if (request.stream) deadline.disarm();
        return { response, request, requestID, controller, signal, transportError };
      }
      if (attempt < maxRetries && shouldRetryResponse(response.status, response.headers, retrySafe)) {
        const delayMs = retryDelayMs(attempt, response.headers);
        await response.body?.cancel().catch(() => undefined);
        deadline.disarm();
        this.#logger.info(`${method} ${url} answered ${response.status}; retrying in ${Math.round(delayMs)} ms (retry ${attempt + 1} of ${maxRetries})`, { requestID });
        await this.wait(delayMs, userSignal);
        continue;
      }
      const text = await response.text().catch(() => '');
      deadline.disarm();
      const error = APIError.generate(response.status, parseBodyText(text), response.headers);
      if (response.status === 401 && this.#apiKey === null) {
        error.message = `${error.message} (no API key was sent: pass apiKey to new GpuShopper({ apiKey }) or set GPU_SHOPPER_API_KEY to your API key or the admin token)`;
      }
      throw error;
    }
  }

  private async wait(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(delayMs, signal);
    } catch (cause) {
      throw new APIUserAbortError({ cause });
    }
  }

  private async parse<T>(props: APIResponseProps): Promise<T> {
    const { response, request } = props;
    const where = `${request.method.toUpperCase()} ${request.path}`;
    if (request.stream) {
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        await response.body?.cancel().catch(() => undefined);
        throw new GpuShopperError(`expected text/event-stream from ${where}, got ${type === '' ? 'no content type' : type}`);
      }
      return Stream.fromSSEResponse<unknown>(response, props.controller, props.signal, props.transportError) as T;
    }
    let text: string;
    try {
      text = props.notModified ? props.notModified.body : await response.text();
    } catch (cause) {
      throw props.transportError(cause);
    }
    const etag = response.headers.get('etag');
    if (request.conditional && response.status === 200 && etag !== null && !etag.startsWith('W/')) this.#validators?.set(this.buildURL(request.path, request.query), { etag, body: text });
    // Not validated: the server is ours, and additive changes must not break old clients.
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new GpuShopperError(`expected JSON from ${where} (status ${response.status}), got: ${text.slice(0, 200)}`, { cause });
    }
  }

  /** The base class of every error the SDK throws. */
  static GpuShopperError = GpuShopperError;
  /** The server answered with an error status (or, for the transport subclasses, not at all). */
  static APIError = APIError;
  /** 400. */
  static BadRequestError = BadRequestError;
  /** 401. */
  static AuthenticationError = AuthenticationError;
  /** 403. */
  static PermissionDeniedError = PermissionDeniedError;
  /** 404. */
  static NotFoundError = NotFoundError;
  /** 409. */
  static ConflictError = ConflictError;
  /** 422. */
  static UnprocessableEntityError = UnprocessableEntityError;
  /** 429. */
  static RateLimitError = RateLimitError;
  /** ≥500. */
  static InternalServerError = InternalServerError;
  /** No response arrived. */
  static APIConnectionError = APIConnectionError;
  /** No response arrived in time. */
  static APIConnectionTimeoutError = APIConnectionTimeoutError;
  /** The caller aborted. */
  static APIUserAbortError = APIUserAbortError;
  /** `waitUntilRunning()` saw the session fail or terminate. */
  static SessionTerminalError = SessionTerminalError;
  /** `waitUntilRunning()` gave up. */
  static SessionWaitTimeoutError = SessionWaitTimeoutError;
}

/**
 * The timeout of one attempt. JSON requests use `AbortSignal.timeout` (it covers reading the body
 * too); a stream needs a timer it can stop once the headers arrive, or it would be cut off mid-stream.
 */
function attemptDeadline(timeoutMs: number, disarmable: boolean): { signal: AbortSignal; disarm: () => void } {
  if (!disarmable) return { signal: AbortSignal.timeout(timeoutMs), disarm: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  return {
    signal: controller.signal,
    disarm: () => clearTimeout(timer),
  };
}
