import { BudgetExceededError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { formatUsd } from '../money/money.js';
import { type CommitmentGuard, type Repositories } from '../ports/repositories.js';
import { LIVE_STATUSES, type Session } from '../sessions/session.js';
import { type Clock } from '../time/clock.js';
import { budgetPeriodStart, remainingBudget, type Budget } from './consumer.js';

/**
 * What a consumer has spent this month and what its live sessions may still spend, read together
 * with the consumer's commitment version. A write that raises the commitment carries that version
 * as its guard, so two concurrent actions cannot both pass the check on the same headroom: the
 * second one's write is refused and it decides again on fresh figures.
 */
export interface BudgetHeadroom {
  readonly consumerId: string;
  readonly budget: Budget | undefined;
  /** Ledger spend in the budget's month. */
  readonly spentMicros: number;
  /** What live sessions may still cost until their current expiry (whole hours, rounded up). */
  readonly committedMicros: number;
  /** What is left to commit; null without a budget (nothing is limited). */
  readonly remainingMicros: number | null;
  /** Carried by the write that raises the commitment (undefined without a budget). */
  readonly guard: CommitmentGuard | undefined;
}

type CommitmentFacts = Pick<Session, 'pricePerHourMicros' | 'expiresAt'> & Partial<Pick<Session, 'status' | 'hardMaxAt' | 'bidPerHourMicros' | 'maxBidPerHourMicros'>>;

/**
 * What a session may bill per hour at worst: its price, or for a spot session its maximum bid plus
 * storage (a reprovision after a preemption may bid up to the maximum).
 */
export function worstCaseRate(session: CommitmentFacts): number {
  if (session.maxBidPerHourMicros == null || session.bidPerHourMicros == null || session.status === 'stopped') return session.pricePerHourMicros;
  const storage = Math.max(0, session.pricePerHourMicros - session.bidPerHourMicros);
  return Math.max(session.pricePerHourMicros, session.maxBidPerHourMicros + storage);
}

/**
 * What a live session may still cost: its worst-case rate for every started hour until its expiry —
 * or, once stopped with its storage preserved (its price is then the storage rate), until the hard
 * maximum, which is when a preserved disk is destroyed at the latest.
 */
export function remainingCommitment(session: CommitmentFacts, now: Date): number {
  const until = session.status === 'stopped' && session.hardMaxAt ? session.hardMaxAt : session.expiresAt;
  const remainingHours = Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 3_600_000));
  return worstCaseRate(session) * remainingHours;
}

/**
 * The one place that decides whether an action may raise a consumer's worst-case spending
 * (invariant 11): creating a session, extending it, an auto-retry onto a pricier offer. Used by the
 * provisioning saga and the session commands; the write it allows carries `headroom.guard`.
 */
export class BudgetCommitments {
  constructor(private readonly options: { readonly repositories: Repositories; readonly clock: Clock }) {}

  async headroom(consumerId: string): Promise<BudgetHeadroom> {
    const { repositories } = this.options;
    // The version first: anything committed after this read makes the guarded write fail.
    const version = await repositories.consumers.commitmentVersion(consumerId);
    const budget = await repositories.budgets.get(consumerId);
    if (!budget) return { consumerId, budget: undefined, spentMicros: 0, committedMicros: 0, remainingMicros: null, guard: undefined };
    const now = this.options.clock.now();
    const spentMicros = await repositories.costs.spentMicros({ consumerId, from: budgetPeriodStart(now) });
    const live = await repositories.sessions.list({ consumerId, statuses: LIVE_STATUSES });
    const committedMicros = live.reduce((sum, s) => sum + remainingCommitment(s, now), 0);
    return {
      consumerId,
      budget,
      spentMicros,
      committedMicros,
      remainingMicros: remainingBudget(budget, spentMicros + committedMicros),
      guard: { consumerId, expectedVersion: version },
    };
  }

  /** Refuses `additionalMicros` more worst-case spending when it does not fit; says so in dollars. */
  check(headroom: BudgetHeadroom, additionalMicros: number, action: string): Result<void, BudgetExceededError> {
    if (headroom.remainingMicros === null || additionalMicros <= headroom.remainingMicros) return Ok();
    const limit = headroom.budget ? formatUsd(headroom.budget.monthlyLimitMicros) : '?';
    return Err(
      new BudgetExceededError(
        headroom.consumerId,
        additionalMicros,
        headroom.remainingMicros,
        `consumer ${headroom.consumerId}: ${action} would commit up to ${formatUsd(additionalMicros, 4)} more (worst case), but only ${formatUsd(headroom.remainingMicros, 4)} of the ${limit} monthly budget is left (${formatUsd(headroom.spentMicros, 4)} spent, ${formatUsd(headroom.committedMicros, 4)} committed to running sessions)`,
      ),
    );
  }
}
