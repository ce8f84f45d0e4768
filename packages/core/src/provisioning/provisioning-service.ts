import { BudgetCommitments, remainingCommitment } from '../consumers/budget-commitments.js';
import { billingStart } from '../cost/billing.js';
import {
  type AlreadyExistsError,
  type BudgetExceededError,
  IdempotencyConflictError,
  type ConcurrentUpdateError,
  NotFoundError,
  type SafetyLimitExceededError,
  UnsupportedByProviderError,
  ValidationError,
} from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type IdGenerator } from '../ids/ids.js';
import { type InventoryService } from '../inventory/inventory-service.js';
import { type OfferFailureType } from '../inventory/offer-failure.js';
import { type OfferFailureTracker } from '../inventory/offer-failure-tracker.js';
import { type Offer } from '../inventory/offer.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { formatUsd, worstCaseCost } from '../money/money.js';
import { type ProviderAdapter, type ProviderInstance } from '../ports/provider-adapter.js';
import { type ProviderError } from '../ports/provider-errors.js';
import { type Repositories } from '../ports/repositories.js';
import { type NodeReadinessProbe, type SecretCipher, type SshKeyGenerator } from '../ports/session-access.js';
import { type ProviderName } from '../providers/provider-name.js';
import { createSessionIntent } from '../sessions/new-session.js';
import { type SessionActor, type SessionTrigger } from '../sessions/session-state-machine.js';
import { decide, retryOnConcurrentUpdate, SessionWriter } from '../sessions/session-writer.js';
import {
  retriesOnAnotherOffer,
  type RetryScope,
  type Session,
  type SessionChanges,
  type SessionErrorType,
  type StoragePolicy,
  type WorkloadType,
} from '../sessions/session.js';
import { type TemplateService } from '../templates/template-service.js';
import { describeRequirement, offerSatisfiesTemplate, unmetTemplateRequirements, type VendorTemplate } from '../templates/vendor-template.js';
import { type Clock } from '../time/clock.js';
import { findGpuSku } from '../gpu/index.js';
import { type SessionTerminator } from './session-terminator.js';

/** Per-provider timing: how long to wait before the first SSH attempt, and the provisioning deadline. */
export interface ProviderTiming {
  /** TensorDock rewrites authorized_keys and restarts sshd in the first ~90 s; Blue Lobster upgrades for minutes. */
  readonly sshInitialDelayMs: number;
  /** From session creation to `running`; never shorter than the SSH wait plus readiness. */
  readonly provisioningTimeoutMs: number;
}

export interface ProvisioningServiceOptions {
  readonly repositories: Repositories;
  readonly providers: ReadonlyMap<ProviderName, ProviderAdapter>;
  readonly inventory: InventoryService;
  readonly terminator: SessionTerminator;
  readonly keys: SshKeyGenerator;
  readonly cipher: SecretCipher;
  readonly readiness: NodeReadinessProbe;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly deploymentId: string;
  readonly hardMaxHours: number;
  readonly timing: Readonly<Record<ProviderName, ProviderTiming>>;
  readonly failures?: OfferFailureTracker;
  /** Vendor templates: a session naming one must land on a host that meets its requirements. */
  readonly templates?: TemplateService;
  readonly logger?: Logger;
  /** Pause between instance status polls and readiness checks. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Consecutive successful readiness checks required (sshd can restart mid-upgrade). @default 2 */
  readonly readinessConsecutive?: number;
  /** Consecutive SSH key rejections after which the host is given up. @default 3 */
  readonly maxAuthFailures?: number;
  /** How long an idempotency key is remembered. @default 24 h */
  readonly idempotencyTtlMs?: number;
  /** A reservation unfinished for longer than this belongs to a request that died. @default 30 s */
  readonly idempotencyLeaseMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ProvisionRequest {
  readonly consumerId: string;
  /** One of offerId or gpu: a specific offer, or the cheapest available offer of that GPU. */
  readonly offerId?: string;
  readonly gpu?: string;
  readonly reservationHours: number;
  readonly workloadType: WorkloadType;
  readonly idleTimeoutMinutes: number;
  readonly storagePolicy: StoragePolicy;
  readonly templateHashId?: string | null;
  readonly diskGb?: number | null;
  readonly onStartScript?: string | null;
  /** Attempts in all (2–10 turns auto-retry on) and how far a retry may stray from the offer. */
  readonly autoRetry?: { readonly maxAttempts: number; readonly scope: RetryScope } | null;
}

export interface ProvisionedSession {
  readonly session: Session;
  readonly offer: Offer;
  /** Shown once; null when the answer is a replay whose key is no longer retained. */
  readonly privateKey: string | null;
  /** Why a replay carries no key (the session ended and its key was destroyed); null otherwise. */
  readonly privateKeyWithheld?: string | null;
  /** True when this answers a repeated idempotency key (no new session was created). */
  readonly replayed: boolean;
}

/**
 * Whose idempotency keys these are, by kind: a consumer's own, the admin's, or a service's
 * (`runner:benchmark`). The kind prefix keeps a consumer named `admin` from sharing the admin's keys.
 */
export type IdempotencyScope = `consumer:${string}` | 'admin:' | `runner:${string}`;

export function idempotencyScope(principal: { readonly role: 'admin' } | { readonly role: 'consumer'; readonly consumerId: string }): IdempotencyScope {
  return principal.role === 'admin' ? 'admin:' : `consumer:${principal.consumerId}`;
}

export interface IdempotencyContext {
  readonly scope: IdempotencyScope;
  readonly key: string;
  /** Hash of the request: the same key with a different request is refused. */
  readonly requestHash: string;
}

export type ProvisionError =
  | ValidationError
  | NotFoundError
  | SafetyLimitExceededError
  | UnsupportedByProviderError
  | BudgetExceededError
  | AlreadyExistsError
  | ConcurrentUpdateError
  | IdempotencyConflictError
  | ProviderError;

/** Waits `ms`, cut short by `signal`; the abort listener is removed either way (a saga polls for minutes on one signal). */
const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });


/** Instance states that mean "still coming up": keep waiting. Anything else not running fails fast. */
const COMING_UP = new Set(['creating', 'starting', 'unknown']);

/**
 * The provisioning saga. `request` validates everything and writes the intent (session row, label,
 * key) before any provider call; `run` then drives the session to `running` step by step — create,
 * record the provider id at once, wait for the instance, verify SSH and readiness — each step a
 * compare-and-set transition with an event. `run` can be re-entered after a crash at any point.
 * Every failure ends in verified destruction through the terminator.
 */
export class ProvisioningService {
  private readonly logger: Logger;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  private readonly budgets: BudgetCommitments;
  private readonly writer: SessionWriter;

  constructor(private readonly options: ProvisioningServiceOptions) {
    this.writer = new SessionWriter({ sessions: options.repositories.sessions, clock: options.clock, ids: options.ids });
    this.logger = (options.logger ?? noopLogger).child({ component: 'provisioning' });
    this.sleep = options.sleep ?? defaultSleep;
    this.budgets = new BudgetCommitments({ repositories: options.repositories, clock: options.clock });
  }

  /**
   * Validates the request and writes the session (`pending`). With an idempotency context, the same
   * key and request return the first answer (and the same key) instead of renting again.
   */
  async request(input: ProvisionRequest, idempotency?: IdempotencyContext, takeovers = 0): Promise<Result<ProvisionedSession, ProvisionError>> {
    if (!idempotency) return this.createIntent(input);
    const idem = this.options.repositories.idempotency;
    const now = this.options.clock.now();
    const reserved = await idem.reserve({
      scope: idempotency.scope,
      key: idempotency.key,
      requestHash: idempotency.requestHash,
      state: 'in_progress',
      responseStatus: null,
      responseBody: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (this.options.idempotencyTtlMs ?? 24 * 3_600_000)),
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
    const idem = this.options.repositories.idempotency;
    // A concurrent first request may still be writing: wait for it briefly.
    for (let i = 0; i < 100; i++) {
      const record = await idem.get(idempotency.scope, idempotency.key);
      if (!record) break;
      // An expired key is forgotten, as if it had never been used: the request runs anew.
      if (record.expiresAt.getTime() <= this.options.clock.now().getTime() && takeovers < 3) {
        await idem.release(idempotency.scope, idempotency.key, record.createdAt);
        return this.request(input, idempotency, takeovers + 1);
      }
      if (record.requestHash !== idempotency.requestHash) {
        return Err(new IdempotencyConflictError(idempotency.key, 'different_request'));
      }
      // Unfinished for longer than any request takes: its process died before writing the session
      // (completion is atomic with it), so nothing was created. Take the key over — only that
      // reservation, in case a concurrent retry already took it — and run the request again.
      const stale = record.state === 'in_progress' && this.options.clock.now().getTime() - record.createdAt.getTime() > (this.options.idempotencyLeaseMs ?? 30_000);
      if (stale && takeovers < 3) {
        this.logger.warn('taking over an idempotency key whose first request never finished', { key: idempotency.key });
        await idem.release(idempotency.scope, idempotency.key, record.createdAt);
        return this.request(input, idempotency, takeovers + 1);
      }
      if (record.state === 'completed' && record.responseBody) {
        const stored = JSON.parse(record.responseBody) as { sessionId: string; offer: Offer & { fetchedAt: string } };
        const session = await this.options.repositories.sessions.get(stored.sessionId);
        if (!session) return Err(new NotFoundError('session', stored.sessionId));
        // The key lives only as long as the session: once it ended, its secret is destroyed and a
        // replay answers without it (and says why) instead of keeping a copy in the record.
        const secret = await this.options.repositories.sessionSecrets.get(session.id);
        return Ok({
          session,
          offer: { ...stored.offer, fetchedAt: new Date(stored.offer.fetchedAt) },
          privateKey: secret === undefined ? null : this.options.cipher.decrypt(secret),
          privateKeyWithheld: secret === undefined ? `the session is ${session.status} and its private key was destroyed when it ended` : null,
          replayed: true,
        });
      }
      await this.sleep(20);
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
    if (!this.options.providers.has(offer.val.provider)) {
      return Err(new UnsupportedByProviderError(offer.val.provider, 'provisioning (the provider is not configured)'));
    }
    const consumer = await this.ensureConsumer(input.consumerId);
    if (!consumer.ok) return consumer;
    // A first look, before generating keys; the decisive check is repeated with the write below.
    const worstCase = worstCaseCost(offer.val.pricePerHourMicros, input.reservationHours);
    const action = `renting ${offer.val.id} at ${formatUsd(offer.val.pricePerHourMicros, 4)}/h for ${input.reservationHours} h`;
    const early = this.budgets.check(await this.budgets.headroom(input.consumerId), worstCase, action);
    if (!early.ok) return early;

    const keys = await this.options.keys.generate();
    const now = this.options.clock.now();
    const sessionId = this.options.ids.next('session');
    const intent = createSessionIntent(
      {
        consumerId: input.consumerId,
        provider: offer.val.provider,
        offerId: offer.val.id,
        gpuType: offer.val.gpuType,
        gpuCount: offer.val.gpuCount,
        pricePerHourMicros: offer.val.pricePerHourMicros,
        reservationHours: input.reservationHours,
        workloadType: input.workloadType,
        idleTimeoutMinutes: input.idleTimeoutMinutes,
        storagePolicy: input.storagePolicy,
        templateHashId: input.templateHashId ?? null,
        diskGb: input.diskGb ?? null,
        sshPublicKey: keys.publicKey,
        autoRetry: input.autoRetry ?? null,
      },
      {
        sessionId,
        eventId: this.options.ids.next('sessionEvent'),
        deploymentId: this.options.deploymentId,
        now,
        hardMaxHours: this.options.hardMaxHours,
        provisioningTimeoutMs: this.options.timing[offer.val.provider].provisioningTimeoutMs,
      },
    );
    if (!intent.ok) return intent;
    // The key (encrypted) is written with the row: never a session whose node the service cannot reach.
    const encryptedPrivateKey = this.options.cipher.encrypt(keys.privateKey);
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
      const headroom = await this.budgets.headroom(input.consumerId);
      const allowed = this.budgets.check(headroom, worstCase, action);
      if (!allowed.ok) return allowed;
      return this.options.repositories.sessions.insert(intent.val.session, intent.val.event, { encryptedPrivateKey }, completion, headroom.guard);
    });
    if (!inserted.ok) return Err(inserted.err);
    this.logger.info('session requested', { sessionId, provider: offer.val.provider, offerId: offer.val.id, consumerId: input.consumerId });
    return Ok({ session: inserted.val, offer: offer.val, privateKey: keys.privateKey, replayed: false });
  }

  /** The template a request names, checked before anything is chosen: an unknown hash is a 404, never "any host". */
  private async resolveTemplate(hashId: string | null | undefined): Promise<Result<VendorTemplate | null, ProvisionError>> {
    if (!hashId) return Ok(null);
    if (!this.options.templates) return Err(new UnsupportedByProviderError('none configured', 'templates'));
    const found = await this.options.templates.get(hashId);
    return found.ok ? Ok(found.val) : Err(found.err);
  }

  private async chooseOffer(input: ProvisionRequest, template: VendorTemplate | null = null): Promise<Result<Offer, ValidationError | NotFoundError>> {
    if ((input.offerId === undefined) === (input.gpu === undefined)) {
      return Err(new ValidationError('give exactly one of offer_id or gpu', [{ path: 'offer_id', message: 'offer_id or gpu is required (not both)' }]));
    }
    if (input.offerId !== undefined) {
      const found = await this.options.inventory.getOffer(input.offerId);
      if (!found) return Err(new NotFoundError('offer', input.offerId));
      return Ok(found.offer);
    }
    const answer = await this.options.inventory.query({ gpu: input.gpu, sort: 'price', ...(template ? { provider: template.provider } : {}) });
    // With a template, the cheapest offer whose host meets its requirements.
    const cheapest = answer.offers.find((offer) => this.options.providers.has(offer.provider) && (template === null || offerSatisfiesTemplate(offer, template)));
    return cheapest ? Ok(cheapest) : Err(new NotFoundError('offer for GPU', input.gpu ?? ''));
  }

  /**
   * Consumer ids are the caller's own names ("my-app", "batch-job-7"): the first session an admin
   * provisions for an unknown id registers it, so costs and budgets have an owner. A disabled
   * consumer gets nothing new.
   */
  private async ensureConsumer(consumerId: string): Promise<Result<void, ValidationError>> {
    const existing = await this.options.repositories.consumers.get(consumerId);
    if (existing?.disabledAt) {
      return Err(new ValidationError(`consumer '${consumerId}' is disabled`, [{ path: 'consumer_id', message: 'disabled consumer' }]));
    }
    if (!existing) {
      // A concurrent first request may register it first: AlreadyExists is as good as created.
      await this.options.repositories.consumers.create({ id: consumerId, name: consumerId, createdAt: this.options.clock.now(), disabledAt: null });
      this.logger.info('consumer registered by its first session', { consumerId });
    }
    return Ok();
  }

  /**
   * Drives a session to `running`, or to verified destruction on failure. Safe to call again for the
   * same session after a restart: each step looks at what is already recorded.
   */
  async run(sessionId: string, signal?: AbortSignal): Promise<Session | undefined> {
    let session = await this.options.repositories.sessions.get(sessionId);
    if (!session) return undefined;
    const log = this.logger.child({ sessionId, provider: session.provider });
    const provider = this.options.providers.get(session.provider);
    if (!provider) {
      return this.fail(session, 'provider_error', `provider ${session.provider} is not configured`);
    }
    try {
      if (session.status === 'pending') {
        const next = await this.transition(session, 'request_create', 'provisioner', 'creating the instance');
        if (!next) return this.options.repositories.sessions.get(sessionId);
        session = next;
        session = await this.createAtProvider(session, provider, false);
      } else if (session.status === 'provisioning' && !session.providerInstanceId) {
        // Resumed after a crash between asking and recording: the create may have happened.
        session = await this.createAtProvider(session, provider, true);
      }
      if (session.status !== 'provisioning') return session;
      return await this.waitUntilRunning(session, provider, signal);
    } catch (error) {
      const current = await this.options.repositories.sessions.get(sessionId);
      if (signal?.aborted) {
        // Shutdown, not failure (an aborted wait throws): the session stays as recorded and startup
        // recovery resumes it. Stopping the server never destroys a workload (invariant 9).
        log.info('provisioning saga stopped by shutdown; it resumes on the next start', { status: current?.status });
        return current;
      }
      log.error('provisioning stopped by an unexpected error', { error });
      return current && current.status === 'provisioning' ? this.fail(current, 'internal', error instanceof Error ? error.message : String(error)) : current;
    }
  }

  /** Sends the create (or, when resuming, first looks for an instance with our label). */
  private async createAtProvider(session: Session, provider: ProviderAdapter, resuming: boolean): Promise<Session> {
    if (resuming) {
      const found = await this.findByLabel(session, provider);
      if (found) return this.adoptInstance(session, provider, found);
    }
    const offer = await this.options.inventory.getOffer(session.offerId);
    if (!offer) {
      return this.fail(session, 'offer_unavailable', `offer ${session.offerId} is no longer listed`);
    }
    await this.note(session, 'provider_create_sent', `create sent to ${session.provider}`, { offerId: session.offerId });
    const privateKeyCipher = await this.options.repositories.sessionSecrets.get(session.id);
    if (!privateKeyCipher || !session.sshPublicKey) return this.fail(session, 'internal', 'the session key is missing');
    // Vendors bill from the create request: the ledger starts when it was sent, not when it answered.
    const sentAt = this.options.clock.now();
    const created = await provider.createInstance({
      offer: offer.offer,
      label: session.label,
      sshPublicKey: session.sshPublicKey,
      workloadType: session.workloadType,
      storagePolicy: session.storagePolicy,
      templateHashId: session.templateHashId,
      diskGb: session.diskGb,
      onStartScript: null,
    });
    if (created.ok) {
      // Rented: the next `gpu` request must not pick the same offer from the cache before the
      // provider's listing says whether any capacity is left; a request naming it re-lists it.
      this.options.inventory.markRented(offer.offer.id);
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
        await this.sleep(this.options.pollIntervalMs ?? 5000);
      }
      return this.fail(session, 'unknown_create_outcome', error.message);
    }
    if (error.code === 'PROVIDER_OFFER_UNAVAILABLE') {
      this.options.inventory.evictOffer(offer.id);
      await this.recordOfferFailure(session, offer, 'offer_unavailable', error.message);
      return this.fail(session, 'offer_unavailable', error.message);
    }
    const type: SessionErrorType =
      error.code === 'PROVIDER_AUTH_FAILED' ? 'provider_auth' : error.code === 'PROVIDER_RATE_LIMITED' ? 'rate_limited' : 'provider_error';
    await this.recordOfferFailure(session, offer, 'provider_error', error.message);
    return this.fail(session, type, error.message);
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
      if (!installed.ok) this.logger.warn('could not install the session key on the adopted instance', { sessionId: session.id, error: installed.err.message });
    }
    return recorded;
  }

  private async findByLabel(session: Session, provider: ProviderAdapter): Promise<ProviderInstance | undefined> {
    const listed = await provider.listInstances(session.label);
    return listed.ok ? listed.val.find((instance) => instance.label === session.label) : undefined;
  }

  /** Stores the provider id the moment it is known, whatever else changed meanwhile (a stop needs it). */
  private async recordInstance(session: Session, providerInstanceId: string, startedAt: Date | null, pricePerHourMicros?: number | null): Promise<Session> {
    const recorded = await this.writer.update(session, (current) =>
      decide.write(
        {
          providerInstanceId,
          // Vendors bill from creation: cost accrues from here (invariant 10).
          billingStartedAt: current.billingStartedAt ?? startedAt ?? this.options.clock.now(),
          ...(pricePerHourMicros ? { pricePerHourMicros } : {}),
        },
        [this.writer.event(current.id, 'provider_instance_recorded', 'provisioner', `instance ${providerInstanceId} created`, { providerInstanceId })],
      ),
    );
    // Thrown: the saga's run ends the session (and the label finds the instance to destroy).
    if (!recorded.ok) throw recorded.err;
    return recorded.val;
  }

  private async waitUntilRunning(initial: Session, provider: ProviderAdapter, signal?: AbortSignal): Promise<Session> {
    let session = initial;
    const timing = this.options.timing[session.provider];
    const interval = this.options.pollIntervalMs ?? 5000;
    let readySince = 0;
    let authFailures = 0;
    let lastNotReadyReason: string | null = null;
    let firstSshAttemptAt: number | null = null;
    /** A failed attempt either ends the session or, with auto-retry, starts the next attempt. */
    const failed = async (errorType: SessionErrorType, message: string): Promise<Session | undefined> => {
      // A check cut short by shutdown is no verdict on the instance: step back, never destroy (invariant 9).
      if (signal?.aborted) return session;
      const next = await this.fail(session, errorType, message);
      if (next.status !== 'provisioning') return next;
      session = next;
      readySince = 0;
      authFailures = 0;
      firstSshAttemptAt = null;
      return undefined;
    };

    for (;;) {
      if (signal?.aborted) return session;
      const fresh = await this.options.repositories.sessions.get(session.id);
      // Someone else (a stop, the lifecycle) took over: the saga steps back.
      if (!fresh || fresh.status !== 'provisioning') return fresh ?? session;
      session = fresh;
      const now = this.options.clock.now();
      if (now.getTime() > session.provisioningDeadline.getTime()) {
        const done = await failed('provisioning_timeout', `not ready within the provisioning deadline (${session.provisioningDeadline.toISOString()})`);
        if (done) return done;
        continue;
      }
      const providerInstanceId = session.providerInstanceId;
      if (!providerInstanceId) {
        const done = await failed('internal', 'no provider instance recorded');
        if (done) return done;
        continue;
      }

      const read = await provider.getInstance(providerInstanceId, signal);
      if (!read.ok) {
        if (read.err.code === 'PROVIDER_NOT_FOUND') {
          const done = await failed('instance_vanished', 'the provider no longer knows the instance');
          if (done) return done;
          continue;
        }
        await this.sleep(interval, signal);
        continue;
      }
      const instance = read.val;
      if (instance.state !== 'running') {
        if (!COMING_UP.has(instance.state)) {
          await this.recordOfferFailureById(session, 'instance_stopped', `instance is ${instance.state}`);
          const done = await failed('instance_stopped', `the instance is ${instance.state} before it ever ran`);
          if (done) return done;
          continue;
        }
        await this.sleep(interval, signal);
        continue;
      }
      if (!instance.ssh) {
        await this.sleep(interval, signal);
        continue;
      }
      firstSshAttemptAt ??= now.getTime();
      if (now.getTime() - firstSshAttemptAt < timing.sshInitialDelayMs) {
        await this.sleep(Math.min(interval, timing.sshInitialDelayMs), signal);
        continue;
      }
      const cipher = await this.options.repositories.sessionSecrets.get(session.id);
      if (!cipher) {
        const done = await failed('internal', 'the session key is missing');
        if (done) return done;
        continue;
      }
      const check = await this.options.readiness.check(
        { ...instance.ssh, privateKey: this.options.cipher.decrypt(cipher), hostKeyFingerprint: session.hostKeyFingerprint },
        signal,
      );
      if (!check.ok) {
        readySince = 0;
        if (check.err.kind === 'auth') {
          authFailures++;
          if (authFailures >= (this.options.maxAuthFailures ?? 3)) {
            await this.recordOfferFailureById(session, 'ssh_auth_failed', check.err.message);
            const done = await failed('ssh_auth_failed', `the node rejected the session key ${authFailures} times`);
            if (done) return done;
            continue;
          }
        } else if (!check.err.retryable) {
          const done = await failed('ssh_timeout', check.err.message);
          if (done) return done;
          continue;
        }
        await this.sleep(interval, signal);
        continue;
      }
      authFailures = 0;
      if (!check.val.ready) {
        readySince = 0;
        // Once per distinct reason: "package manager lock held" for ten minutes is one line, not a hundred.
        if (check.val.reason !== lastNotReadyReason) {
          lastNotReadyReason = check.val.reason;
          this.logger.info('node reachable, not ready yet', { sessionId: session.id, reason: check.val.reason });
        }
        await this.sleep(interval, signal);
        continue;
      }
      readySince++;
      if (readySince < (this.options.readinessConsecutive ?? 2)) {
        await this.sleep(interval, signal);
        continue;
      }
      const running = await this.transition(session, 'verify_ready', 'provisioner', 'SSH verified and the node is ready', {
        sshHost: instance.ssh.host,
        sshPort: instance.ssh.port,
        sshUser: instance.ssh.user,
        hostKeyFingerprint: check.val.hostKeyFingerprint ?? session.hostKeyFingerprint,
      });
      if (running) {
        this.logger.info('session running', { sessionId: session.id, provider: session.provider });
        return running;
      }
    }
  }

  /**
   * Auto-retry: destroys this attempt's instance (verified), moves the session to the next comparable
   * offer at the same provider — same session id, label and key — and sends the create. Returns
   * undefined when no further attempt is possible, so the caller ends the session.
   */
  private async retryElsewhere(session: Session, errorType: SessionErrorType, message: string): Promise<Session | undefined> {
    const provider = this.options.providers.get(session.provider);
    if (!provider) return undefined;
    if (!(await this.options.terminator.destroyInstances(session, 'provisioner')).gone) return undefined;
    const next = await this.comparableOffer(session);
    if (!next) return undefined;
    const now = this.options.clock.now();
    // A pricier offer raises what the session may cost until its expiry: the budget must allow it,
    // checked and written together like a create (invariant 11).
    const headroom = await this.budgets.headroom(session.consumerId);
    const raise = Math.max(0, remainingCommitment({ ...session, pricePerHourMicros: next.pricePerHourMicros }, now) - remainingCommitment(session, now));
    const allowed = this.budgets.check(headroom, raise, `retrying on ${next.id} at ${formatUsd(next.pricePerHourMicros, 4)}/h`);
    if (!allowed.ok) {
      this.logger.warn('auto-retry refused by the budget', { sessionId: session.id, offerId: next.id, error: allowed.err.message });
      return undefined;
    }
    const deadline = Math.min(now.getTime() + this.options.timing[session.provider].provisioningTimeoutMs, session.hardMaxAt.getTime());
    const changes: SessionChanges = {
      offerId: next.id,
      gpuType: next.gpuType,
      gpuCount: next.gpuCount,
      pricePerHourMicros: next.pricePerHourMicros,
      providerInstanceId: null,
      hostKeyFingerprint: null,
      attempt: session.attempt + 1,
      triedOfferIds: [...session.triedOfferIds, session.offerId],
      provisioningDeadline: new Date(deadline),
    };
    const event = this.writer.event(session.id, 'attempt_failed', 'provisioner', `attempt ${session.attempt} on ${session.offerId} failed (${errorType}): ${message}; retrying on ${next.id}`, {
      attempt: session.attempt,
      offerId: session.offerId,
      errorType,
      nextOfferId: next.id,
    });
    // One compare-and-set against the attempt that failed: if anything changed, no retry (the caller ends it).
    const updated = await this.writer.update(session, () => decide.write(changes, [event], { guard: raise > 0 ? headroom.guard : undefined }), 1);
    if (!updated.ok) return undefined;
    this.logger.info('retrying on a comparable offer', { sessionId: session.id, from: session.offerId, to: next.id, attempt: session.attempt + 1 });
    return this.createAtProvider(updated.val, provider, false);
  }

  /** The cheapest untried offer at the session's provider within the retry scope. */
  private async comparableOffer(session: Session): Promise<Offer | undefined> {
    const answer = await this.options.inventory.query({ provider: session.provider, sort: 'price' });
    // A session on a template only moves to hosts that can run it; no template at hand, no retry.
    let template: VendorTemplate | null = null;
    if (session.templateHashId) {
      const found = await this.resolveTemplate(session.templateHashId);
      if (!found.ok || !found.val) return undefined;
      template = found.val;
    }
    const tried = new Set([...session.triedOfferIds, session.offerId]);
    const vram = findGpuSku(session.gpuType)?.vramGb ?? 0;
    const within = (factor: number, offer: Offer) => offer.pricePerHourMicros <= session.pricePerHourMicros * factor;
    return answer.offers.find((offer) => {
      if (tried.has(offer.id) || offer.gpuCount < session.gpuCount) return false;
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

  private async fail(session: Session, errorType: SessionErrorType, message: string): Promise<Session> {
    if (session.status === 'provisioning' && session.autoRetry && session.attempt < session.maxAttempts && retriesOnAnotherOffer(errorType)) {
      const retried = await this.retryElsewhere(session, errorType, message);
      if (retried) return retried;
    }
    this.logger.warn('provisioning failed', { sessionId: session.id, provider: session.provider, errorType, error: message });
    const stopped = await this.options.terminator.stop(session.id, {
      actor: 'provisioner',
      reason: message,
      stopReason: errorType === 'provisioning_timeout' ? 'provisioning_timeout' : 'provisioning_failed',
      errorType,
      errorMessage: message,
    });
    return stopped.ok ? stopped.val : ((await this.options.repositories.sessions.get(session.id)) ?? session);
  }

  private async transition(session: Session, trigger: SessionTrigger, actor: SessionActor, reason: string, changes: SessionChanges = {}): Promise<Session | undefined> {
    const plan = this.writer.transition(session, { trigger, actor, reason, changes });
    if (!plan.ok) return undefined;
    // A saga step is taken on the state it saw, or not at all: a lost race means someone else moved it.
    const updated = await this.writer.update(session, () => decide.transition(plan.val), 1);
    return updated.ok ? updated.val : undefined;
  }

  private async note(session: Session, type: 'provider_create_sent', reason: string, data: Record<string, unknown>): Promise<void> {
    await this.writer.note(session.id, type, 'provisioner', reason, data);
  }

  private async recordOfferFailure(session: Session, offer: Offer, failureType: OfferFailureType, reason: string): Promise<void> {
    await this.options.failures?.record({
      id: this.options.ids.next('offerFailure'),
      offerId: offer.id,
      provider: offer.provider,
      gpuType: offer.gpuType,
      // Vast's machine id: a retry then avoids the machine, not just the offer id.
      hostId: offer.hostId ?? null,
      failureType,
      reason,
      sessionId: session.id,
      consumerId: session.consumerId,
      occurredAt: this.options.clock.now(),
    });
  }

  private async recordOfferFailureById(session: Session, failureType: OfferFailureType, reason: string): Promise<void> {
    await this.options.failures?.record({
      id: this.options.ids.next('offerFailure'),
      offerId: session.offerId,
      provider: session.provider,
      gpuType: session.gpuType,
      hostId: null,
      failureType,
      reason,
      sessionId: session.id,
      consumerId: session.consumerId,
      occurredAt: this.options.clock.now(),
    });
  }
}
