import { BudgetCommitments } from '../consumers/budget-commitments.js';
import { type Result } from '../errors/result.js';
import { type OfferFailureType } from '../inventory/offer-failure.js';
import { type Offer } from '../inventory/offer.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderAdapter } from '../ports/provider-adapter.js';
import { type SessionTrigger } from '../sessions/session-state-machine.js';
import { decide, SessionWriter } from '../sessions/session-writer.js';
import { retriesOnAnotherOffer, type Session, type SessionChanges, type SessionErrorType } from '../sessions/session.js';
import { type VendorTemplate } from '../templates/vendor-template.js';
import { AutoRetry } from './auto-retry.js';
import { ReadinessWait } from './await-ready.js';
import { InstanceCreation } from './create-at-provider.js';
import {
  defaultSleep,
  type IdempotencyContext,
  type ProvisionError,
  type ProvisionedSession,
  type ProvisioningServiceOptions,
  type ProvisionRequest,
  type SagaContext,
} from './provisioning-options.js';
import { Reprovisioning, type ReprovisionResult } from './reprovision.js';
import { SessionIntents } from './session-intent.js';

export {
  idempotencyScope,
  type IdempotencyContext,
  type IdempotencyScope,
  type ProviderTiming,
  type ProvisionError,
  type ProvisionedSession,
  type ProvisioningServiceOptions,
  type ProvisionRequest,
} from './provisioning-options.js';

/**
 * The provisioning saga, as the steps a session goes through:
 *
 *  1. request intent (`request`, session-intent.ts): validate everything and write the session row,
 *     label and key before any provider call;
 *  2. create at provider (`run`, create-at-provider.ts): send the create and record the provider id
 *     at once — or find the instance by label when the answer was lost or the saga resumes;
 *  3. await ready (await-ready.ts): wait for the instance, verify SSH and readiness, move to `running`;
 *  4. on failure (`fail`, auto-retry.ts): with auto-retry, move to a comparable offer and go back to
 *     step 2; otherwise end the session in verified destruction through the terminator.
 *
 * Each step is a compare-and-set transition with an event, and `run` can be re-entered after a crash
 * at any point: every step looks at what is already recorded.
 */
export class ProvisioningService implements SagaContext {
  readonly logger: Logger;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly budgets: BudgetCommitments;
  readonly writer: SessionWriter;
  private readonly intents: SessionIntents;
  private readonly creation: InstanceCreation;
  private readonly readiness: ReadinessWait;
  private readonly autoRetry: AutoRetry;
  private readonly reprovisioning: Reprovisioning;

  constructor(readonly options: ProvisioningServiceOptions) {
    this.writer = new SessionWriter({ sessions: options.repositories.sessions, clock: options.clock, ids: options.ids });
    this.logger = (options.logger ?? noopLogger).child({ component: 'provisioning' });
    this.sleep = options.sleep ?? defaultSleep;
    this.budgets = new BudgetCommitments({ repositories: options.repositories, clock: options.clock });
    this.intents = new SessionIntents(this);
    this.creation = new InstanceCreation(this);
    this.readiness = new ReadinessWait(this);
    this.autoRetry = new AutoRetry(this, this.creation);
    this.reprovisioning = new Reprovisioning(this, this.autoRetry);
  }

  /**
   * A preempted spot session whose instance is destroyed and verified gone: back to `provisioning`
   * on a comparable spot offer (reprovision.ts). The caller then runs the saga (`run`).
   */
  reprovisionAfterPreemption(session: Session): Promise<ReprovisionResult> {
    return this.reprovisioning.afterPreemption(session);
  }

  async reprovisionOutbid(session: Session, provider: ProviderAdapter): Promise<Session | undefined> {
    // Never two live instances: the create on the new offer is sent only once the old one is verified gone.
    const destroyed = await this.options.terminator.destroyInstances(session, 'provisioner');
    if (!destroyed.gone) {
      this.logger.warn('outbid instance not verified gone; the session ends instead of reprovisioning', { sessionId: session.id, reason: destroyed.reason });
      return undefined;
    }
    const moved = await this.reprovisioning.afterPreemption(session);
    if (!moved.ok) {
      this.logger.info('no reprovision for a spot session outbid while provisioning', { sessionId: session.id, reason: moved.reason });
      return undefined;
    }
    return this.creation.createAtProvider(moved.session, provider, false);
  }

  /**
   * Step 1. Validates the request and writes the session (`pending`). With an idempotency context,
   * the same key and request return the first answer (and the same key) instead of renting again.
   */
  request(input: ProvisionRequest, idempotency?: IdempotencyContext): Promise<Result<ProvisionedSession, ProvisionError>> {
    return this.intents.request(input, idempotency);
  }

  /**
   * Drives a session to `running`, or to verified destruction on failure. Safe to call again for the
   * same session after a restart: each step looks at what is already recorded.
   */
  async run(sessionId: string, signal?: AbortSignal): Promise<Session | undefined> {
    const ownership = this.options.sessionOwnership;
    if (!ownership) return this.drive(sessionId, signal);
    const owned = await ownership.run(sessionId, () => this.drive(sessionId, signal));
    // Another replica owns the session and drives it: report the session as it stands.
    return owned.owned ? owned.value : this.options.repositories.sessions.get(sessionId);
  }

  private async drive(sessionId: string, signal?: AbortSignal): Promise<Session | undefined> {
    let session = await this.options.repositories.sessions.get(sessionId);
    if (!session) return undefined;
    const log = this.logger.child({ sessionId, provider: session.provider });
    const provider = this.options.providers.get(session.provider);
    if (!provider) {
      return this.fail(session, 'provider_error', `provider ${session.provider} is not configured`);
    }
    try {
      if (session.status === 'pending') {
        const next = await this.transition(session, 'request_create', 'creating the instance');
        if (!next) return this.options.repositories.sessions.get(sessionId);
        session = next;
        session = await this.creation.createAtProvider(session, provider, false);
      } else if (session.status === 'provisioning' && !session.providerInstanceId) {
        // Resumed after a crash between asking and recording: the create may have happened.
        session = await this.creation.createAtProvider(session, provider, true);
      }
      if (session.status !== 'provisioning') return session;
      return await this.readiness.untilRunning(session, provider, signal);
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

  /** Step 4: an attempt failed — the next attempt on a comparable offer, or the end of the session. */
  async fail(session: Session, errorType: SessionErrorType, message: string): Promise<Session> {
    if (session.status === 'provisioning' && session.autoRetry && session.attempt < session.maxAttempts && retriesOnAnotherOffer(errorType)) {
      const retried = await this.autoRetry.retryElsewhere(session, errorType, message);
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

  async transition(session: Session, trigger: SessionTrigger, reason: string, changes: SessionChanges = {}): Promise<Session | undefined> {
    const plan = this.writer.transition(session, { trigger, actor: 'provisioner', reason, changes });
    if (!plan.ok) return undefined;
    // A saga step is taken on the state it saw, or not at all: a lost race means someone else moved it.
    const updated = await this.writer.update(session, () => decide.transition(plan.val), 1);
    return updated.ok ? updated.val : undefined;
  }

  resolveTemplate(hashId: string | null | undefined): Promise<Result<VendorTemplate | null, ProvisionError>> {
    return this.intents.resolveTemplate(hashId);
  }

  async recordOfferFailure(session: Session, failureType: OfferFailureType, reason: string, offer?: Offer): Promise<void> {
    await this.options.failures?.record({
      id: this.options.ids.next('offerFailure'),
      offerId: offer?.id ?? session.offerId,
      provider: offer?.provider ?? session.provider,
      gpuType: offer?.gpuType ?? session.gpuType,
      // Vast's machine id: a retry then avoids the machine, not just the offer id.
      hostId: offer?.hostId ?? null,
      failureType,
      reason,
      sessionId: session.id,
      consumerId: session.consumerId,
      occurredAt: this.options.clock.now(),
    });
  }
}
