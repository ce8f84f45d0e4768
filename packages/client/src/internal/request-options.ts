/**
 * Header values per request: a string sets a header, `null` removes one the SDK or `defaultHeaders`
 * would send, `undefined` leaves it alone.
 */
export type RequestHeaders = Record<string, string | null | undefined>;

/** Per-call overrides, accepted as the last argument of every method. */
export interface RequestOptions {
  /**
   * Milliseconds to wait for a response before giving up with `APIConnectionTimeoutError` (each
   * attempt gets the full time; for streams, until the response headers arrive).
   * @default the client's `timeout` (60000)
   */
  timeout?: number;
  /**
   * Retries after the first attempt, for failures that are safe to repeat.
   * @default the client's `maxRetries` (2)
   */
  maxRetries?: number;
  /** Cancels the request (and any wait between retries) with `APIUserAbortError`; ends a stream. */
  signal?: AbortSignal;
  /** Extra headers for this request; they win over `defaultHeaders` and the SDK's own. */
  headers?: RequestHeaders;
}

/** Options of a call whose route honours `Idempotency-Key` (`sessions.create`). */
export interface IdempotentRequestOptions extends RequestOptions {
  /**
   * The `Idempotency-Key` header. Repeating a call with the same key and body returns the first answer
   * instead of doing the work again (renting a second GPU). The SDK sends the same key on its own
   * retries; pass your own to make retries across process restarts safe too.
   * @default a random UUID per call
   */
  idempotencyKey?: string;
}

/** HTTP methods the API uses. */
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** A whole request, as resources (and `client.request()`) describe it. */
export interface APIRequest extends RequestOptions {
  /** The HTTP method. */
  method: HttpMethod;
  /** The path below `baseURL`, with a leading slash and path parameters already encoded. */
  path: string;
  /** Query parameters: strings, numbers or booleans; `undefined` and `null` are left out. */
  query?: object | undefined;
  /** A JSON body. */
  body?: unknown;
  /**
   * The `Idempotency-Key` to send. Only set it for routes that honour the header: its presence makes a
   * POST safe to retry.
   */
  idempotencyKey?: string | undefined;
  /** Statuses that are answers rather than errors (`/ready` answers 503 with its usual body). */
  acceptStatuses?: readonly number[] | undefined;
  /**
   * A GET whose answer the client keeps with its `ETag` and revalidates with `If-None-Match`: an
   * unchanged answer comes back as `304` with no body, and the kept body is returned.
   */
  conditional?: boolean | undefined;
  /** Ask for `text/event-stream` and leave the body unread. */
  stream?: boolean | undefined;
}

/**
 * Only the per-call options a method accepts, leaving out undefined ones. Resources pass their
 * `options` through this, so a stray field from untyped callers (an `idempotencyKey` on `extend`, a
 * `path`) can never change what is sent or make a non-idempotent POST retryable.
 */
export function pickRequestOptions(options: RequestOptions | undefined): RequestOptions {
  const picked: RequestOptions = {};
  if (options?.timeout !== undefined) picked.timeout = options.timeout;
  if (options?.maxRetries !== undefined) picked.maxRetries = options.maxRetries;
  if (options?.signal !== undefined) picked.signal = options.signal;
  if (options?.headers !== undefined) picked.headers = options.headers;
  return picked;
}
