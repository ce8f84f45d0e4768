import { billingStart } from '../cost/billing.js';
import { type Offer } from '../inventory/offer.js';
import { type ProviderAdapter, type ProviderInstance } from '../ports/provider-adapter.js';
import { type ProviderError } from '../ports/provider-errors.js';
import { decide } from '../sessions/session-writer.js';
import { type Session, type SessionErrorType } from '../sessions/session.js';
import { type SagaContext } from './provisioning-options.js';

/**
 * Step 2 of the saga: send the create to the provider and record the instance id the moment it is
 * known — or, when the create's answer was lost or the saga resumes after a crash, find the
 * instance by its label and adopt it instead of creating a second one (invariant 8).
 */
export class InstanceCreation {
  constructor(private readonly ctx: SagaContext) {}

  /** Sends the create (or, when resuming, first looks for an instance with our label). */
  async createAtProvider(session: Session, provider: ProviderAdapter, resuming: boolean): Promise<Session> {
    if (resuming) {
      const found = await this.findByLabel(session, provider);
      if (found) return this.adoptInstance(session, provider, found);
    }
    const offer = await this.ctx.options.inventory.getOffer(session.offerId);
    if (!offer) {
      return this.ctx.fail(session, 'offer_unavailable', `offer ${session.offerId} is no longer listed`);
    }
    await this.ctx.writer.note(session.id, 'provider_create_sent', 'provisioner', `create sent to ${session.provider}`, { offerId: session.offerId });
    const privateKeyCipher = await this.ctx.options.repositories.sessionSecrets.get(session.id);
    if (!privateKeyCipher || !session.sshPublicKey) return this.ctx.fail(session, 'internal', 'the session key is missing');
    // Vendors bill from the create request: the ledger starts when it was sent, not when it answered.
    const sentAt = this.ctx.options.clock.now();
    const created = await provider.createInstance({
      offer: offer.offer,
      label: session.label,
      sshPublicKey: session.sshPublicKey,
      workloadType: session.workloadType,
      storagePolicy: session.storagePolicy,
      templateHashId: session.templateHashId,
      diskGb: session.diskGb,
      onStartScript: null,
      // A spot session rents with its bid; on-demand sends none.
      bidPricePerHourMicros: session.interruptible ? session.bidPerHourMicros : null,
    });
    if (created.ok) {
      // Rented: the next `gpu` request must not pick the same offer from the cache before the
      // provider's listing says whether any capacity is left; a request naming it re-lists it.
      this.ctx.options.inventory.markRented(offer.offer.id);
      return this.recordInstance(session, created.val.providerInstanceId, created.val.requestSentAt ?? sentAt, created.val.pricePerHourMicros);
    }
    return this.handleCreateError(session, provider, offer.offer, created.err);
  }

  private async handleCreateError(session: Session, provider: ProviderAdapter, offer: Offer, error: ProviderError): Promise<Session> {
    if (error.code === 'PROVIDER_UNKNOWN_OUTCOME') {
      // Maybe created: find it by label before anything else; never create a second one (invariant 8).
      for (let attempt = 0; attempt < 3; attempt++) {
        const found = await this.findByLabel(session, provider);
        if (found) return this.adoptInstance(session, provider, found);
        await this.ctx.sleep(this.ctx.options.pollIntervalMs ?? 5000);
      }
      return this.ctx.fail(session, 'unknown_create_outcome', error.message);
    }
    if (error.code === 'PROVIDER_OFFER_UNAVAILABLE') {
      this.ctx.options.inventory.evictOffer(offer.id);
      await this.ctx.recordOfferFailure(session, 'offer_unavailable', error.message, offer);
      return this.ctx.fail(session, 'offer_unavailable', error.message);
    }
    const type: SessionErrorType =
      error.code === 'PROVIDER_AUTH_FAILED' ? 'provider_auth' : error.code === 'PROVIDER_RATE_LIMITED' ? 'rate_limited' : 'provider_error';
    await this.ctx.recordOfferFailure(session, 'provider_error', error.message, offer);
    return this.ctx.fail(session, type, error.message);
  }

  /**
   * Takes over an instance found by label (its create's answer was lost): records it, and makes sure
   * the session key is on it — the lost create may have stopped before the vendor's key step. A
   * failure to install the key is not fatal here: SSH verification decides.
   */
  private async adoptInstance(session: Session, provider: ProviderAdapter, found: ProviderInstance): Promise<Session> {
    // Asked when the session entered provisioning, just before the create was sent.
    const recorded = await this.recordInstance(session, found.providerInstanceId, billingStart(session.statusChangedAt, [found.startedAt]));
    if (provider.ensureSshKey && session.sshPublicKey) {
      const installed = await provider.ensureSshKey(found.providerInstanceId, session.sshPublicKey);
      if (!installed.ok) this.ctx.logger.warn('could not install the session key on the adopted instance', { sessionId: session.id, error: installed.err.message });
    }
    return recorded;
  }

  private async findByLabel(session: Session, provider: ProviderAdapter): Promise<ProviderInstance | undefined> {
    const listed = await provider.listInstances(session.label);
    return listed.ok ? listed.val.find((instance) => instance.label === session.label) : undefined;
  }

  /** Stores the provider id the moment it is known, whatever else changed meanwhile (a stop needs it). */
  private async recordInstance(session: Session, providerInstanceId: string, startedAt: Date | null, pricePerHourMicros?: number | null): Promise<Session> {
    // After a preemption the ledger already holds the earlier instances' seconds (priorBilledSeconds):
    // the billing start is set that many seconds before the new create, so accrual goes on from the
    // new instance's start at its own price, one high-water mark for the whole session.
    const recorded = await this.ctx.writer.update(session, (current) =>
      decide.write(
        {
          providerInstanceId,
          // Vendors bill from creation: cost accrues from here (invariant 10).
          billingStartedAt: current.billingStartedAt ?? new Date((startedAt ?? this.ctx.options.clock.now()).getTime() - current.priorBilledSeconds * 1000),
          ...(pricePerHourMicros ? { pricePerHourMicros } : {}),
        },
        [this.ctx.writer.event(current.id, 'provider_instance_recorded', 'provisioner', `instance ${providerInstanceId} created`, { providerInstanceId })],
      ),
    );
    // Thrown: the saga's run ends the session (and the label finds the instance to destroy).
    if (!recorded.ok) throw recorded.err;
    return recorded.val;
  }
}
