import { InvalidTransitionError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { SESSION_STATUSES, type SessionStatus } from './session.js';

/**
 * Everything that can happen to a session's status. Terminal statuses are reached only by events
 * that carry the provider's confirmation that no instance exists (invariant 3), or, from `pending`,
 * because no create call was ever made.
 */
export const SESSION_TRIGGERS = [
  /** The create call is about to be sent; from here an instance may exist. */
  'request_create',
  /** Stopped before any create call (e.g. done/delete of a session still pending): nothing to destroy. */
  'cancel_before_create',
  /** Failed before any create call (budget refused, validation at the provider boundary…). */
  'fail_before_create',
  /** SSH verified and readiness passed. */
  'verify_ready',
  /** Destroy requested for a normal reason (done, delete, expiry, hard max, idle, budget). */
  'request_destroy',
  /** Storage policy `preserve`: the provider confirmed the instance is stopped with its disk kept. */
  'confirm_preserved',
  /** Something went wrong; the instance (if any) must be destroyed and verified before `failed`. */
  'report_failure',
  /** The provider confirmed the instance is gone after a normal stop. */
  'confirm_destroyed',
  /** The provider confirmed the instance is gone after a failure. */
  'confirm_destroyed_after_failure',
  /** Repeated direct not-found reads: the instance vanished on its own (invariant 7). */
  'confirm_vanished',
  /**
   * A spot session's instance was outbid, and is destroyed and verified gone: the session rents a
   * comparable interruptible offer (policy `reprovision`) and provisions again.
   */
  'reprovision_after_preemption',
] as const;
export type SessionTrigger = (typeof SESSION_TRIGGERS)[number];

/** Who caused a change; recorded with every event. */
export const SESSION_ACTORS = ['api', 'provisioner', 'lifecycle', 'reconciler', 'recovery', 'admin', 'benchmark'] as const;
export type SessionActor = (typeof SESSION_ACTORS)[number];

/** The whole state machine. A missing entry is a forbidden transition. */
export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, Partial<Record<SessionTrigger, SessionStatus>>>> = {
  pending: {
    request_create: 'provisioning',
    cancel_before_create: 'terminated',
    fail_before_create: 'failed',
  },
  provisioning: {
    verify_ready: 'running',
    request_destroy: 'stopping',
    report_failure: 'stopping',
    confirm_vanished: 'failed',
    // Spot, outbid before it ran (policy reprovision): it stays provisioning, on another offer.
    reprovision_after_preemption: 'provisioning',
  },
  running: {
    request_destroy: 'stopping',
    report_failure: 'stopping',
    confirm_preserved: 'stopped',
    confirm_vanished: 'failed',
    reprovision_after_preemption: 'provisioning',
  },
  stopped: {
    request_destroy: 'stopping',
    report_failure: 'stopping',
    confirm_vanished: 'failed',
  },
  stopping: {
    confirm_destroyed: 'terminated',
    confirm_destroyed_after_failure: 'failed',
  },
  terminated: {},
  failed: {},
};

/** The status after `event` in `from`, or a typed error when the table forbids it. Pure. */
export function nextSessionStatus(
  from: SessionStatus,
  event: SessionTrigger,
  sessionId?: string,
): Result<SessionStatus, InvalidTransitionError> {
  const to = SESSION_TRANSITIONS[from][event];
  return to === undefined ? Err(new InvalidTransitionError(from, event, sessionId)) : Ok(to);
}

export function canApplySessionTrigger(from: SessionStatus, event: SessionTrigger): boolean {
  return SESSION_TRANSITIONS[from][event] !== undefined;
}

/** Events allowed in a status, for error messages and the API's "what can I do now". */
export function allowedSessionTriggers(from: SessionStatus): SessionTrigger[] {
  return SESSION_TRIGGERS.filter((event) => SESSION_TRANSITIONS[from][event] !== undefined);
}

export { SESSION_STATUSES };
