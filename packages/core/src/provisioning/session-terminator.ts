import { billingStart } from '../cost/billing.js';
import { type ConcurrentUpdateError, type InvalidTransitionError, type SessionNotFoundError } from '../errors/domain-errors.js';
import { type Result } from '../errors/result.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderAdapter, type ProviderInstance } from '../ports/provider-adapter.js';
import { type SessionActor, type SessionTrigger } from '../sessions/session-state-machine.js';
import { decide, SessionWriter } from '../sessions/session-writer.js';
import { type Session, type SessionChanges, type StopReason } from '../sessions/session.js';
import { abortableSleep } from '../time/sleep.js';
import { type SessionTerminatorOptions, type StopRequest } from './session-terminator-options.js';

type StopError = SessionNotFoundError | InvalidTransitionError | ConcurrentUpdateError;

/** Ends that keep the disk of a `preserve` session (stop, not destroy); every other reason destroys. */
const PRESERVING_REASONS: ReadonlySet<StopReason> = new Set(['done', 'expired', 'idle']);

/**
 * Where the instance's billing ended, as far as this attempt could tell (it becomes the session's
 * `stoppedAt`): the send time of the destroy call after which the instance was never seen again — a
 * destroy the provider accepted (it existed until then), else the first call whose outcome was
 * unknown or that found it already gone. `null`: it is still there (billing continues);
 * `undefined`: this attempt learned nothing (keep what is recorded).
 */
export interface BillingEndEvidence {
  readonly billingEndedAt: Date | null | undefined;
}

export type DestroyOutcome = ({ readonly gone: true } | { readonly gone: false; readonly reason: string }) & BillingEndEvidence;

/**
 * Ends sessions safely: moves a live session to `stopping` (or straight to a terminal status while
 * nothing was ever sent to a provider), destroys its instance, and makes it terminal only once the
 * provider confirms no instance with its id or label exists (invariant 3). A destroy that cannot be
 * verified now leaves the session `stopping`, to be retried; it never reports success it has not seen.
 */
export class SessionTerminator {
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly inFlight = new Map<string, Promise<Session>>();

  private readonly writer: SessionWriter;

  constructor(private readonly options: SessionTerminatorOptions) {
    this.writer = new SessionWriter({ sessions: options.repositories.sessions, clock: options.clock, ids: options.ids });
    this.logger = (options.logger ?? noopLogger).child({ component: 'terminator' });
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Requests the end of a session and drives it as far as it can go now. Idempotent for sessions already stopping or ended. */
  async stop(sessionId: string, request: StopRequest): Promise<Result<Session, StopError>> {
    return this.writer.update<InvalidTransitionError>(sessionId, async (session) => {
      if (session.status === 'terminated' || session.status === 'failed') return decide.keep(session);
      if (session.status === 'stopping') return decide.keep(await this.destroyAndVerify(session, request.actor));
      const preserving = session.storagePolicy === 'preserve' && request.errorType === undefined && PRESERVING_REASONS.has(request.stopReason);
      // Already stopped with its disk kept: `done` again changes nothing; delete, hard max and budget destroy it.
      if (session.status === 'stopped' && preserving) return decide.keep(session);
      if (session.status === 'running' && preserving) {
        const preserved = await this.preserve(session, request);
        if (preserved) return decide.keep(preserved);
        // Not verifiably stopped (or its storage cannot be billed exactly): destroyed instead, as
        // an unverified "stopped" would be a GPU billing unseen.
      }

      const failing = request.errorType !== undefined;
      const trigger: SessionTrigger =
        session.status === 'pending' ? (failing ? 'fail_before_create' : 'cancel_before_create') : failing ? 'report_failure' : 'request_destroy';
      const now = this.options.clock.now();
      const changes: SessionChanges = {
        stopReason: request.stopReason,
        ...(request.errorType ? { errorType: request.errorType, errorMessage: request.errorMessage ?? request.reason } : {}),
        ...(session.status === 'pending' ? { stoppedAt: now } : { nextDestroyAt: now }),
      };
      const plan = this.writer.transition(session, { trigger, actor: request.actor, reason: request.reason, at: now, changes });
      if (!plan.ok) return decide.refuse(plan.err);
      // Lost to someone else's change: the writer reads again and this decides again on fresh state.
      return decide.transition(plan.val, {
        afterWrite: async (updated) => {
          if (updated.status === 'stopping') return this.destroyAndVerify(updated, request.actor);
          await this.ended(updated);
          return updated;
        },
      });
    });
  }

  /**
   * Storage policy `preserve`: stops the instance (the provider keeps its disk), verifies by direct
   * reads that it is stopped, and moves the session to `stopped` at the storage rate the provider
   * states. Undefined when it cannot be done verifiably; the caller destroys instead.
   */
  private async preserve(session: Session, request: StopRequest): Promise<Session | undefined> {
    const provider = this.options.providers.get(session.provider);
    const instanceId = session.providerInstanceId;
    if (!provider?.stopInstance || !provider.capabilities.stopWithoutDestroy || !instanceId) return undefined;
    const sentAt = this.options.clock.now();
    const stopped = await provider.stopInstance(instanceId);
    if (!stopped.ok) {
      this.logger.warn('stopping the instance to keep its disk failed; destroying it instead', { sessionId: session.id, error: stopped.err.message });
      return undefined;
    }
    let instance: ProviderInstance | undefined;
    for (let read = 0; read < (this.options.verifyAttempts ?? 3) * 2 && !instance; read++) {
      const found = await provider.getInstance(instanceId);
      if (found.ok && found.val.state === 'stopped') instance = found.val;
      else await this.sleep(this.options.verifyDelayMs ?? 2000);
    }
    const storageRate = instance?.storagePricePerHourMicros;
    if (!instance || storageRate === undefined || storageRate === null) {
      this.logger.warn(instance ? 'the provider states no storage price for the stopped instance; destroying it instead' : 'the instance was not seen stopped; destroying it instead', {
        sessionId: session.id,
      });
      return undefined;
    }
    await this.options.onPreserving?.({ ...session, stoppedAt: sentAt });
    const plan = this.writer.transition(session, {
      trigger: 'confirm_preserved',
      actor: request.actor,
      reason: `${request.reason}: instance stopped with its disk kept (storage policy preserve); storage bills until it is deleted or reaches the hard maximum`,
      changes: { stopReason: request.stopReason, pricePerHourMicros: storageRate },
    });
    if (!plan.ok) return undefined;
    // One compare-and-set against the session the stop decided on: if it changed meanwhile, destroy.
    const updated = await this.writer.update(session, () => decide.transition(plan.val), 1);
    return updated.ok ? updated.val : undefined;
  }

  /**
   * The instance vanished on its own, proven by repeated direct not-found reads (invariant 7): the
   * session ends `failed` with `instance_vanished`, billing stopping now.
   */
  async confirmVanished(session: Session, actor: SessionActor, reason: string, goneSince?: Date): Promise<Session> {
    const now = this.options.clock.now();
    // Billing ended by the first read that found it missing, not by the read that confirmed it.
    const stoppedAt = goneSince ?? now;
    const plan = this.writer.transition(session, {
      trigger: 'confirm_vanished',
      actor,
      reason,
      at: now,
      changes: { stoppedAt, stopReason: 'instance_vanished', errorType: 'instance_vanished', errorMessage: reason },
    });
    if (!plan.ok) return session;
    // Proven against this version of the session only: if anything changed, the caller looks again.
    const updated = await this.writer.update(session, () => decide.transition(plan.val, { afterWrite: (ended) => this.endedWith(ended) }), 1);
    return updated.ok ? updated.val : ((await this.options.repositories.sessions.get(session.id)) ?? session);
  }

  /**
   * For a `stopping` session: destroys every instance that carries its id or label, then confirms
   * absence by direct reads and a listing. Returns the session as it stands afterwards.
   */
  async destroyAndVerify(session: Session, actor: SessionActor): Promise<Session> {
    // One destroy per session at a time in this process: a consumer retrying `done`, the lifecycle
    // tick and startup recovery all join the attempt under way instead of racing it (concurrent
    // attempts overwrote each other's evidence of when billing stopped).
    const running = this.inFlight.get(session.id);
    if (running) return running;
    const destroy = async () => {
      const current = (await this.options.repositories.sessions.get(session.id)) ?? session;
      if (current.status !== 'stopping') return current;
      const outcome = await this.destroyInstances(current, actor);
      return outcome.gone ? this.confirm(current, actor, outcome) : this.scheduleRetry(current, outcome.reason, outcome);
    };
    // Across replicas the session's owner destroys it; the others report it as it stands.
    const ownership = this.options.sessionOwnership;
    const attempt = ownership
      ? ownership.run(session.id, destroy).then(async (owned) => (owned.owned ? owned.value : ((await this.options.repositories.sessions.get(session.id)) ?? session)))
      : destroy();
    this.inFlight.set(session.id, attempt);
    try {
      return await attempt;
    } finally {
      this.inFlight.delete(session.id);
    }
  }

  /**
   * Records a destroy that could not be verified: attempt count, when to try again (exponential
   * backoff, capped) and why, in the session row, so the retry survives a restart.
   */
  private async scheduleRetry(session: Session, reason: string, evidence: BillingEndEvidence): Promise<Session> {
    const updated = await this.writer.update(session, (current) => {
      if (current.status !== 'stopping') return decide.keep(current);
      const attempts = current.destroyAttempts + 1;
      const delayMs = Math.min(this.options.retryMaxDelayMs ?? 10 * 60_000, (this.options.retryBaseDelayMs ?? 15_000) * 2 ** (attempts - 1));
      const changes: SessionChanges = {
        destroyAttempts: attempts,
        nextDestroyAt: new Date(this.options.clock.now().getTime() + delayMs),
        lastDestroyError: reason,
        // Where billing ended, recorded now so it survives a restart before the stop is verified.
        ...(evidence.billingEndedAt !== undefined ? { stoppedAt: evidence.billingEndedAt } : {}),
      };
      return decide.write(changes, [], {
        afterWrite: async (written) => {
          const log = attempts >= (this.options.alertAfterAttempts ?? 5) ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
          log('destroy not verified yet; will retry', { sessionId: written.id, attempts, retryInMs: delayMs, reason });
          return written;
        },
      });
    });
    return updated.ok ? updated.val : ((await this.options.repositories.sessions.get(session.id)) ?? session);
  }

  /**
   * Destroys every instance that carries the session's id or label and returns true only when the
   * provider confirms none is left. Changes no status (auto-retry uses it between attempts).
   */
  async destroyInstances(session: Session, actor: SessionActor): Promise<DestroyOutcome> {
    const provider = this.options.providers.get(session.provider);
    if (!provider) {
      this.logger.error('no adapter for the session provider; cannot destroy', { sessionId: session.id, provider: session.provider });
      return { gone: false, reason: `provider ${session.provider} is not configured`, billingEndedAt: undefined };
    }
    const found = await this.instancesOf(session, provider);
    if (found === undefined) return { gone: false, reason: 'the provider could not list instances', billingEndedAt: undefined };
    const targets = found.ids;
    // An instance only ever found by its label (its create's answer was lost) bills all the same:
    // from its creation, which the listing reports, or from when the create was sent.
    if (!session.billingStartedAt && session.status === 'stopping' && found.listed.length > 0) {
      await this.recordBillingStart(session, found.listed);
    }

    // Carried over from earlier attempts (a restart, an unverified destroy): a stopping session's
    // stoppedAt is the current best estimate of where billing ended — unless the instance is listed
    // right now, which proves the earlier destroy did not end it.
    // An outbid spot instance (`preempted`) no longer bills its bid: its billing ended when it was
    // seen preempted (recorded as stoppedAt), not at this destroy.
    const preempted = new Set(found.listed.filter((instance) => instance.state === 'preempted').map((instance) => instance.providerInstanceId));
    const stillThere = found.listed.some((instance) => instance.state !== 'destroying' && instance.state !== 'preempted');
    let billingEndedAt: Date | null = session.status === 'stopping' && !stillThere ? session.stoppedAt : null;
    for (const providerInstanceId of targets) {
      await this.note(session, 'destroy_attempted', actor, `destroy requested (${session.stopReason ?? 'stop'})`, { providerInstanceId });
      const calledAt = this.options.clock.now();
      // Persisted before the call: if this process dies after sending it, the restart still knows
      // billing may have ended here (an accepted destroy later moves it; a sighting clears it).
      const before = billingEndedAt;
      if (billingEndedAt === null && session.status === 'stopping') {
        billingEndedAt = calledAt;
        // Replaces an earlier estimate when the instance was just listed alive (it proved wrong).
        await this.recordBillingEnd(session.id, calledAt, stillThere);
      }
      const destroyed = await provider.destroyInstance(providerInstanceId);
      this.options.onDestroyRequested?.({ session, initiator: actor, accepted: destroyed.ok });
      if (!destroyed.ok) {
        await this.note(session, 'destroy_failed', actor, destroyed.err.message, { providerInstanceId, code: destroyed.err.code });
        // A timeout or 5xx may still have worked — and if an earlier uncertain call did not, this
        // one did: billing ends here at the latest (never earlier than what is known). A refusal
        // (4xx, rate limit) did nothing.
        const uncertain = destroyed.err.code === 'PROVIDER_UNKNOWN_OUTCOME' || destroyed.err.code === 'PROVIDER_UNAVAILABLE';
        const lastTry = destroyed.err.context.requestSentAt ?? calledAt;
        const latest = billingEndedAt && billingEndedAt.getTime() > lastTry.getTime() ? billingEndedAt : lastTry;
        return { gone: false, reason: destroyed.err.message, billingEndedAt: uncertain ? latest : before };
      }
      // Accepted: it existed until the request that was answered. Already gone: it ended by then.
      const sentAt = destroyed.val.requestSentAt ?? calledAt;
      billingEndedAt = destroyed.val.alreadyGone || preempted.has(providerInstanceId) ? (billingEndedAt ?? sentAt) : sentAt;
    }
    for (const providerInstanceId of targets) {
      const verified = await this.confirmGone(provider, providerInstanceId);
      if (verified === 'present') {
        await this.note(session, 'destroy_failed', actor, 'instance still present after destroy', { providerInstanceId });
        // Still there, so still billing: no end yet.
        return { gone: false, reason: `instance ${providerInstanceId} still present after destroy`, billingEndedAt: null };
      }
      if (verified === 'unknown') {
        await this.note(session, 'destroy_failed', actor, 'the provider could not confirm the instance is gone', { providerInstanceId });
        return { gone: false, reason: `instance ${providerInstanceId} could not be verified gone`, billingEndedAt };
      }
    }
    // A listing by label catches a second instance from an uncertain create (invariant 8).
    const leftovers = await provider.listInstances(session.label);
    if (!leftovers.ok) return { gone: false, reason: 'the provider could not list instances to confirm', billingEndedAt };
    const remaining = leftovers.val.filter((instance) => instance.label === session.label);
    if (remaining.length > 0) {
      await this.note(session, 'destroy_failed', actor, 'another instance with this label exists', {
        providerInstanceIds: remaining.map((i) => i.providerInstanceId),
      });
      return { gone: false, reason: 'another instance with this label exists', billingEndedAt: null };
    }
    return { gone: true, billingEndedAt };
  }

  /**
   * The provider ids to destroy: the recorded one plus any instance listed with the session's label
   * (a duplicate from an uncertain create, or an instance whose id was never recorded).
   */
  private async instancesOf(session: Session, provider: ProviderAdapter): Promise<{ ids: string[]; listed: ProviderInstance[] } | undefined> {
    const listed = await provider.listInstances(session.label);
    const recorded = session.providerInstanceId ? [session.providerInstanceId] : [];
    if (!listed.ok) return recorded.length > 0 ? { ids: recorded, listed: [] } : undefined;
    const ours = listed.val.filter((instance) => instance.label === session.label);
    return { ids: [...new Set([...recorded, ...ours.map((instance) => instance.providerInstanceId)])], listed: ours };
  }

  /** `present`: the provider showed it (stopped still counts, and may bill); `unknown`: it could not say. */
  private async confirmGone(provider: ProviderAdapter, providerInstanceId: string): Promise<'gone' | 'present' | 'unknown'> {
    const attempts = this.options.verifyAttempts ?? 3;
    let seen = false;
    for (let i = 0; i < attempts; i++) {
      const read = await provider.getInstance(providerInstanceId);
      // Only a not-found read proves absence.
      if (!read.ok && read.err.code === 'PROVIDER_NOT_FOUND') return 'gone';
      if (read.ok) seen = true;
      if (i < attempts - 1) await this.sleep(this.options.verifyDelayMs ?? 2000);
    }
    return seen ? 'present' : 'unknown';
  }

  /**
   * Makes the session terminal. `stoppedAt` — where billing ends — is the evidence of the destroy
   * calls (see `BillingEndEvidence`), not the moment verification finally succeeded; only without
   * any evidence is it now.
   */
  private async confirm(session: Session, actor: SessionActor, evidence: BillingEndEvidence): Promise<Session> {
    const updated = await this.writer.update(session, (current) => {
      if (current.status !== 'stopping') return decide.keep(current);
      const trigger: SessionTrigger = current.errorType ? 'confirm_destroyed_after_failure' : 'confirm_destroyed';
      const now = this.options.clock.now();
      const plan = this.writer.transition(current, {
        trigger,
        actor,
        reason: 'provider confirmed the instance is gone',
        at: now,
        changes: { stoppedAt: evidence.billingEndedAt ?? current.stoppedAt ?? now, nextDestroyAt: null },
      });
      if (!plan.ok) return decide.keep(current);
      return decide.transition(plan.val, { afterWrite: (ended) => this.endedWith(ended) });
    });
    return updated.ok ? updated.val : ((await this.options.repositories.sessions.get(session.id)) ?? session);
  }

  private async endedWith(session: Session): Promise<Session> {
    await this.ended(session);
    return session;
  }

  private async ended(session: Session): Promise<void> {
    await this.options.repositories.sessionSecrets.delete(session.id);
    try {
      await this.options.onEnded?.(session);
    } catch (error) {
      this.logger.error('post-termination hook failed', { sessionId: session.id, error });
    }
  }

  private async recordBillingStart(session: Session, listed: readonly ProviderInstance[]): Promise<void> {
    // The status change that sent the create is no longer known here (the session is stopping): the
    // session's creation is the earliest the create can have been sent.
    const start = billingStart(session.createdAt, listed.map((i) => i.startedAt));
    // Best effort: a start someone else recorded meanwhile stands; a lost race leaves it to the next attempt.
    await this.writer.update(session.id, (current) => (current.billingStartedAt ? decide.keep(current) : decide.write({ billingStartedAt: start })));
  }

  /** Stores a stopping session's billing-end estimate right away (a crash must not lose it). */
  private async recordBillingEnd(sessionId: string, at: Date, replace: boolean): Promise<void> {
    await this.writer.update(sessionId, (current) =>
      current.status !== 'stopping' || (current.stoppedAt && !replace) ? decide.keep(current) : decide.write({ stoppedAt: at }),
    );
  }

  private async note(session: Session, type: 'destroy_attempted' | 'destroy_failed', actor: SessionActor, reason: string, data: Record<string, unknown>): Promise<void> {
    await this.writer.note(session.id, type, actor, reason, data);
  }
}

export type { SessionTerminatorOptions, StopRequest } from './session-terminator-options.js';
