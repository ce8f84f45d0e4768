import { API_ERROR_STATUS, type ApiErrorCode } from '@gpu-shopper/contract';
import { isBaseError, type ErrorCode } from '@gpu-shopper/core';

export interface ApiErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** An error with its place in the API: a stable code, the status that code always has, and field details. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: readonly ApiErrorDetail[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = ApiError.name;
    this.status = API_ERROR_STATUS[code];
  }
}

/** Domain code → API code. One table, so a new domain error cannot silently become a 500. */
const DOMAIN_TO_API: Record<ErrorCode, ApiErrorCode> = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  CONCURRENT_UPDATE: 'CONCURRENT_UPDATE',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  SAFETY_LIMIT_EXCEEDED: 'SAFETY_LIMIT_EXCEEDED',
  UNSUPPORTED_BY_PROVIDER: 'UNSUPPORTED_BY_PROVIDER',
  PROVIDER_NOT_FOUND: 'PROVIDER_ERROR',
  PROVIDER_RATE_LIMITED: 'RATE_LIMITED',
  PROVIDER_AUTH_FAILED: 'PROVIDER_ERROR',
  PROVIDER_OFFER_UNAVAILABLE: 'OFFER_UNAVAILABLE',
  PROVIDER_INVALID_REQUEST: 'PROVIDER_ERROR',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  PROVIDER_UNKNOWN_OUTCOME: 'PROVIDER_ERROR',
  PROVIDER_SCHEMA_MISMATCH: 'PROVIDER_ERROR',
  REMOTE_EXEC_FAILED: 'PROVIDER_ERROR',
  INTERNAL: 'INTERNAL',
};

/** Turns anything thrown in a handler into an ApiError; unknown errors become INTERNAL (and are logged). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isBaseError(error)) {
    const issues = (error.context as { issues?: unknown }).issues;
    const details = Array.isArray(issues) ? (issues as ApiErrorDetail[]).map((i) => ({ path: String(i.path), message: String(i.message) })) : undefined;
    const code = DOMAIN_TO_API[error.code];
    // Provider internals stay out of answers; the code and a short message say enough.
    return new ApiError(code, code === 'INTERNAL' ? 'internal error' : error.message, details);
  }
  const status = (error as { status?: unknown; type?: unknown } | null)?.status;
  if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (status === 400 && (error as { type?: unknown }).type === 'entity.parse.failed') return new ApiError('BAD_REQUEST', 'the request body is not valid JSON');
  if (status === 400 || status === 415) return new ApiError('BAD_REQUEST', 'the request could not be read');
  return new ApiError('INTERNAL', 'internal error');
}
