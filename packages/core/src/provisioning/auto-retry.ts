import { remainingCommitment } from '../consumers/budget-commitments.js';
import { type BudgetExceededError } from '../errors/domain-errors.js';
import { Ok, type Result } from '../errors/result.js';
import { findGpuSku } from '../gpu/index.js';
import { type Offer } from '../inventory/offer.js';
import { formatUsd } from '../money/money.js';
import { type CommitmentGuard } from '../ports/repositories.js';
import { decide } from '../sessions/session-writer.js';
import { bidFor, type Session, type SessionChanges, type SessionErrorType } from '../sessions/session.js';
import { offerSatisfiesTemplate, type VendorTemplate } from '../templates/vendor-template.js';
import { type InstanceCreation } from './create-at-provider.js';
import { type SagaContext } from './provisioning-options.js';
import { offerStorageRate, onDemandReferencePrice } from './spot-terms.js';

/**
 * Step 4 of the saga, when an attempt fails for a reason another host may not have: move the
 * session to a comparable offer at the same provider and create again there.
 */
/**
 * What a session bills on `offer`: its price, or for a spot session the bid it places there (the
 * offer's minimum plus the margin, capped by the session's maximum) plus that offer's storage.
 */
export function movedPricing(session: Session, offer: Offer): Pick<SessionChanges, 'pricePerHourMicros' | 'bidPerHourMicros'> & { pricePerHourMicros: number } {
  if (!session.interruptible || session.maxBidPerHourMicros === null || offer.minBidPerHourMicros == null) return { pricePerHourMicros: offer.pricePerHourMicros };
  const bid = bidFor(offer.minBidPerHourMicros, session.maxBidPerHourMicros);
  return { pricePerHourMicros: bid + offerStorageRate(offer), bidPerHourMicros: bid };
}

export class AutoRetry {
  constructor(
    private readonly ctx: SagaContext,
    private readonly creation: InstanceCreation,
  ) {}

  /**
   * Auto-retry: destroys this attempt's instance (verified), moves the session to the next comparable
   * offer at the same provider — same session id, label and key — and sends the create. Returns
   * undefined when no further attempt is possible, so the caller ends the session.
   */
  async retryElsewhere(session: Session, errorType: SessionErrorType, message: string): Promise<Session | undefined> {
    const provider = this.ctx.options.providers.get(session.provider);
    if (!provider) return undefined;
    if (!(await this.ctx.options.terminator.destroyInstances(session, 'provisioner')).gone) return undefined;
    const next = await this.comparableOffer(session);
    if (!next) return undefined;
    const now = this.ctx.options.clock.now();
    // A pricier offer raises what the session may cost until its expiry: the budget must allow it,
    // checked and written together like a create (invariant 11).
    const pricing = movedPricing(session, next);
    const allowed = await this.moveWithinBudget(session, next, pricing, now, 'retrying');
    if (!allowed.ok) {
      this.ctx.logger.warn('auto-retry refused by the budget', { sessionId: session.id, offerId: next.id, error: allowed.err.message });
      return undefined;
    }
    const changes: SessionChanges = { ...(await this.movedOfferChanges(session, next, pricing, now)), attempt: session.attempt + 1 };
    const event = this.ctx.writer.event(session.id, 'attempt_failed', 'provisioner', `attempt ${session.attempt} on ${session.offerId} failed (${errorType}): ${message}; retrying on ${next.id}`, {
      attempt: session.attempt,
      offerId: session.offerId,
      errorType,
      nextOfferId: next.id,
    });
    // One compare-and-set against the attempt that failed: if anything changed, no retry (the caller ends it).
    const updated = await this.ctx.writer.update(session, () => decide.write(changes, [event], { guard: allowed.val }), 1);
    if (!updated.ok) return undefined;
    this.ctx.logger.info('retrying on a comparable offer', { sessionId: session.id, from: session.offerId, to: next.id, attempt: session.attempt + 1 });
    return this.creation.createAtProvider(updated.val, provider, false);
  }

  /**
   * The cheapest untried offer at the session's provider within the retry scope — for a spot
   * session, an interruptible one whose minimum bid is within the session's maximum bid.
   */
  /**
   * What any move onto `next` writes (an auto-retry or a reprovision): the offer and its pricing,
   * for spot the on-demand reference of its own GPU as listed now, no instance yet, the old offer
   * among those tried, and a fresh provisioning deadline within the hard max.
   */
  async movedOfferChanges(session: Session, next: Offer, pricing: ReturnType<typeof movedPricing>, now: Date): Promise<SessionChanges> {
    const deadline = Math.min(now.getTime() + this.ctx.options.timing[session.provider].provisioningTimeoutMs, session.hardMaxAt.getTime());
    return {
      offerId: next.id,
      gpuType: next.gpuType,
      gpuCount: next.gpuCount,
      ...pricing,
      ...(session.interruptible ? { onDemandPricePerHourMicros: await onDemandReferencePrice(this.ctx.options.inventory, next) } : {}),
      providerInstanceId: null,
      hostKeyFingerprint: null,
      triedOfferIds: [...session.triedOfferIds, session.offerId],
      provisioningDeadline: new Date(deadline),
    };
  }

  /**
   * Invariant 11 for a move to another offer (an auto-retry or a reprovision): the raise in the
   * session's remaining worst case must fit the consumer's headroom, checked as a create is. Answers
   * the guard the move's write must carry (none when nothing is raised).
   */
  async moveWithinBudget(session: Session, next: Offer, pricing: ReturnType<typeof movedPricing>, now: Date, doing: string): Promise<Result<CommitmentGuard | undefined, BudgetExceededError>> {
    const headroom = await this.ctx.budgets.headroom(session.consumerId);
    const raise = Math.max(0, remainingCommitment({ ...session, ...pricing }, now) - remainingCommitment(session, now));
    const allowed = this.ctx.budgets.check(headroom, raise, `${doing} on ${next.id} at ${formatUsd(pricing.pricePerHourMicros, 4)}/h`);
    return allowed.ok ? Ok(raise > 0 ? headroom.guard : undefined) : allowed;
  }

  async comparableOffer(session: Session): Promise<Offer | undefined> {
    const answer = await this.ctx.options.inventory.query({ provider: session.provider, sort: 'price', pricing: session.interruptible ? 'spot' : 'on-demand' });
    // A session on a template only moves to hosts that can run it; no template at hand, no retry.
    let template: VendorTemplate | null = null;
    if (session.templateHashId) {
      const found = await this.ctx.resolveTemplate(session.templateHashId);
      if (!found.ok || !found.val) return undefined;
      template = found.val;
    }
    const tried = new Set([...session.triedOfferIds, session.offerId]);
    const vram = findGpuSku(session.gpuType)?.vramGb ?? 0;
    // A spot session's price is bounded by its maximum bid (checked below), not by its current price.
    const within = (factor: number, offer: Offer) => session.interruptible || offer.pricePerHourMicros <= session.pricePerHourMicros * factor;
    const maxBid = session.maxBidPerHourMicros;
    return answer.offers.find((offer) => {
      if (tried.has(offer.id) || offer.gpuCount < session.gpuCount) return false;
      // A spot session moves only to an offer it may bid on: never on-demand, never above its maximum bid.
      if (session.interruptible && (offer.interruptible !== true || maxBid === null || offer.minBidPerHourMicros == null || offer.minBidPerHourMicros > maxBid)) return false;
      if (template && !offerSatisfiesTemplate(offer, template)) return false;
      switch (session.retryScope) {
        case 'same_gpu':
          return offer.gpuType === session.gpuType && within(1.2, offer);
        case 'same_vram':
          return offer.vramGbPerGpu >= vram && within(1.5, offer);
        case 'any':
          return offer.vramGbPerGpu >= vram && within(2, offer);
      }
    });
  }
}
