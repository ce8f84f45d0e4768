import { InternalError } from '../errors/domain-errors.js';
import { type SessionEvent } from './session-event.js';
import { type Session, type SessionChanges } from './session.js';

// The offer may change (auto-retry moves to a comparable offer); the provider never does, because
// the label and every instance lookup are per provider.
const FROZEN_FIELDS = ['id', 'consumerId', 'deploymentId', 'label', 'provider', 'createdAt', 'version'] as const;

/**
 * The rules every SessionRepository enforces on update, shared so the SQLite and in-memory
 * implementations cannot drift: identity fields are frozen, events belong to the session, and a
 * status change is recorded by a transition event from the current status to the new one.
 * Breaking them is a programming error, so it throws.
 */
export function assertSessionUpdateAllowed(current: Session, changes: SessionChanges, events: readonly SessionEvent[]): void {
  for (const field of FROZEN_FIELDS) {
    if (field in changes) throw new InternalError(`session field '${field}' cannot be updated`, { sessionId: current.id });
  }
  for (const event of events) {
    if (event.sessionId !== current.id) {
      throw new InternalError('event belongs to another session', { sessionId: current.id, eventSessionId: event.sessionId });
    }
  }
  if (changes.status !== undefined && changes.status !== current.status) {
    const recorded = events.some((e) => e.fromStatus === current.status && e.toStatus === changes.status);
    if (!recorded) {
      throw new InternalError(`status change ${current.status} → ${changes.status} has no transition event`, {
        sessionId: current.id,
      });
    }
  }
}
