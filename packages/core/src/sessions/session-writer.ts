import { type ConcurrentUpdateError, type InvalidTransitionError, SessionNotFoundError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type IdGenerator } from '../ids/ids.js';
import { type CommitmentGuard, type SessionRepository } from '../ports/repositories.js';
import { type Clock } from '../time/clock.js';
import { sessionEvent, type SessionEvent, type SessionEventType } from './session-event.js';
import { type SessionActor, type SessionTrigger } from './session-state-machine.js';
import { planSessionTransition, type PlannedSessionTransition } from './session-transition.js';
import { type Session, type SessionChanges } from './session.js';

/** How many times a lost compare-and-set is re-read and decided again before giving up. */
export const SESSION_WRITE_ATTEMPTS = 5;

/**
 * What a decision on the session as it stands now comes to: write these fields and events (fenced
 * by the session's version and, when given, the consumer's commitment version), keep the session as
 * it is (nothing to do, or someone else already did it), or refuse with an error.
 */
export type SessionDecision<E> =
  | {
      readonly kind: 'write';
      readonly changes: SessionChanges;
      readonly events: readonly SessionEvent[];
      readonly guard?: CommitmentGuard;
      /** Runs once, after the write that won; its answer is the write's answer (an end hook, a destroy…). */
      readonly afterWrite?: (written: Session) => Promise<Session>;
    }
  | { readonly kind: 'keep'; readonly session: Session }
  | { readonly kind: 'refuse'; readonly error: E };

export const decide = {
  write: (
    changes: SessionChanges,
    events: readonly SessionEvent[] = [],
    options: { readonly guard?: CommitmentGuard; readonly afterWrite?: (written: Session) => Promise<Session> } = {},
  ): SessionDecision<never> => ({ kind: 'write', changes, events, ...options }),
  /** A planned transition: its fields and the event that explains it. */
  transition: (plan: PlannedSessionTransition, options: { readonly guard?: CommitmentGuard; readonly afterWrite?: (written: Session) => Promise<Session> } = {}): SessionDecision<never> => ({
    kind: 'write',
    changes: plan.changes,
    events: [plan.event],
    ...options,
  }),
  keep: (session: Session): SessionDecision<never> => ({ kind: 'keep', session }),
  refuse: <E>(error: E): SessionDecision<E> => ({ kind: 'refuse', error }),
};

export type SessionWriteError<E> = E | SessionNotFoundError | ConcurrentUpdateError;

/**
 * Re-runs `attempt` while it loses a compare-and-set, at most `attempts` times; the last loss is
 * returned as it is (ConcurrentUpdateError, which the API answers 409 retryable).
 */
export async function retryOnConcurrentUpdate<T, E extends { readonly code: string }>(attempts: number, attempt: () => Promise<Result<T, E>>): Promise<Result<T, E>> {
  let last: Result<T, E> | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await attempt();
    if (last.ok || last.err.code !== 'CONCURRENT_UPDATE') return last;
  }
  if (!last) throw new RangeError('retryOnConcurrentUpdate needs at least one attempt');
  return last;
}

/**
 * The one way core changes a stored session: read it, decide on what is there now, write with
 * compare-and-set, and on a lost race read and decide again — never re-apply a stale change. Events
 * come from the same factory (`event`, `transition`), stamped with this writer's clock and ids.
 */
export class SessionWriter {
  constructor(private readonly options: { readonly sessions: SessionRepository; readonly clock: Clock; readonly ids: IdGenerator }) {}

  /**
   * Applies `choose`'s decision to the session. Given a Session rather than an id, the first round
   * decides on that copy (the caller just read it) and only later rounds read again; with
   * `attempts` 1 that is a single compare-and-set against the version the caller saw. A missing
   * session is SessionNotFoundError; a decision that keeps losing the race is ConcurrentUpdateError
   * after `attempts` rounds.
   */
  async update<E = never>(
    target: string | Session,
    choose: (current: Session) => SessionDecision<E> | Promise<SessionDecision<E>>,
    attempts = SESSION_WRITE_ATTEMPTS,
  ): Promise<Result<Session, SessionWriteError<E>>> {
    const sessionId = typeof target === 'string' ? target : target.id;
    let known = typeof target === 'string' ? undefined : target;
    let afterWrite: ((written: Session) => Promise<Session>) | undefined;
    const written = await retryOnConcurrentUpdate<Session, SessionWriteError<E> & { readonly code: string }>(attempts, async () => {
      const current = known ?? (await this.options.sessions.get(sessionId));
      known = undefined;
      if (!current) return Err(new SessionNotFoundError(sessionId));
      const decision = await choose(current);
      if (decision.kind === 'keep') return Ok(decision.session);
      if (decision.kind === 'refuse') return Err(decision.error as SessionWriteError<E> & { readonly code: string });
      afterWrite = decision.afterWrite;
      const updated = await this.options.sessions.update(current.id, current.version, decision.changes, decision.events, decision.guard);
      if (!updated.ok) afterWrite = undefined;
      return updated;
    });
    if (!written.ok || !afterWrite) return written;
    return Ok(await afterWrite(written.val));
  }

  /** An event that changes no status (a note, a destroy attempt, an extension…), stamped now. */
  event(sessionId: string, type: Exclude<SessionEventType, SessionTrigger | 'created'>, actor: SessionActor, reason: string, data: Record<string, unknown> = {}): SessionEvent {
    return sessionEvent({ id: this.options.ids.next('sessionEvent'), sessionId, type, actor, reason, at: this.options.clock.now(), data });
  }

  /** Plans a status transition of `session` now (see planSessionTransition). */
  transition(
    session: Pick<Session, 'id' | 'status'>,
    input: {
      readonly trigger: SessionTrigger;
      readonly actor: SessionActor;
      readonly reason: string;
      readonly changes?: SessionChanges;
      readonly data?: Record<string, unknown>;
      /** When it happened, if the caller already stamped other fields with it. @default now */
      readonly at?: Date;
    },
  ): Result<PlannedSessionTransition, InvalidTransitionError> {
    return planSessionTransition(session, { ...input, at: input.at ?? this.options.clock.now(), eventId: this.options.ids.next('sessionEvent') });
  }

  /** Appends an event that changes no field. */
  async note(sessionId: string, type: Exclude<SessionEventType, SessionTrigger | 'created'>, actor: SessionActor, reason: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.options.sessions.appendEvent(this.event(sessionId, type, actor, reason, data));
  }
}
