import { BudgetCommitments, worstCaseRate } from '../consumers/budget-commitments.js';
import { type BudgetExceededError, type ConcurrentUpdateError, InvalidTransitionError, SafetyLimitExceededError, type SessionNotFoundError, ValidationError } from '../errors/domain-errors.js';
import { formatUsd, worstCaseCost } from '../money/money.js';
import { Err, type Result } from '../errors/result.js';
import { type IdGenerator } from '../ids/ids.js';
import { type Repositories } from '../ports/repositories.js';
import { type SessionTerminator } from '../provisioning/session-terminator.js';
import { type SessionActor } from '../sessions/session-state-machine.js';
import { MAX_RESERVATION_HOURS, MIN_RESERVATION_HOURS, type Session } from '../sessions/session.js';
import { decide, SessionWriter } from '../sessions/session-writer.js';
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

  private readonly writer: SessionWriter;

  constructor(private readonly options: SessionCommandsOptions) {
    this.writer = new SessionWriter({ sessions: options.repositories.sessions, clock: options.clock, ids: options.ids });
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
  ): Promise<Result<Session, ValidationError | SafetyLimitExceededError | SessionNotFoundError | InvalidTransitionError | BudgetExceededError | ConcurrentUpdateError>> {
    if (!Number.isInteger(hours) || hours < MIN_RESERVATION_HOURS || hours > MAX_RESERVATION_HOURS) {
      return Err(new ValidationError(`hours must be a whole number from ${MIN_RESERVATION_HOURS} to ${MAX_RESERVATION_HOURS}`, [{ path: 'hours', message: 'out of range' }]));
    }
    return this.writer.update<InvalidTransitionError | SafetyLimitExceededError | BudgetExceededError>(sessionId, async (session) => {
      if (session.status !== 'running' && session.status !== 'provisioning' && session.status !== 'pending') {
        return decide.refuse(new InvalidTransitionError(session.status, 'extend', sessionId));
      }
      const expiresAt = addHours(session.expiresAt, hours);
      if (!session.hardMaxOverride && expiresAt.getTime() > session.hardMaxAt.getTime()) {
        const allowed = Math.max(0, Math.floor((session.hardMaxAt.getTime() - session.expiresAt.getTime()) / 3_600_000));
        return decide.refuse(
          new SafetyLimitExceededError('hard_max_hours', hours, allowed, `extending by ${hours} h would pass the hard maximum at ${session.hardMaxAt.toISOString()}; at most ${allowed} h more is possible`),
        );
      }
      const headroom = await this.budgets.headroom(session.consumerId);
      const allowed = this.budgets.check(headroom, worstCaseCost(worstCaseRate(session), hours), `extending ${session.id} by ${hours} h at up to ${formatUsd(worstCaseRate(session), 4)}/h`);
      if (!allowed.ok) return decide.refuse(allowed.err);
      const event = this.writer.event(session.id, 'extended', actor, `extended by ${hours} h`, {
        hours,
        previousExpiresAt: session.expiresAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
      });
      return decide.write({ expiresAt, reservationHours: session.reservationHours + hours }, [event], { guard: headroom.guard });
    });
  }

  /** Admin only: lets a session run (and be extended) past the hard maximum. Recorded as an event. */
  async setHardMaxOverride(sessionId: string, override: boolean): Promise<Result<Session, SessionNotFoundError | ConcurrentUpdateError>> {
    return this.writer.update(sessionId, (session) =>
      decide.write({ hardMaxOverride: override }, [
        this.writer.event(session.id, 'note', 'admin', override ? 'hard maximum override set' : 'hard maximum override cleared', { hardMaxOverride: override }),
      ]),
    );
  }
}
