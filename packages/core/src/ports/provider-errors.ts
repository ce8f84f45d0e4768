import { BaseError } from '../errors/base-error.js';
import { type ProviderName } from '../providers/provider-name.js';

/** Context every provider error carries (never request bodies or headers: they can hold keys). */
export interface ProviderErrorContext extends Record<string, unknown> {
  readonly provider: ProviderName;
  readonly operation: string;
  readonly httpStatus?: number;
  /** When the last attempt was sent, if one was: a failed destroy may still have acted then. */
  readonly requestSentAt?: Date;
}

abstract class ProviderErrorBase extends BaseError<ProviderErrorContext> {
  constructor(message: string, context: ProviderErrorContext, cause?: unknown) {
    super(`${context.provider} ${context.operation}: ${message}`, { context, cause });
  }
}

/** The instance (or offer) does not exist at the provider. For destroy verification this is success. */
export class ProviderNotFoundError extends ProviderErrorBase {
  readonly code = 'PROVIDER_NOT_FOUND' as const;
  readonly retryable = false;
}

export class ProviderRateLimitedError extends ProviderErrorBase {
  readonly code = 'PROVIDER_RATE_LIMITED' as const;
  readonly retryable = true;

  constructor(message: string, context: ProviderErrorContext, readonly retryAfterMs: number | null, cause?: unknown) {
    super(message, context, cause);
  }
}

export class ProviderAuthError extends ProviderErrorBase {
  readonly code = 'PROVIDER_AUTH_FAILED' as const;
  readonly retryable = false;
}

/** The offer is gone or stale: retrying the same offer will not help; another offer might. */
export class ProviderOfferUnavailableError extends ProviderErrorBase {
  readonly code = 'PROVIDER_OFFER_UNAVAILABLE' as const;
  readonly retryable = false;
}

export class ProviderInvalidRequestError extends ProviderErrorBase {
  readonly code = 'PROVIDER_INVALID_REQUEST' as const;
  readonly retryable = false;
}

/** 5xx, timeouts and connection failures on calls whose outcome is known not to matter (reads, destroys). */
export class ProviderUnavailableError extends ProviderErrorBase {
  readonly code = 'PROVIDER_UNAVAILABLE' as const;
  readonly retryable = true;
}

/**
 * A create whose request may have reached the provider but whose answer was lost. The instance may
 * exist: look it up by label before anything else, never create again blindly (invariant 8).
 */
export class ProviderUnknownOutcomeError extends ProviderErrorBase {
  readonly code = 'PROVIDER_UNKNOWN_OUTCOME' as const;
  readonly retryable = false;
}

/** The provider answered with something that does not match its contract (schema drift, error in a 200). */
export class ProviderSchemaError extends ProviderErrorBase {
  readonly code = 'PROVIDER_SCHEMA_MISMATCH' as const;
  readonly retryable = true;
}

export type ProviderError =
  | ProviderNotFoundError
  | ProviderRateLimitedError
  | ProviderAuthError
  | ProviderOfferUnavailableError
  | ProviderInvalidRequestError
  | ProviderUnavailableError
  | ProviderUnknownOutcomeError
  | ProviderSchemaError;
