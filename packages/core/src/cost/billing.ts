import { accrualDelta, costForSeconds, elapsedSeconds, type MicroUsd } from '../money/money.js';
import { type Session } from '../sessions/session.js';

/**
 * When a vendor started billing an instance — the one rule for the saga (an instance it created or
 * adopted) and the terminator (an instance only ever found by its label):
 * the earliest creation time the provider reports, if plausible (not before `askedAt`, give or take
 * the vendors' one-second rounding), else `askedAt` itself — the moment the create was about to be
 * sent, which is the earliest the vendor can have started billing.
 */
export function billingStart(askedAt: Date, reportedStarts: readonly (Date | null | undefined)[]): Date {
  const plausible = reportedStarts
    .filter((start): start is Date => start instanceof Date && start.getTime() >= askedAt.getTime() - 1000)
    .map((start) => start.getTime());
  return plausible.length > 0 ? new Date(Math.min(...plausible)) : askedAt;
}

/**
 * Seconds a session has been billed: from its billing start to where billing ended (`stoppedAt`),
 * or to `now` while it still bills; 0 before a create was recorded. Whole seconds, as vendors bill.
 */
export function billedSeconds(session: Pick<Session, 'billingStartedAt' | 'stoppedAt'>, now: Date): number {
  return session.billingStartedAt ? elapsedSeconds(session.billingStartedAt, session.stoppedAt ?? now) : 0;
}

/**
 * What a session has cost so far at its price, by the per-second formula the ledger uses — so it
 * equals the ledger's total for the session once accrual has caught up.
 */
export function costSoFar(session: Pick<Session, 'billingStartedAt' | 'stoppedAt' | 'pricePerHourMicros'> & Partial<Pick<Session, 'priorBilledSeconds' | 'priorCostMicros'>>, now: Date): MicroUsd {
  const total = billedSeconds(session, now);
  const prior = session.priorBilledSeconds ?? 0;
  // After a reprovision: the earlier instances' cost as the ledger holds it, then the current price
  // from their seconds on (the same difference the ledger's accrual lines add).
  if (prior > 0) return (session.priorCostMicros ?? 0) + Math.max(0, accrualDelta(session.pricePerHourMicros, prior, Math.max(prior, total)));
  return costForSeconds(session.pricePerHourMicros, total);
}
