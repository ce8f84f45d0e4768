import { BaseError } from './base-error.js';

/** Input that breaks a domain rule (bad hours, unknown provider, malformed id…). Nothing was changed. */
export class ValidationError extends BaseError<{ issues: readonly ValidationIssue[] }> {
  readonly code = 'VALIDATION_FAILED' as const;
  readonly retryable = false;

  constructor(message: string, issues: readonly ValidationIssue[] = [], cause?: unknown) {
    super(message, { context: { issues }, cause });
  }
}
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export class NotFoundError extends BaseError<{ entity: string; id: string }> {
  readonly code = 'NOT_FOUND' as const;
  readonly retryable = false;

  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`, { context: { entity, id } });
  }
}

export class SessionNotFoundError extends BaseError<{ sessionId: string }> {
  readonly code = 'SESSION_NOT_FOUND' as const;
  readonly retryable = false;

  constructor(sessionId: string) {
    super(`session ${sessionId} not found`, { context: { sessionId } });
  }
}

/** The state machine forbids this event in this state (e.g. `verify_ready` on a terminated session). */
export class InvalidTransitionError extends BaseError<{ from: string; event: string; sessionId?: string }> {
  readonly code = 'INVALID_TRANSITION' as const;
  readonly retryable = false;

  constructor(from: string, event: string, sessionId?: string) {
    super(`event '${event}' is not allowed in status '${from}'${sessionId ? ` (session ${sessionId})` : ''}`, {
      context: sessionId === undefined ? { from, event } : { from, event, sessionId },
    });
  }
}

/**
 * A compare-and-set lost: someone else changed the record since it was read. Retrying means
 * re-reading and deciding again, never blindly re-applying the same change.
 */
export class ConcurrentUpdateError extends BaseError<{ entity: string; id: string; expectedVersion: number }> {
  readonly code = 'CONCURRENT_UPDATE' as const;
  readonly retryable = true;

  constructor(entity: string, id: string, expectedVersion: number) {
    super(`${entity} ${id} changed concurrently (expected version ${expectedVersion})`, {
      context: { entity, id, expectedVersion },
    });
  }
}

/**
 * An Idempotency-Key that cannot be answered: used with a different request, or its first request
 * is still being processed (retry shortly).
 */
export class IdempotencyConflictError extends BaseError<{ key: string; reason: 'different_request' | 'in_progress' }> {
  readonly code = 'IDEMPOTENCY_CONFLICT' as const;
  readonly retryable: boolean;

  constructor(key: string, reason: 'different_request' | 'in_progress') {
    super(
      reason === 'different_request'
        ? 'this Idempotency-Key was used with a different request'
        : 'a request with this Idempotency-Key is still being processed; retry shortly',
      { context: { key, reason } },
    );
    this.retryable = reason === 'in_progress';
  }
}

export class AlreadyExistsError extends BaseError<{ entity: string; id: string }> {
  readonly code = 'ALREADY_EXISTS' as const;
  readonly retryable = false;

  constructor(entity: string, id: string) {
    super(`${entity} ${id} already exists`, { context: { entity, id } });
  }
}

export class BudgetExceededError extends BaseError<{
  consumerId: string;
  worstCaseMicros: number;
  remainingMicros: number;
}> {
  readonly code = 'BUDGET_EXCEEDED' as const;
  readonly retryable = false;

  constructor(consumerId: string, worstCaseMicros: number, remainingMicros: number, message?: string) {
    const usd = (micros: number) => `$${(micros / 1_000_000).toFixed(4)}`;
    super(message ?? `consumer ${consumerId}: the worst-case cost ${usd(worstCaseMicros)} exceeds the remaining budget ${usd(remainingMicros)}`, {
      context: { consumerId, worstCaseMicros, remainingMicros },
    });
  }
}

/** A request would break a safety limit (hard max, reservation bounds). */
export class SafetyLimitExceededError extends BaseError<{ limit: string; requested: number; allowed: number }> {
  readonly code = 'SAFETY_LIMIT_EXCEEDED' as const;
  readonly retryable = false;

  constructor(limit: string, requested: number, allowed: number, message?: string) {
    super(message ?? `${limit}: requested ${requested}, allowed ${allowed}`, { context: { limit, requested, allowed } });
  }
}

export class UnsupportedByProviderError extends BaseError<{ provider: string; feature: string }> {
  readonly code = 'UNSUPPORTED_BY_PROVIDER' as const;
  readonly retryable = false;

  constructor(provider: string, feature: string) {
    super(`${provider} does not support ${feature}`, { context: { provider, feature } });
  }
}

/** A broken invariant inside the service. Thrown, never returned. */
export class InternalError extends BaseError<Record<string, unknown>> {
  readonly code = 'INTERNAL' as const;
  readonly retryable = false;

  constructor(message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super(message, { context, cause });
  }
}
