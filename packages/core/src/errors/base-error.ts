/**
 * Every error the domain raises extends BaseError: a stable machine `code` (the discriminant that
 * the API, SDK and CLI map onto statuses and exit codes), whether retrying can help, a typed context
 * for logs (never secrets), and the underlying cause.
 */
export abstract class BaseError<TContext extends Record<string, unknown> = Record<string, unknown>> extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;
  readonly context: TContext;

  constructor(message: string, options: { context: TContext; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.context = options.context;
    this.name = new.target.name;
  }

  toJSON(): { name: string; code: ErrorCode; message: string; retryable: boolean; context: TContext } {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, context: this.context };
  }
}

/** The closed set of domain error codes. Adding one is an API change: document it in the troubleshooting guide. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'SESSION_NOT_FOUND',
  'INVALID_TRANSITION',
  'CONCURRENT_UPDATE',
  'ALREADY_EXISTS',
  'IDEMPOTENCY_CONFLICT',
  'BUDGET_EXCEEDED',
  'SAFETY_LIMIT_EXCEEDED',
  'UNSUPPORTED_BY_PROVIDER',
  'PROVIDER_NOT_FOUND',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_AUTH_FAILED',
  'PROVIDER_OFFER_UNAVAILABLE',
  'PROVIDER_INVALID_REQUEST',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_UNKNOWN_OUTCOME',
  'PROVIDER_SCHEMA_MISMATCH',
  'REMOTE_EXEC_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isBaseError(value: unknown): value is BaseError {
  return value instanceof BaseError;
}
