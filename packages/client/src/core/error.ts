import type { Session } from '../resources/sessions.js';

/**
 * The stable machine codes of the API (`error.code` of every error answer). Branch on these, never on
 * messages. The server may add codes in a minor release, so `APIError.code` also admits other strings.
 */
export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SESSION_NOT_FOUND'
  | 'OFFER_NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'IDEMPOTENCY_CONFLICT'
  | 'CONCURRENT_UPDATE'
  | 'ALREADY_EXISTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'BUDGET_EXCEEDED'
  | 'SAFETY_LIMIT_EXCEEDED'
  | 'UNSUPPORTED_BY_PROVIDER'
  | 'OFFER_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'PROVIDER_ERROR'
  | 'PROVIDER_UNAVAILABLE'
  | 'INTERNAL';

/** One offending field of a refused request. */
export interface ErrorDetail {
  /** The field, e.g. `reservation_hours` or `query.min_vram`. */
  path: string;
  /** What is wrong with it. */
  message: string;
}

/** The `error` object of the error envelope. */
export interface ErrorBody {
  /** Stable machine code; see {@link ApiErrorCode}. */
  code: ApiErrorCode;
  /** Human-readable explanation. */
  message: string;
  /** The server's id for this request (also in the `x-request-id` header); quote it in bug reports. */
  request_id: string;
  /** Field-level problems, for validation errors. */
  details?: ErrorDetail[];
}

/** The one JSON body of every non-2xx answer of the API. */
export interface ErrorEnvelope {
  /** The error. */
  error: ErrorBody;
}

/** Every error the SDK throws is a GpuShopperError, so one `instanceof` check catches them all. */
export class GpuShopperError extends Error {
  override readonly name: string = 'GpuShopperError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** A code the SDK does not know yet still arrives as a string (the server may add codes). */
type OpenString = string & Record<never, never>;

function isErrorEnvelope(body: unknown): body is { error: Partial<ErrorBody> & { message: string } } {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/**
 * The server answered with an error status, or (for the transport subclasses) did not answer at all.
 * `status` is `undefined` for transport errors.
 */
export class APIError<TStatus extends number | undefined = number | undefined> extends GpuShopperError {
  override readonly name: string = 'APIError';
  /** The HTTP status, or `undefined` when no response arrived. */
  readonly status: TStatus;
  /** The response headers, or `undefined` when no response arrived. */
  readonly headers: Headers | undefined;
  /** The envelope's `error` object, when the body was the API's error envelope. */
  readonly error: ErrorBody | undefined;
  /** The parsed response body (JSON, else text), whatever its shape. */
  readonly body: unknown;
  /** The stable machine code from the envelope (`SESSION_NOT_FOUND`…), or `null` when the body had none. */
  readonly code: ApiErrorCode | OpenString | null;
  /** The request id: the envelope's `request_id`, else the `x-request-id` header, else `null`. */
  readonly requestID: string | null;
  /** Field-level problems (validation errors); empty when the server gave none. */
  readonly details: readonly ErrorDetail[];

  constructor(status: TStatus, body: unknown, message: string | undefined, headers: Headers | undefined, options?: { cause?: unknown }) {
    super(APIError.makeMessage(status, body, message), options);
    this.status = status;
    this.headers = headers;
    this.body = body;
    const envelope = isErrorEnvelope(body) ? (body.error as ErrorBody) : undefined;
    this.error = envelope;
    this.code = typeof envelope?.code === 'string' ? envelope.code : null;
    this.requestID = (typeof envelope?.request_id === 'string' ? envelope.request_id : undefined) ?? headers?.get('x-request-id') ?? null;
    this.details = Array.isArray(envelope?.details) ? envelope.details : [];
  }

  private static makeMessage(status: number | undefined, body: unknown, message: string | undefined): string {
    if (isErrorEnvelope(body)) {
      const code = typeof body.error.code === 'string' ? ` ${body.error.code}:` : '';
      return `${status ?? ''}${code} ${body.error.message}`.trim();
    }
    const text = message ?? (typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 500) : body === undefined ? undefined : JSON.stringify(body));
    if (status !== undefined) return text ? `${status} ${text}` : `${status} status code (no body)`;
    return text ?? '(no status code or body)';
  }

  /**
   * The one mapping from a response to an error class: 400 BadRequestError, 401 AuthenticationError,
   * 403 PermissionDeniedError, 404 NotFoundError, 409 ConflictError, 422 UnprocessableEntityError,
   * 429 RateLimitError, ≥500 InternalServerError, any other status APIError, and no status
   * APIConnectionError.
   */
  static generate(status: number | undefined, body: unknown, headers: Headers | undefined, options?: { message?: string; cause?: unknown }): APIError {
    const message = options?.message;
    const errorOptions = options?.cause === undefined ? undefined : { cause: options.cause };
    if (status === undefined || headers === undefined) return new APIConnectionError({ message, cause: options?.cause });
    if (status === 400) return new BadRequestError(status, body, message, headers, errorOptions);
    if (status === 401) return new AuthenticationError(status, body, message, headers, errorOptions);
    if (status === 403) return new PermissionDeniedError(status, body, message, headers, errorOptions);
    if (status === 404) return new NotFoundError(status, body, message, headers, errorOptions);
    if (status === 409) return new ConflictError(status, body, message, headers, errorOptions);
    if (status === 422) return new UnprocessableEntityError(status, body, message, headers, errorOptions);
    if (status === 429) return new RateLimitError(status, body, message, headers, errorOptions);
    if (status >= 500) return new InternalServerError(status, body, message, headers, errorOptions);
    return new APIError(status, body, message, headers, errorOptions);
  }
}

/** 400: the request is malformed or failed validation (`BAD_REQUEST`, `VALIDATION_FAILED`); see `details`. */
export class BadRequestError extends APIError<400> {
  override readonly name: string = 'BadRequestError';
}

/** 401: missing, invalid or revoked credentials (`UNAUTHORIZED`). */
export class AuthenticationError extends APIError<401> {
  override readonly name: string = 'AuthenticationError';
}

/** 403: the credentials may not do this (`FORBIDDEN`), e.g. a consumer key on an admin endpoint. */
export class PermissionDeniedError extends APIError<403> {
  override readonly name: string = 'PermissionDeniedError';
}

/** 404: no such resource (`NOT_FOUND`, `SESSION_NOT_FOUND`, `OFFER_NOT_FOUND`). */
export class NotFoundError extends APIError<404> {
  override readonly name: string = 'NotFoundError';
}

/**
 * 409: the request conflicts with the current state (`INVALID_TRANSITION`, `IDEMPOTENCY_CONFLICT`,
 * `CONCURRENT_UPDATE`, `ALREADY_EXISTS`, `CONFLICT`).
 */
export class ConflictError extends APIError<409> {
  override readonly name: string = 'ConflictError';
}

/**
 * 422: understood but refused by a rule (`BUDGET_EXCEEDED`, `SAFETY_LIMIT_EXCEEDED`,
 * `UNSUPPORTED_BY_PROVIDER`, `OFFER_UNAVAILABLE`). Never retried: repeating cannot help.
 */
export class UnprocessableEntityError extends APIError<422> {
  override readonly name: string = 'UnprocessableEntityError';
}

/** 429: too many requests (`RATE_LIMITED`); thrown once the SDK's own retries are spent. */
export class RateLimitError extends APIError<429> {
  override readonly name: string = 'RateLimitError';
}

/** ≥500: the server or a provider failed (`INTERNAL`, `PROVIDER_ERROR`, `PROVIDER_UNAVAILABLE`). */
export class InternalServerError extends APIError<number> {
  override readonly name: string = 'InternalServerError';
}

/** No response arrived: DNS, refused or reset connection, TLS… (`status` is `undefined`). */
export class APIConnectionError extends APIError<undefined> {
  override readonly name: string = 'APIConnectionError';

  constructor({ message, cause }: { message?: string | undefined; cause?: unknown } = {}) {
    super(undefined, undefined, message ?? 'Connection error.', undefined, cause === undefined ? undefined : { cause });
  }
}

/** No response arrived within the request's `timeout`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override readonly name: string = 'APIConnectionTimeoutError';

  constructor({ message, cause }: { message?: string | undefined; cause?: unknown } = {}) {
    super({ message: message ?? 'Request timed out.', cause });
  }
}

/** The caller's `AbortSignal` cancelled the request. Never retried. */
export class APIUserAbortError extends APIError<undefined> {
  override readonly name: string = 'APIUserAbortError';

  constructor({ message, cause }: { message?: string | undefined; cause?: unknown } = {}) {
    super(undefined, undefined, message ?? 'Request was aborted.', undefined, cause === undefined ? undefined : { cause });
  }
}

/**
 * `sessions.waitUntilRunning()` saw the session end (`failed` or `terminated`) instead of reaching
 * `running`. `errorType` says why (`offer_unavailable`, `ssh_timeout`…), `retrySuggested` whether
 * another attempt (another offer) may succeed.
 */
export class SessionTerminalError extends GpuShopperError {
  override readonly name: string = 'SessionTerminalError';
  /** The session as last seen, in its terminal status. */
  readonly session: Session;
  /** The terminal status it ended in. */
  readonly sessionStatus: 'failed' | 'terminated';
  /** The session's machine-readable failure class (`error_type`), or `null`. */
  readonly errorType: string | null;
  /** The session's `retry_suggested`: whether trying again (another offer) may succeed. */
  readonly retrySuggested: boolean;

  constructor(session: Session & { status: 'failed' | 'terminated' }) {
    const reason = session.error ?? session.stop_reason ?? 'no reason given';
    super(`session ${session.id} is ${session.status}${session.error_type ? ` (${session.error_type})` : ''}: ${reason}`);
    this.session = session;
    this.sessionStatus = session.status;
    this.errorType = session.error_type;
    this.retrySuggested = session.retry_suggested;
  }
}

/** `sessions.waitUntilRunning()` gave up after `timeoutMs`; the session may still come up. */
export class SessionWaitTimeoutError extends GpuShopperError {
  override readonly name: string = 'SessionWaitTimeoutError';
  /** The session as last seen, or `undefined` when no poll succeeded. */
  readonly session: Session | undefined;
  /** The wait that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(sessionId: string, session: Session | undefined, timeoutMs: number) {
    super(`session ${sessionId} was not running after ${timeoutMs} ms (last status: ${session?.status ?? 'unknown'})`);
    this.session = session;
    this.timeoutMs = timeoutMs;
  }
}
