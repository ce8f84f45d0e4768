import { type AlreadyExistsError, type BudgetExceededError, type ConcurrentUpdateError, IdempotencyConflictError, NotFoundError, UnsupportedByProviderError, ValidationError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type Offer } from '../inventory/offer.js';
import { formatUsd, worstCaseCost } from '../money/money.js';
import { createSessionIntent } from '../sessions/new-session.js';
import { retryOnConcurrentUpdate } from '../sessions/session-writer.js';
import { type Session } from '../sessions/session.js';
import { describeRequirement, offerSatisfiesTemplate, unmetTemplateRequirements, type VendorTemplate } from '../templates/vendor-template.js';
import { onDemandReferencePrice, spotTermsFor } from './spot-terms.js';
import { type IdempotencyContext, type ProvisionError, type ProvisionedSession, type ProvisionRequest, type SagaContext } from './provisioning-options.js';

/**
 * Step 1 of the saga, at request time: validate everything and write the intent — the session row
 * (`pending`), its label and its encrypted key, fenced by the consumer's budget — before any
 * provider is called. With an idempotency context, the same key and request get the first answer.
 */
export class SessionIntents {
  constructor(private readonly ctx: SagaContext) {}

  /**
   * Validates the request and writes the session (`pending`). With an idempotency context, the same
   * key and request return the first answer (and the same key) instead of renting again.
   */
  async request(input: ProvisionRequest, idempotency?: IdempotencyContext, takeovers = 0): Promise<Result<ProvisionedSession, ProvisionError>> {
    if (!idempotency) return this.createIntent(input);
    const idem = this.ctx.options.repositories.idempotency;
    const now = this.ctx.options.clock.now();
    const reserved = await idem.reserve({
      scope: idempotency.scope,
      key: idempotency.key,
      requestHash: idempotency.requestHash,
      state: 'in_progress',
      responseStatus: null,
      responseBody: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (this.ctx.options.idempotencyTtlMs ?? 24 * 3_600_000)),
    });
    if (!reserved.reserved) return this.replay(input, idempotency, takeovers);

    // The reservation is completed in the same transaction that writes the session (see
    // createIntent): a crash leaves either both or an unfinished reservation with no session.
    const created = await this.createIntent(input, idempotency);
    if (!created.ok) {
      // Nothing was written: forget the key so a corrected retry with it can proceed.
      await idem.release(idempotency.scope, idempotency.key);
      return created;
    }
    return created;
  }

  private async replay(input: ProvisionRequest, idempotency: IdempotencyContext, takeovers: number): Promise<Result<ProvisionedSession, ProvisionError>> {
    const idem = this.ctx.options.repositories.idempotency;
    // A concurrent first request may still be writing: wait for it briefly.
    for (let i = 0; i < 100; i++) {
      const record = await idem.get(idempotency.scope, idempotency.key);
      if (!record) break;
      // An expired key is forgotten, as if it had never been used: the request runs anew.
      if (record.expiresAt.getTime() <= this.ctx.options.clock.now().getTime() && takeovers < 3) {
        await idem.release(idempotency.scope, idempotency.key, record.createdAt);
        return this.request(input, idempotency, takeovers + 1);
      }
      if (record.requestHash !== idempotency.requestHash) {
        return Err(new IdempotencyConflictError(idempotency.key, 'different_request'));
      }
      // Unfinished for longer than any request takes: its process died before writing the session
      // (completion is atomic with it), so nothing was created. Take the key over — only that
      // reservation, in case a concurrent retry already took it — and run the request again.
      const stale = record.state === 'in_progress' && this.ctx.options.clock.now().getTime() - record.createdAt.getTime() > (this.ctx.options.idempotencyLeaseMs ?? 30_000);
      if (stale && takeovers < 3) {
        this.ctx.logger.warn('taking over an idempotency key whose first request never finished', { key: idempotency.key });
        await idem.release(idempotency.scope, idempotency.key, record.createdAt);
        return this.request(input, idempotency, takeovers + 1);
      }
      if (record.state === 'completed' && record.responseBody) {
        const stored = JSON.parse(record.responseBody) as { sessionId: string; offer: Offer & { fetchedAt: string } };
        const session = await this.ctx.options.repositories.sessions.get(stored.sessionId);
        if (!session) return Err(new NotFoundError('session', stored.sessionId));
        // The key lives only as long as the session: once it ended, its secret is destroyed and a
        // replay answers without it (and says why) instead of keeping a copy in the record.
        const secret = await this.ctx.options.repositories.sessionSecrets.get(session.id);
        return Ok({
          session,
          offer: { ...stored.offer, fetchedAt: new Date(stored.offer.fetchedAt) },
          privateKey: secret === undefined ? null : this.ctx.options.cipher.decrypt(secret),
          privateKeyWithheld: secret === undefined ? `the session is ${session.status} and its private key was destroyed when it ended` : null,
          replayed: true,
        });
      }
      await this.ctx.sleep(20);
    }
    return Err(new IdempotencyConflictError(idempotency.key, 'in_progress'));
  }

  private async createIntent(input: ProvisionRequest, idempotency?: IdempotencyContext): Promise<Result<ProvisionedSession, ProvisionError>> {
    const template = await this.resolveTemplate(input.templateHashId);
    if (!template.ok) return template;
    const offer = await this.chooseOffer(input, template.val);
    if (!offer.ok) return offer;
    if (template.val) {
      const unmet = unmetTemplateRequirements(offer.val, template.val);
      if (unmet === 'other_provider') {
        return Err(new UnsupportedByProviderError(offer.val.provider, `templates (template ${template.val.hashId} is a ${template.val.provider} template)`));
      }
      if (unmet.length > 0) {
        const why = unmet.map(describeRequirement).join(', ');
        return Err(
          new ValidationError(`offer ${offer.val.id} does not meet the requirements of template ${template.val.hashId} (${template.val.name}): ${why}`, [
            { path: 'template_hash_id', message: `the offer's host does not meet ${why}; list compatible offers with GET /api/v1/inventory?template_hash_id=${template.val.hashId}` },
          ]),
        );
      }
    }
    if (input.storagePolicy === 'preserve' && !offer.val.capabilities.stopWithoutDestroy) {
      return Err(
        new UnsupportedByProviderError(
          offer.val.provider,
          'storage policy "preserve": it cannot stop an instance without destroying it; use "destroy", and copy what must be kept off the instance first (gpu-shopper transfer download)',
        ),
      );
    }
    if (input.templateHashId && !offer.val.capabilities.templates) {
      return Err(new UnsupportedByProviderError(offer.val.provider, 'templates'));
    }
    const spot = spotTermsFor(offer.val, input.pricing ?? 'on-demand', input.maxBidPerHourMicros, input.onPreempt);
    if (!spot.ok) return spot;
    if (!this.ctx.options.providers.has(offer.val.provider)) {
      return Err(new UnsupportedByProviderError(offer.val.provider, 'provisioning (the provider is not configured)'));
    }
    const consumer = await this.ensureConsumer(input.consumerId);
    if (!consumer.ok) return consumer;
    // What the instance bills: the offer's price, or the bid plus storage. A spot session's budget
    // counts its maximum bid (a reprovision may bid up to it) for every reserved hour.
    const price = spot.val ? spot.val.bidPerHourMicros + spot.val.storagePerHourMicros : offer.val.pricePerHourMicros;
    const worstRate = spot.val ? spot.val.maxBidPerHourMicros + spot.val.storagePerHourMicros : price;
    // A first look, before generating keys; the decisive check is repeated with the write below.
    const worstCase = worstCaseCost(worstRate, input.reservationHours);
    const action = spot.val
      ? `bidding on ${offer.val.id} at up to ${formatUsd(worstRate, 4)}/h (maximum bid plus storage) for ${input.reservationHours} h`
      : `renting ${offer.val.id} at ${formatUsd(price, 4)}/h for ${input.reservationHours} h`;
    const early = this.ctx.budgets.check(await this.ctx.budgets.headroom(input.consumerId), worstCase, action);
    if (!early.ok) return early;

    const onDemandPricePerHourMicros = spot.val ? await onDemandReferencePrice(this.ctx.options.inventory, offer.val) : null;
    const keys = await this.ctx.options.keys.generate();
    const now = this.ctx.options.clock.now();
    const sessionId = this.ctx.options.ids.next('session');
    const intent = createSessionIntent(
      {
        consumerId: input.consumerId,
        provider: offer.val.provider,
        offerId: offer.val.id,
        gpuType: offer.val.gpuType,
        gpuCount: offer.val.gpuCount,
        pricePerHourMicros: price,
        reservationHours: input.reservationHours,
        workloadType: input.workloadType,
        idleTimeoutMinutes: input.idleTimeoutMinutes,
        storagePolicy: input.storagePolicy,
        templateHashId: input.templateHashId ?? null,
        diskGb: input.diskGb ?? null,
        sshPublicKey: keys.publicKey,
        autoRetry: input.autoRetry ?? null,
        spot: spot.val && { bidPerHourMicros: spot.val.bidPerHourMicros, maxBidPerHourMicros: spot.val.maxBidPerHourMicros, onPreempt: spot.val.onPreempt, onDemandPricePerHourMicros },
      },
      {
        sessionId,
        eventId: this.ctx.options.ids.next('sessionEvent'),
        deploymentId: this.ctx.options.deploymentId,
        now,
        hardMaxHours: this.ctx.options.hardMaxHours,
        provisioningTimeoutMs: this.ctx.options.timing[offer.val.provider].provisioningTimeoutMs,
      },
    );
    if (!intent.ok) return intent;
    // The key (encrypted) is written with the row: never a session whose node the service cannot reach.
    const encryptedPrivateKey = this.ctx.options.cipher.encrypt(keys.privateKey);
    const completion = idempotency && {
      scope: idempotency.scope,
      key: idempotency.key,
      responseStatus: 201,
      // No key material here: a replay reads the session's own secret, which ends with the session.
      responseBody: JSON.stringify({ sessionId, offer: offer.val }),
    };
    // Budget check and write are one decision (invariant 11): the insert is fenced by the consumer's
    // commitment version, so a concurrent create or extend cannot spend the same headroom.
    // Still racing other commitments after 20 rounds: the caller may retry (409 CONCURRENT_UPDATE).
    const inserted = await retryOnConcurrentUpdate<Session, AlreadyExistsError | ConcurrentUpdateError | BudgetExceededError>(20, async () => {
      const headroom = await this.ctx.budgets.headroom(input.consumerId);
      const allowed = this.ctx.budgets.check(headroom, worstCase, action);
      if (!allowed.ok) return allowed;
      return this.ctx.options.repositories.sessions.insert(intent.val.session, intent.val.event, { encryptedPrivateKey }, completion, headroom.guard);
    });
    if (!inserted.ok) return Err(inserted.err);
    this.ctx.logger.info('session requested', { sessionId, provider: offer.val.provider, offerId: offer.val.id, consumerId: input.consumerId });
    return Ok({ session: inserted.val, offer: offer.val, privateKey: keys.privateKey, replayed: false });
  }

  /** The template a request names, checked before anything is chosen: an unknown hash is a 404, never "any host". */
  async resolveTemplate(hashId: string | null | undefined): Promise<Result<VendorTemplate | null, ProvisionError>> {
    if (!hashId) return Ok(null);
    if (!this.ctx.options.templates) return Err(new UnsupportedByProviderError('none configured', 'templates'));
    const found = await this.ctx.options.templates.get(hashId);
    return found.ok ? Ok(found.val) : Err(found.err);
  }

  private async chooseOffer(input: ProvisionRequest, template: VendorTemplate | null = null): Promise<Result<Offer, ValidationError | NotFoundError>> {
    if ((input.offerId === undefined) === (input.gpu === undefined)) {
      return Err(new ValidationError('give exactly one of offer_id or gpu', [{ path: 'offer_id', message: 'offer_id or gpu is required (not both)' }]));
    }
    if (input.offerId !== undefined) {
      const found = await this.ctx.options.inventory.getOffer(input.offerId);
      if (!found) return Err(new NotFoundError('offer', input.offerId));
      return Ok(found.offer);
    }
    // The pricing asked for decides which offers compete: a spot request picks the cheapest interruptible one.
    const answer = await this.ctx.options.inventory.query({
      gpu: input.gpu,
      sort: 'price',
      pricing: input.pricing ?? 'on-demand',
      ...(template ? { provider: template.provider } : {}),
    });
    // With a template, the cheapest offer whose host meets its requirements.
    // With a maximum bid, only spot offers whose minimum bid is within it compete.
    const maxBid = input.pricing === 'spot' ? input.maxBidPerHourMicros : null;
    const cheapest = answer.offers.find(
      (offer) =>
        this.ctx.options.providers.has(offer.provider) &&
        (template === null || offerSatisfiesTemplate(offer, template)) &&
        (maxBid == null || (offer.minBidPerHourMicros ?? Infinity) <= maxBid),
    );
    return cheapest ? Ok(cheapest) : Err(new NotFoundError('offer for GPU', input.gpu ?? ''));
  }

  /**
   * Consumer ids are the caller's own names ("my-app", "batch-job-7"): the first session an admin
   * provisions for an unknown id registers it, so costs and budgets have an owner. A disabled
   * consumer gets nothing new.
   */
  private async ensureConsumer(consumerId: string): Promise<Result<void, ValidationError>> {
    const existing = await this.ctx.options.repositories.consumers.get(consumerId);
    if (existing?.disabledAt) {
      return Err(new ValidationError(`consumer '${consumerId}' is disabled`, [{ path: 'consumer_id', message: 'disabled consumer' }]));
    }
    if (!existing) {
      // A concurrent first request may register it first: AlreadyExists is as good as created.
      await this.ctx.options.repositories.consumers.create({ id: consumerId, name: consumerId, createdAt: this.ctx.options.clock.now(), disabledAt: null });
      this.ctx.logger.info('consumer registered by its first session', { consumerId });
    }
    return Ok();
  }
}
