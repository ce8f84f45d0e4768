import { type ConcurrentUpdateError, InvalidTransitionError, SessionNotFoundError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type IdGenerator } from '../ids/ids.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderAdapter } from '../ports/provider-adapter.js';
import { type Repositories } from '../ports/repositories.js';
import { type SessionActor, type SessionTrigger } from '../sessions/session-state-machine.js';
import { planSessionTransition } from '../sessions/session-transition.js';
import { type Session, type SessionChanges, type SessionErrorType, type StopReason } from '../sessions/session.js';
import { type Clock } from '../time/clock.js';
import { type ProviderName } from '../providers/provider-name.js';

export interface SessionTerminatorOptions {
  readonly repositories: Repositories;
  readonly providers: ReadonlyMap<ProviderName, ProviderAdapter>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
  /** Direct reads after a destroy before giving up for now (the session stays `stopping`). @default 3 */
  readonly verifyAttempts?: number;
  /** Pause between verification reads. @default 2000 */
  readonly verifyDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** First retry delay after an unverified destroy; doubles per attempt. @default 15000 */
  readonly retryBaseDelayMs?: number;
  /** @default 10 minutes */
  readonly retryMaxDelayMs?: number;
  /** From this many failed attempts on, each one is logged as an error (alert). @default 5 */
  readonly alertAfterAttempts?: number;
  /** Called when a session reaches a terminal status (final cost accrual up to the verified stop). */
  readonly onEnded?: (session: Session) => Promise<void>;
  /** Called after every destroy call sent to a provider, with who initiated it (metrics). */
  readonly onDestroyRequested?: (destroy: { readonly session: Session; readonly initiator: SessionActor; readonly accepted: boolean }) => void;
}

export interface StopRequest {
  readonly actor: SessionActor;
  readonly reason: string;
  readonly stopReason: StopReason;
  /** Set for failures: the session ends `failed` instead of `terminated`. */
  readonly errorType?: SessionErrorType;
  readonly errorMessage?: string;
}

type StopError = SessionNotFoundError | InvalidTransitionError | ConcurrentUpdateError;

/**
 * When the instance's billing stopped, as far as this attempt saw: `destroyAcceptedAt` is when the
 * provider last accepted a destroy of an instance that still existed (verification may come much
 * later); `goneObservedAt` is when a destroy first found nothing left (it vanished, or an earlier
 * destroy worked) — an upper bound for when billing stopped.
 */
export interface BillingEndEvidence {
  readonly destroyAcceptedAt: Date | null;
  readonly goneObservedAt: Date | null;
}

export type DestroyOutcome = ({ readonly gone: true } | { readonly gone: false; readonly reason: string }) & BillingEndEvidence;

const NO_EVIDENCE: BillingEndEvidence = { destroyAcceptedAt: null, goneObservedAt: null };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ends sessions safely: moves a live session to `stopping` (or straight to a terminal status while
 * nothing was ever sent to a provider), destroys its instance, and makes it terminal only once the
 * provider confirms no instance with its id or label exists (invariant 3). A destroy that cannot be
 * verified now leaves the session `stopping`, to be retried; it never reports success it has not seen.
 */
export class SessionTerminator {
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SessionTerminatorOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'terminator' });
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Requests the end of a session and drives it as far as it can go now. Idempotent for sessions already stopping or ended. */
  async stop(sessionId: string, request: StopRequest): Promise<Result<Session, StopError>> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const session = await this.options.repositories.sessions.get(sessionId);
      if (!session) return Err(new SessionNotFoundError(sessionId));
      if (session.status === 'terminated' || session.status === 'failed') return Ok(session);
      if (session.status === 'stopping') return Ok(await this.destroyAndVerify(session, request.actor));

      const failing = request.errorType !== undefined;
      const trigger: SessionTrigger =
        session.status === 'pending' ? (failing ? 'fail_before_create' : 'cancel_before_create') : failing ? 'report_failure' : 'request_destroy';
      const now = this.options.clock.now();
      const changes: SessionChanges = {
        stopReason: request.stopReason,
        ...(request.errorType ? { errorType: request.errorType, errorMessage: request.errorMessage ?? request.reason } : {}),
        ...(session.status === 'pending' ? { stoppedAt: now } : { nextDestroyAt: now }),
      };
      const plan = planSessionTransition(session, { trigger, actor: request.actor, reason: request.reason, at: now, eventId: this.options.ids.next('sessionEvent'), changes });
      if (!plan.ok) return plan;
      const updated = await this.options.repositories.sessions.update(session.id, session.version, plan.val.changes, [plan.val.event]);
      if (!updated.ok) {
        if (updated.err.code === 'CONCURRENT_UPDATE') continue; // someone else moved it: decide again on fresh state
        return updated;
      }
      if (updated.val.status !== 'stopping') {
        await this.ended(updated.val);
        return Ok(updated.val);
      }
      return Ok(await this.destroyAndVerify(updated.val, request.actor));
    }
    return Err(new InvalidTransitionError('changing', 'stop', sessionId));
  }

  /**
   * The instance vanished on its own, proven by repeated direct not-found reads (invariant 7): the
   * session ends `failed` with `instance_vanished`, billing stopping now.
   */
  async confirmVanished(session: Session, actor: SessionActor, reason: string, goneSince?: Date): Promise<Session> {
    const now = this.options.clock.now();
    // Billing ended by the first read that found it missing, not by the read that confirmed it.
    const stoppedAt = goneSince ?? now;
    const plan = planSessionTransition(session, {
      trigger: 'confirm_vanished',
      actor,
      reason,
      at: now,
      eventId: this.options.ids.next('sessionEvent'),
      changes: { stoppedAt, stopReason: 'instance_vanished', errorType: 'instance_vanished', errorMessage: reason },
    });
    if (!plan.ok) return session;
    const updated = await this.options.repositories.sessions.update(session.id, session.version, plan.val.changes, [plan.val.event]);
    if (!updated.ok) return (await this.options.repositories.sessions.get(session.id)) ?? session;
    await this.ended(updated.val);
    return updated.val;
  }

  /**
   * For a `stopping` session: destroys every instance that carries its id or label, then confirms
   * absence by direct reads and a listing. Returns the session as it stands afterwards.
   */
  async destroyAndVerify(session: Session, actor: SessionActor): Promise<Session> {
    const outcome = await this.destroyInstances(session, actor);
    return outcome.gone ? this.confirm(session, actor, outcome) : this.scheduleRetry(session, outcome.reason, outcome);
  }

  /**
   * Records a destroy that could not be verified: attempt count, when to try again (exponential
   * backoff, capped) and why, in the session row, so the retry survives a restart.
   */
  private async scheduleRetry(session: Session, reason: string, evidence: BillingEndEvidence): Promise<Session> {
    for (let current: Session | undefined = session, attempt = 0; current && attempt < 5; attempt++) {
      if (current.status !== 'stopping') return current;
      const attempts = current.destroyAttempts + 1;
      const delayMs = Math.min(this.options.retryMaxDelayMs ?? 10 * 60_000, (this.options.retryBaseDelayMs ?? 15_000) * 2 ** (attempts - 1));
      const updated = await this.options.repositories.sessions.update(
        current.id,
        current.version,
        {
          destroyAttempts: attempts,
          nextDestroyAt: new Date(this.options.clock.now().getTime() + delayMs),
          lastDestroyError: reason,
          // Billing stopped when the provider accepted the destroy, even if we cannot verify it yet
          // (a later accepted destroy — the first was ignored — moves it); failing that, by the
          // first time a destroy found the instance already gone.
          ...(evidence.destroyAcceptedAt
            ? { stoppedAt: evidence.destroyAcceptedAt }
            : !current.stoppedAt && evidence.goneObservedAt
              ? { stoppedAt: evidence.goneObservedAt }
              : {}),
        },
        [],
      );
      if (updated.ok) {
        const log = attempts >= (this.options.alertAfterAttempts ?? 5) ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
        log('destroy not verified yet; will retry', { sessionId: current.id, attempts, retryInMs: delayMs, reason });
        return updated.val;
      }
      current = await this.options.repositories.sessions.get(session.id);
    }
    return (await this.options.repositories.sessions.get(session.id)) ?? session;
  }

  /**
   * Destroys every instance that carries the session's id or label and returns true only when the
   * provider confirms none is left. Changes no status (auto-retry uses it between attempts).
   */
  async destroyInstances(session: Session, actor: SessionActor): Promise<DestroyOutcome> {
    const provider = this.options.providers.get(session.provider);
    if (!provider) {
      this.logger.error('no adapter for the session provider; cannot destroy', { sessionId: session.id, provider: session.provider });
      return { gone: false, reason: `provider ${session.provider} is not configured`, ...NO_EVIDENCE };
    }
    const targets = await this.instancesOf(session, provider);
    if (targets === undefined) return { gone: false, reason: 'the provider could not list instances', ...NO_EVIDENCE };

    let destroyAcceptedAt: Date | null = null;
    let goneObservedAt: Date | null = null;
    for (const providerInstanceId of targets) {
      await this.note(session, 'destroy_attempted', actor, `destroy requested (${session.stopReason ?? 'stop'})`, { providerInstanceId });
      const destroyed = await provider.destroyInstance(providerInstanceId);
      this.options.onDestroyRequested?.({ session, initiator: actor, accepted: destroyed.ok });
      if (!destroyed.ok) {
        await this.note(session, 'destroy_failed', actor, destroyed.err.message, { providerInstanceId, code: destroyed.err.code });
        return { gone: false, reason: destroyed.err.message, destroyAcceptedAt, goneObservedAt };
      }
      if (!destroyed.val.alreadyGone) destroyAcceptedAt = this.options.clock.now();
      else goneObservedAt ??= this.options.clock.now();
    }
    for (const providerInstanceId of targets) {
      if (!(await this.confirmGone(provider, providerInstanceId))) {
        await this.note(session, 'destroy_failed', actor, 'instance still present after destroy', { providerInstanceId });
        return { gone: false, reason: `instance ${providerInstanceId} still present after destroy`, destroyAcceptedAt, goneObservedAt };
      }
    }
    // A listing by label catches a second instance from an uncertain create (invariant 8).
    const leftovers = await provider.listInstances(session.label);
    if (!leftovers.ok) return { gone: false, reason: 'the provider could not list instances to confirm', destroyAcceptedAt, goneObservedAt };
    const remaining = leftovers.val.filter((instance) => instance.label === session.label);
    if (remaining.length > 0) {
      await this.note(session, 'destroy_failed', actor, 'another instance with this label exists', {
        providerInstanceIds: remaining.map((i) => i.providerInstanceId),
      });
      return { gone: false, reason: 'another instance with this label exists', destroyAcceptedAt, goneObservedAt };
    }
    return { gone: true, destroyAcceptedAt, goneObservedAt };
  }

  /**
   * The provider ids to destroy: the recorded one plus any instance listed with the session's label
   * (a duplicate from an uncertain create, or an instance whose id was never recorded).
   */
  private async instancesOf(session: Session, provider: ProviderAdapter): Promise<string[] | undefined> {
    const listed = await provider.listInstances(session.label);
    const recorded = session.providerInstanceId ? [session.providerInstanceId] : [];
    if (!listed.ok) return recorded.length > 0 ? recorded : undefined;
    const byLabel = listed.val.filter((instance) => instance.label === session.label).map((instance) => instance.providerInstanceId);
    return [...new Set([...recorded, ...byLabel])];
  }

  private async confirmGone(provider: ProviderAdapter, providerInstanceId: string): Promise<boolean> {
    const attempts = this.options.verifyAttempts ?? 3;
    for (let i = 0; i < attempts; i++) {
      const read = await provider.getInstance(providerInstanceId);
      // Only a not-found read proves absence; "stopped" still exists (and may bill).
      if (!read.ok && read.err.code === 'PROVIDER_NOT_FOUND') return true;
      if (i < attempts - 1) await this.sleep(this.options.verifyDelayMs ?? 2000);
    }
    return false;
  }

  /**
   * Makes the session terminal. `stoppedAt` — where billing ends — is when the provider accepted the
   * destroy (this call's, or one recorded by an earlier unverified attempt), not when we managed to
   * verify it; with no accepted destroy (the instance was already gone), the first time it was seen
   * gone; only without any evidence is it now.
   */
  private async confirm(session: Session, actor: SessionActor, evidence: BillingEndEvidence): Promise<Session> {
    for (let current: Session | undefined = session, attempt = 0; current && attempt < 5; attempt++) {
      if (current.status !== 'stopping') return current;
      const trigger: SessionTrigger = current.errorType ? 'confirm_destroyed_after_failure' : 'confirm_destroyed';
      const now = this.options.clock.now();
      const plan = planSessionTransition(current, {
        trigger,
        actor,
        reason: 'provider confirmed the instance is gone',
        at: now,
        eventId: this.options.ids.next('sessionEvent'),
        changes: { stoppedAt: evidence.destroyAcceptedAt ?? current.stoppedAt ?? evidence.goneObservedAt ?? now, nextDestroyAt: null },
      });
      if (!plan.ok) return current;
      const updated = await this.options.repositories.sessions.update(current.id, current.version, plan.val.changes, [plan.val.event]);
      if (updated.ok) {
        await this.ended(updated.val);
        return updated.val;
      }
      current = await this.options.repositories.sessions.get(session.id);
    }
    return (await this.options.repositories.sessions.get(session.id)) ?? session;
  }

  private async ended(session: Session): Promise<void> {
    await this.options.repositories.sessionSecrets.delete(session.id);
    try {
      await this.options.onEnded?.(session);
    } catch (error) {
      this.logger.error('post-termination hook failed', { sessionId: session.id, error });
    }
  }

  private async note(session: Session, type: 'destroy_attempted' | 'destroy_failed', actor: SessionActor, reason: string, data: Record<string, unknown>): Promise<void> {
    await this.options.repositories.sessions.appendEvent({
      id: this.options.ids.next('sessionEvent'),
      sessionId: session.id,
      type,
      fromStatus: null,
      toStatus: null,
      actor,
      reason,
      occurredAt: this.options.clock.now(),
      data,
    });
  }
}
