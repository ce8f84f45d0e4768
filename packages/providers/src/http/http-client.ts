import pRetry, { AbortError } from 'p-retry';

import {
  Err,
  Ok,
  ProviderAuthError,
  ProviderInvalidRequestError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderSchemaError,
  ProviderUnavailableError,
  ProviderUnknownOutcomeError,
  noopLogger,
  type Clock,
  type Logger,
  type ProviderError,
  type ProviderErrorContext,
  type ProviderName,
  type Result,
} from '@gpu-shopper/core';

import { sleep, type RateLimiter } from './rate-limiter.js';
import { redactText, safeSnippet } from './redact.js';

/** What came back from the vendor, before any vendor-specific interpretation. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly json: unknown;
  /** Retry-After in milliseconds, when the vendor sent one. */
  readonly retryAfterMs: number | null;
  /** When the request that got this answer was sent (after rate limiting and earlier retries). */
  readonly sentAt: Date;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, with its leading slash (Vast needs trailing slashes, TensorDock none). */
  readonly path: string;
  /** Another base URL of the same vendor for this call (Vast serves v0 and v1 side by side). */
  readonly baseUrl?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Name used in errors, metrics and logs (`listOffers`, `createInstance`…). */
  readonly operation: string;
  /**
   * Reads and destroys can be repeated safely and are retried on 429/5xx/network failures. Creates
   * are not: a failure after the request may have been delivered is an unknown outcome, never retried.
   */
  readonly idempotent: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Receives the body as it arrives, so the caller can parse while the rest is still in transit.
   * Called once per attempt when the headers are in; the sink it returns (or none) gets every piece
   * of that attempt's body, decoded, in order. The response still carries the whole `text`. The
   * sink's time is the caller's work: `onCall` reports it as `bodySinkMs`, and leaves out of
   * `durationMs` all of it the transfer did not cover (see `ProviderCall`).
   */
  readonly bodySink?: (head: { readonly status: number; readonly headers: Headers }) => BodySink | undefined;
}

/** Takes a response body piece by piece (see `HttpRequest.bodySink`). If it throws, it gets no more pieces. */
export interface BodySink {
  write(piece: string): void;
}

export interface ProviderHttpClientOptions {
  readonly provider: ProviderName;
  readonly baseUrl: string;
  readonly rateLimiter: RateLimiter;
  /** Credentials: sent by the adapter in headers/query, and scrubbed from every message and log. */
  readonly secrets: readonly string[];
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  /** @default 30000 */
  readonly timeoutMs?: number;
  /** Retries of idempotent calls after the first attempt. @default 3 */
  readonly retries?: number;
  /** First backoff; doubles each retry (with jitter), capped at `maxBackoffMs`. @default 500 */
  readonly minBackoffMs?: number;
  /** @default 8000 */
  readonly maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the rate-limit error goes to the caller. @default 30000 */
  readonly maxRetryAfterMs?: number;
  /** Response bodies larger than this are refused (a vendor bug must not exhaust memory). @default 10 MiB */
  readonly maxBodyBytes?: number;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  /** Time source for `HttpResponse.sentAt` (the caller's clock, so its records agree). @default system time */
  readonly clock?: Clock;
  /** Called after every attempt with the redacted request and response (doctor, record mode). */
  readonly onExchange?: (exchange: ProviderExchange) => void;
  /** Called after every attempt; the server wires metrics here. */
  readonly onCall?: (call: ProviderCall) => void;
  /** See `ProviderCall.durationMs`. @default SINK_COVERED_WAIT_MS */
  readonly sinkCoveredWaitMs?: number;
}

/** One attempt as `onCall` reports it. */
export interface ProviderCall {
  readonly provider: ProviderName;
  readonly operation: string;
  readonly status: number | null;
  /**
   * From the request leaving to the body's last byte read. With a body sink, less the sink's time
   * the transfer did not cover: the work on the pieces since the reader last had to wait for the
   * vendor (a read that took `sinkCoveredWaitMs`, 0.5 ms, or more beyond the time other bodies'
   * sinks held the process). Work before such a wait ran while the rest was still in transit, so it
   * did not delay the last byte; work after the last wait did.
   */
  readonly durationMs: number;
  readonly errorCode?: string;
  /** All the time the body sink spent on the pieces (present when the request had one). */
  readonly bodySinkMs?: number;
  /** The part of `bodySinkMs` the transfer covered, so still inside `durationMs`. */
  readonly bodySinkCoveredMs?: number;
}

/**
 * A read that waits at least this long (beyond other bodies' sink work meanwhile) waited for the
 * vendor: the reader had caught up with everything received. A piece already buffered is read in
 * well under this.
 */
export const SINK_COVERED_WAIT_MS = 0.5;

/** Every body sink's time in this process, so a read's wait can leave out the other bodies' parsing. */
let allSinkWorkMs = 0;

/**
 * One request and what came back, for observers (the doctor's rate-limit headers and clock skew,
 * record mode). Credentials are already scrubbed from the URL, headers and bodies.
 */
export interface ProviderExchange {
  readonly provider: ProviderName;
  readonly operation: string;
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string | null };
  /** Null when no answer came (network failure, timeout). */
  readonly response: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string } | null;
  readonly error: string | null;
  readonly sentAt: Date;
  readonly durationMs: number;
}

/** Headers that carry credentials; their values are never handed to observers. */
const CREDENTIAL_HEADERS = /^(authorization|x-api-key|cookie|set-cookie|proxy-authorization)$/i;

/** Network failures that prove the request never reached the vendor, so even a create is safe to report as not sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfterMs(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

function errorCodeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An attempt's outcome that p-retry may retry; carries the provider error to return at the end. */
class RetryableAttemptError extends Error {
  constructor(readonly providerError: ProviderError) {
    super(providerError.message);
  }
}

/**
 * The HTTP kit every adapter sends through: rate limiting, per-call timeouts, retries with backoff
 * and Retry-After for idempotent calls only, size limits, and redaction. It returns the vendor's
 * response for any status (the adapter interprets statuses in the vendor's terms) and maps only
 * transport failures itself.
 */
export class ProviderHttpClient {
  private readonly fetchImpl: typeof fetch;
  private readonly logger: Logger;

  constructor(private readonly options: ProviderHttpClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.logger = (options.logger ?? noopLogger).child({ provider: options.provider });
  }

  get provider(): ProviderName {
    return this.options.provider;
  }

  /** Redacts credentials and shortens `text` for an error message. */
  snippet(text: string): string {
    return safeSnippet(text, this.options.secrets);
  }

  context(operation: string, httpStatus?: number): ProviderErrorContext {
    return httpStatus === undefined
      ? { provider: this.options.provider, operation }
      : { provider: this.options.provider, operation, httpStatus };
  }

  async send(request: HttpRequest): Promise<Result<HttpResponse, ProviderError>> {
    const retries = request.idempotent ? (this.options.retries ?? 3) : 0;
    let lastSentAt: Date | undefined;
    // The error says when its last attempt left: a destroy that timed out may still have acted.
    const failed = (error: ProviderError): Result<HttpResponse, ProviderError> => {
      if (lastSentAt && error.context.requestSentAt === undefined) Object.assign(error.context, { requestSentAt: lastSentAt });
      return Err(error);
    };
    try {
      const response = await pRetry(() => this.attempt(request, (at) => (lastSentAt = at)), {
        retries,
        factor: 2,
        minTimeout: this.options.minBackoffMs ?? 500,
        maxTimeout: this.options.maxBackoffMs ?? 8000,
        randomize: true,
        signal: request.signal,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (retriesLeft <= 0 || !(error instanceof RetryableAttemptError)) return;
          this.logger.warn('provider call failed; retrying', { operation: request.operation, error: error.message, retriesLeft });
          const retryAfterMs = error.providerError instanceof ProviderRateLimitedError ? error.providerError.retryAfterMs : null;
          // The vendor said when to come back: wait that long (p-retry then adds its own short backoff).
          if (retryAfterMs !== null) await sleep(retryAfterMs, request.signal);
        },
      });
      return Ok(response);
    } catch (error) {
      if (error instanceof RetryableAttemptError) return failed(error.providerError);
      if (error instanceof AbortError && error.originalError instanceof RetryableAttemptError) return failed(error.originalError.providerError);
      const code = errorCodeOf(error);
      return failed(
        new ProviderUnavailableError(`request aborted: ${this.snippet(error instanceof Error ? error.message : String(error))}`, {
          ...this.context(request.operation),
          ...(code ? { cause: code } : {}),
        }),
      );
    }
  }

  private async attempt(request: HttpRequest, onSent: (at: Date) => void = () => undefined): Promise<HttpResponse> {
    // Reads wait behind calls that change state (see RatePriority).
    await this.options.rateLimiter.acquire(request.signal, request.method === 'GET' ? 'normal' : 'first');
    const url = this.buildUrl(request);
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const started = performance.now();
    const sentAt = this.options.clock?.now() ?? new Date();
    onSent(sentAt);
    const sinkTime: SinkTime = { totalMs: 0, coveredMs: 0, used: false };
    const report = (status: number | null, errorCode?: string) =>
      this.options.onCall?.({
        provider: this.options.provider,
        operation: request.operation,
        status,
        durationMs: performance.now() - started - (sinkTime.totalMs - sinkTime.coveredMs),
        ...(errorCode ? { errorCode } : {}),
        ...(sinkTime.used ? { bodySinkMs: sinkTime.totalMs, bodySinkCoveredMs: sinkTime.coveredMs } : {}),
      });

    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...this.options.defaultHeaders,
      ...request.headers,
    };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const observe = (answer: { status: number; headers: Headers; text: string } | null, error: string | null) => {
      if (!this.options.onExchange) return;
      const secrets = this.options.secrets;
      const scrub = (entries: Iterable<[string, string]>) =>
        Object.fromEntries([...entries].map(([name, value]) => [name.toLowerCase(), CREDENTIAL_HEADERS.test(name) ? '[redacted]' : redactText(value, secrets)]));
      try {
        this.options.onExchange({
          provider: this.options.provider,
          operation: request.operation,
          request: { method: request.method, url: redactText(url, secrets), headers: scrub(Object.entries(headers)), body: body === undefined ? null : redactText(body, secrets) },
          response: answer ? { status: answer.status, headers: scrub(answer.headers.entries()), body: redactText(answer.text, secrets) } : null,
          error,
          sentAt,
          durationMs: performance.now() - started,
        });
      } catch (observerError) {
        // An observer (a full disk in record mode) must never fail the call it watches.
        this.logger.warn('provider exchange observer failed', { error: observerError instanceof Error ? observerError.message : String(observerError) });
      }
    };

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method: request.method, headers, body, signal });
      const sink = request.bodySink?.({ status: response.status, headers: response.headers });
      if (sink) sinkTime.used = true;
      text = sink ? await this.streamBody(response, sink, sinkTime) : await this.readBody(response);
    } catch (error) {
      // The caller's own cancellation is not a provider failure and is never retried.
      if (request.signal?.aborted) throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      const code = errorCodeOf(error) ?? (timeout.aborted ? 'TIMEOUT' : 'NETWORK');
      report(null, code);
      observe(null, code);
      const described = timeout.aborted ? `no response within ${timeoutMs} ms` : `request failed (${code})`;
      if (!request.idempotent && !NOT_SENT_CODES.has(code)) {
        throw new AbortError(new RetryableAttemptError(new ProviderUnknownOutcomeError(`${described}; the request may have been applied`, this.context(request.operation))));
      }
      throw new RetryableAttemptError(new ProviderUnavailableError(described, this.context(request.operation), error));
    }

    report(response.status);
    observe({ status: response.status, headers: response.headers, text }, null);
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
    const result = httpResponse(response.status, response.headers, text, retryAfterMs, sentAt);
    this.logger.debug('provider call', { operation: request.operation, method: request.method, url: redactText(url, this.options.secrets), status: response.status });

    if (response.status === 429) {
      const error = new ProviderRateLimitedError(`rate limited: ${this.snippet(text)}`, this.context(request.operation, 429), retryAfterMs);
      const tooLong = retryAfterMs !== null && retryAfterMs > (this.options.maxRetryAfterMs ?? 30_000);
      // A create that got 429 was refused, not applied, so it is reported as rate limited, not unknown.
      if (!request.idempotent || tooLong) throw new AbortError(new RetryableAttemptError(error));
      throw new RetryableAttemptError(error);
    }
    if (response.status >= 500 && request.idempotent) {
      throw new RetryableAttemptError(new ProviderUnavailableError(`HTTP ${response.status}: ${this.snippet(text)}`, this.context(request.operation, response.status)));
    }
    return result;
  }

  private buildUrl(request: HttpRequest): string {
    const url = new URL((request.baseUrl ?? this.options.baseUrl).replace(/\/+$/, '') + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    return url.toString();
  }

  private async readBody(response: Response): Promise<string> {
    const limit = await this.bodyLimit(response);
    const buffer = await response.arrayBuffer();
    if (buffer.byteLength > limit) throw bodyTooLarge(limit);
    return new TextDecoder().decode(buffer);
  }

  /** The body size allowed; a body whose declared length is over it is refused before it is read. */
  private async bodyLimit(response: Response): Promise<number> {
    const limit = this.options.maxBodyBytes ?? 10 * 1024 * 1024;
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > limit) {
      await response.body?.cancel();
      throw Object.assign(new Error(`response body of ${declared} bytes exceeds ${limit}`), { code: 'BODY_TOO_LARGE' });
    }
    return limit;
  }

  /**
   * Reads the body piece by piece into `sink` as it arrives, timing the sink (and how much of its
   * time the transfer covered, see `ProviderCall.durationMs`); returns the whole text.
   */
  private async streamBody(response: Response, sink: BodySink, sinkTime: SinkTime): Promise<string> {
    const limit = await this.bodyLimit(response);
    if (!response.body) return '';
    const decoder = new TextDecoder();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const pieces: string[] = [];
    let size = 0;
    /** The sink's time since the reader last waited for the vendor: covered once it waits again. */
    let pendingMs = 0;
    const coveredWaitMs = this.options.sinkCoveredWaitMs ?? SINK_COVERED_WAIT_MS;
    let feeding = true;
    const give = (piece: string) => {
      if (piece === '') return;
      pieces.push(piece);
      if (!feeding) return;
      const start = performance.now();
      try {
        sink.write(piece);
      } catch (error) {
        // A sink that fails is the caller's bug, not the vendor's: it gets no more pieces, and the
        // caller still has the whole text.
        feeding = false;
        this.logger.warn('body sink failed; reading the rest of the body without it', { error: error instanceof Error ? error.message : String(error) });
      }
      const ms = performance.now() - start;
      sinkTime.totalMs += ms;
      pendingMs += ms;
      allSinkWorkMs += ms;
    };
    for (;;) {
      const asked = performance.now();
      const othersBefore = allSinkWorkMs;
      const { done, value } = await reader.read();
      if (performance.now() - asked - (allSinkWorkMs - othersBefore) >= coveredWaitMs) {
        sinkTime.coveredMs += pendingMs;
        pendingMs = 0;
      }
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw bodyTooLarge(limit);
      }
      give(decoder.decode(value, { stream: true }));
    }
    give(decoder.decode());
    return pieces.join('');
  }
}

function bodyTooLarge(limit: number): Error {
  return Object.assign(new Error(`response body exceeds ${limit} bytes`), { code: 'BODY_TOO_LARGE' });
}

/** A body sink's time in one attempt. */
interface SinkTime {
  totalMs: number;
  coveredMs: number;
  used: boolean;
}

/** The response handed to adapters; its JSON is parsed on first use (a streamed body was parsed as it came). */
function httpResponse(status: number, headers: Headers, text: string, retryAfterMs: number | null, sentAt: Date): HttpResponse {
  let json: unknown;
  let parsed = false;
  return {
    status,
    headers,
    text,
    get json() {
      if (!parsed) {
        json = parseJson(text);
        parsed = true;
      }
      return json;
    },
    retryAfterMs,
    sentAt,
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The standard meaning of an HTTP status for a call. Adapters use it for everything their vendor
 * does not define differently (e.g. Blue Lobster's 409, a destroy's 404).
 */
export function errorForStatus(
  client: ProviderHttpClient,
  operation: string,
  response: HttpResponse,
  options: { idempotent: boolean; message?: string },
): ProviderError {
  const message = options.message ?? `HTTP ${response.status}: ${client.snippet(response.text) || 'no body'}`;
  const context = client.context(operation, response.status);
  if (response.status === 401 || response.status === 403) return new ProviderAuthError(message, context);
  if (response.status === 404) return new ProviderNotFoundError(message, context);
  if (response.status === 429) return new ProviderRateLimitedError(message, context, response.retryAfterMs);
  if (response.status >= 500) {
    return options.idempotent
      ? new ProviderUnavailableError(message, context)
      : new ProviderUnknownOutcomeError(`${message}; the request may have been applied`, context);
  }
  if (response.status >= 400) return new ProviderInvalidRequestError(message, context);
  return new ProviderSchemaError(`unexpected HTTP ${response.status}: ${client.snippet(response.text)}`, context);
}
