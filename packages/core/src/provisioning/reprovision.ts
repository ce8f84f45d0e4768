import { billedSeconds } from '../cost/billing.js';
import { accrualEntry } from '../cost/cost-entry.js';
import { formatUsd } from '../money/money.js';
import { decide } from '../sessions/session-writer.js';
import { type Session, type SessionChanges } from '../sessions/session.js';
import { movedPricing, type AutoRetry } from './auto-retry.js';
import { type SagaContext } from './provisioning-options.js';

export type ReprovisionResult = { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly reason: string };

/**
 * After a preemption whose instance is destroyed and verified gone: moves a spot session
 * (`on_preempt: reprovision`) to a comparable interruptible offer — same GPU scope as auto-retry,
 * a minimum bid within the session's maximum bid, and a worst case the budget allows — and puts it
 * back in `provisioning` with the same id, label and key, for the saga to create and verify there.
 * A session outbid while still provisioning (never ran) moves the same way and stays in `provisioning`.
 */
export class Reprovisioning {
  constructor(
    private readonly ctx: SagaContext,
    private readonly autoRetry: AutoRetry,
  ) {}

  async afterPreemption(session: Session): Promise<ReprovisionResult> {
    if ((session.status !== 'running' && session.status !== 'provisioning') || !session.interruptible || session.onPreempt !== 'reprovision' || session.stoppedAt === null) {
      return { ok: false, reason: `the session is ${session.status}` };
    }
    const next = await this.autoRetry.comparableOffer(session);
    if (!next) return { ok: false, reason: `no comparable interruptible offer with a minimum bid within ${formatUsd(session.maxBidPerHourMicros ?? 0, 4)}/h` };
    const now = this.ctx.options.clock.now();
    const pricing = movedPricing(session, next);
    // Budgets already count the maximum bid; only a dearer disk on the new offer raises the worst case.
    const allowed = await this.autoRetry.moveWithinBudget(session, next, pricing, now, 'reprovisioning');
    if (!allowed.ok) return { ok: false, reason: allowed.err.message };
    // What the ledger holds for the earlier instances, brought up to the preemption first: the new
    // instance's accrual starts from this mark, so a second not written now would never be billed.
    await this.accrueToPreemption(session);
    const priorBilledSeconds = await this.ctx.options.repositories.costs.accruedSeconds(session.id);
    const priorCostMicros = await this.ctx.options.repositories.costs.spentMicros({ sessionId: session.id });
    const changes: SessionChanges = {
      // As any move: the new offer and bid, its GPU's on-demand reference as listed now, no instance yet.
      ...(await this.autoRetry.movedOfferChanges(session, next, pricing, now)),
      sshHost: null,
      sshPort: null,
      sshUser: null,
      // The new instance bills from its own create; the ledger keeps what the old one cost (see create-at-provider).
      billingStartedAt: null,
      stoppedAt: null,
      priorBilledSeconds,
      priorCostMicros,
    };
    const reason = `preempted on ${session.offerId}; reprovisioning on ${next.id} at a bid of ${formatUsd(pricing.bidPerHourMicros ?? 0, 4)}/h`;
    const guard = allowed.val;
    // From running (preempted while it ran) or provisioning (outbid before it ran): back to, or still, provisioning.
    const plan = this.ctx.writer.transition(session, { trigger: 'reprovision_after_preemption', actor: 'provisioner', reason, changes });
    if (!plan.ok) return { ok: false, reason: plan.err.message };
    const updated = await this.ctx.writer.update(session, () => decide.transition(plan.val, { guard }), 1);
    if (!updated.ok) return { ok: false, reason: updated.err.message };
    this.ctx.logger.info('reprovisioning a preempted spot session', { sessionId: session.id, from: session.offerId, to: next.id });
    return { ok: true, session: updated.val };
  }

  /** The ledger line up to the preemption (`stoppedAt`), if not written yet; losing the race to another writer loses nothing. */
  private async accrueToPreemption(session: Session): Promise<void> {
    if (!session.billingStartedAt) return;
    const ledger = this.ctx.options.repositories.costs;
    const accrued = await ledger.accruedSeconds(session.id);
    const total = billedSeconds(session, this.ctx.options.clock.now());
    if (total <= accrued) return;
    const now = this.ctx.options.clock.now();
    await ledger.appendAccrual(accrualEntry({ ...session, billingStartedAt: session.billingStartedAt }, accrued, total, this.ctx.options.ids.next('costEntry'), now), accrued);
  }
}
