import { type InvalidTransitionError } from '../errors/domain-errors.js';
import { Ok, type Result } from '../errors/result.js';
import { sessionEvent, type SessionEvent } from './session-event.js';
import { nextSessionStatus, type SessionActor, type SessionTrigger } from './session-state-machine.js';
import { type Session, type SessionChanges } from './session.js';

export interface SessionTransitionInput {
  readonly trigger: SessionTrigger;
  readonly actor: SessionActor;
  readonly reason: string;
  readonly at: Date;
  readonly eventId: string;
  /** Further fields written in the same compare-and-set (stop reason, provider id, error…). */
  readonly changes?: SessionChanges;
  readonly data?: Record<string, unknown>;
}

/** A status change ready for the repository: the fields to write and the event recording it. */
export interface PlannedSessionTransition {
  readonly changes: SessionChanges;
  readonly event: SessionEvent;
}

/**
 * Plans a transition without performing it: checks the table, sets the new status and
 * `statusChangedAt`, and builds the event. The repository applies both atomically, guarded by the
 * session's version, so a stale plan loses with a ConcurrentUpdateError instead of overwriting.
 */
export function planSessionTransition(
  session: Pick<Session, 'id' | 'status'>,
  input: SessionTransitionInput,
): Result<PlannedSessionTransition, InvalidTransitionError> {
  const next = nextSessionStatus(session.status, input.trigger, session.id);
  if (!next.ok) return next;
  const to = next.val;
  return Ok({
    changes: { ...input.changes, status: to, statusChangedAt: input.at },
    event: sessionEvent({
      id: input.eventId,
      sessionId: session.id,
      type: input.trigger,
      fromStatus: session.status,
      toStatus: to,
      actor: input.actor,
      reason: input.reason,
      at: input.at,
      data: input.data,
    }),
  });
}
