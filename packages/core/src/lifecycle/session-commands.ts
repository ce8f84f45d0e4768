import { BudgetCommitments } from '../consumers/budget-commitments.js';
import { type BudgetExceededError, InvalidTransitionError, SafetyLimitExceededError, SessionNotFoundError, ValidationError } from '../errors/domain-errors.js';
import { formatUsd, worstCaseCost } from '../money/money.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type IdGenerator } from '../ids/ids.js';
import { type Repositories } from '../ports/repositories.js';
import { type SessionTerminator } from '../provisioning/session-terminator.js';
import { type SessionActor } from '../sessions/session-state-machine.js';
import { MAX_RESERVATION_HOURS, MIN_RESERVATION_HOURS, type Session } from '../sessions/session.js';
import { addHours, type Clock } from '../time/clock.js';

export interface SessionCommandsOptions {
  readonly repositories: Repositories;
  readonly terminator: SessionTerminator;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** What consumers and admins can do to a session: done, delete, extend, and the admin's hard-max override. */
export class SessionCommands {
  private readonly budgets: BudgetCommitments;

  constructor(private readonly options: SessionCommandsOptions) {
    this.budgets = new BudgetCommitments({ repositories: options.repositories, clock: options.clock });
  }

  /** The consumer is finished: destroy the instance (verified), reason `done`. Idempotent. */
  done(sessionId: string, actor: SessionActor = 'api') {
    return this.options.terminator.stop(sessionId, { actor, reason: 'consumer signalled done', stopReason: 'done' });
  }

  /** Force delete: destroy now, reason `deleted`. Idempotent. */
  delete(sessionId: string, actor: SessionActor = 'api') {
    return this.options.terminator.stop(sessionId, { actor, reason: 'deleted', stopReason: 'deleted' });
  }

  /**
   * Adds 1–12 hours to the current expiry. The new expiry never passes the hard maximum unless an
   * admin set the session's override (invariant 4), and the hours must fit the consumer's budget —
   * checked and written together, like a create (invariant 11).
   */
  async extend(
    sessionId: string,
    hours: number,
    actor: SessionActor = 'api',
  ): Promise<Result<Session, ValidationError | SafetyLimitExceededError | SessionNotFoundError | InvalidTransitionError | BudgetExceededError>> {
    if (!Number.isInteger(hours) || hours < MIN_RESERVATION_HOURS || hours > MAX_RESERVATION_HOURS) {
      return Err(new ValidationError(`hours must be a whole number from ${MIN_RESERVATION_HOURS} to ${MAX_RESERVATION_HOURS}`, [{ path: 'hours', message: 'out of range' }]));
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const session = await this.options.repositories.sessions.get(sessionId);
      if (!session) return Err(new SessionNotFoundError(sessionId));
      if (session.status !== 'running' && session.status !== 'provisioning' && session.status !== 'pending') {
        return Err(new InvalidTransitionError(session.status, 'extend', sessionId));
      }
      const expiresAt = addHours(session.expiresAt, hours);
      if (!session.hardMaxOverride && expiresAt.getTime() > session.hardMaxAt.getTime()) {
        const allowed = Math.floor((session.hardMaxAt.getTime() - session.expiresAt.getTime()) / 3_600_000);
        return Err(
          new SafetyLimitExceededError('hard_max_hours', hours, Math.max(0, allowed), `extending by ${hours} h would pass the hard maximum at ${session.hardMaxAt.toISOString()}; at most ${Math.max(0, allowed)} h more is possible`),
        );
      }
      const headroom = await this.budgets.headroom(session.consumerId);
      const allowed = this.budgets.check(headroom, worstCaseCost(session.pricePerHourMicros, hours), `extending ${session.id} by ${hours} h at ${formatUsd(session.pricePerHourMicros, 4)}/h`);
      if (!allowed.ok) return allowed;
      const updated = await this.options.repositories.sessions.update(session.id, session.version, { expiresAt, reservationHours: session.reservationHours + hours }, [
        {
          id: this.options.ids.next('sessionEvent'),
          sessionId: session.id,
          type: 'extended',
          fromStatus: null,
          toStatus: null,
          actor,
          reason: `extended by ${hours} h`,
          occurredAt: this.options.clock.now(),
          data: { hours, previousExpiresAt: session.expiresAt.toISOString(), expiresAt: expiresAt.toISOString() },
        },
      ], headroom.guard);
      if (updated.ok) return Ok(updated.val);
    }
    return Err(new InvalidTransitionError('changing', 'extend', sessionId));
  }

  /** Admin only: lets a session run (and be extended) past the hard maximum. Recorded as an event. */
  async setHardMaxOverride(sessionId: string, override: boolean): Promise<Result<Session, SessionNotFoundError>> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const session = await this.options.repositories.sessions.get(sessionId);
      if (!session) return Err(new SessionNotFoundError(sessionId));
      const updated = await this.options.repositories.sessions.update(session.id, session.version, { hardMaxOverride: override }, [
        {
          id: this.options.ids.next('sessionEvent'),
          sessionId: session.id,
          type: 'note',
          fromStatus: null,
          toStatus: null,
          actor: 'admin',
          reason: override ? 'hard maximum override set' : 'hard maximum override cleared',
          occurredAt: this.options.clock.now(),
          data: { hardMaxOverride: override },
        },
      ]);
      if (updated.ok) return Ok(updated.val);
    }
    return Err(new SessionNotFoundError(sessionId));
  }
}
