import { type CostAccountant } from '../cost/cost-accountant.js';
import { type IdGenerator } from '../ids/ids.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderInstance } from '../ports/provider-adapter.js';
import { type Repositories } from '../ports/repositories.js';
import { type ProvisioningService } from '../provisioning/provisioning-service.js';
import { type SessionTerminator } from '../provisioning/session-terminator.js';
import { preemptionRecord } from '../provisioning/spot-terms.js';
import { decide, SessionWriter } from '../sessions/session-writer.js';
import { type Session } from '../sessions/session.js';
import { type Clock } from '../time/clock.js';

export interface PreemptionHandlerOptions {
  readonly repositories: Repositories;
  readonly terminator: SessionTerminator;
  readonly provisioning: ProvisioningService;
  readonly costs: CostAccountant;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
  /** Called with every preemption recorded (metrics, webhooks); never changes a decision. */
  readonly onPreempted?: (session: Session) => void;
}

export type PreemptionOutcome = 'ended' | 'reprovisioning' | 'retry_later' | 'not_preempted';

/**
 * A spot session's instance was stopped by a higher bid. In order, each step safe to repeat on the
 * next reconciliation pass if this one is cut short:
 *
 *  1. record it: `preempted` event (instance, bid, lifetime), `stoppedAt` = when it was seen
 *     preempted — the instance's GPU billing ended by then — and the ledger accrued up to there;
 *  2. apply the policy: `end` stops the session through the terminator (stopping, then the outbid
 *     instance — it still exists, disk kept, at the vendor — destroyed and verified); `reprovision`
 *     destroys the outbid instance and verifies it gone, then moves the session to a comparable
 *     spot offer within its budget and maximum bid (auto-retry's choice) and provisions there with
 *     the same key. Never two live instances: the new create is sent only after the destroy verified.
 */
export class PreemptionHandler {
  private readonly logger: Logger;
  private readonly writer: SessionWriter;
  private startSaga: (sessionId: string) => void;

  constructor(private readonly options: PreemptionHandlerOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'preemption' });
    this.writer = new SessionWriter({ sessions: options.repositories.sessions, clock: options.clock, ids: options.ids });
    this.startSaga = (sessionId) => {
      void options.provisioning.run(sessionId).catch((error: unknown) => this.logger.error('reprovisioning saga failed', { sessionId, error }));
    };
  }

  /** How a reprovisioned session's saga is started: the server runs it with its other sagas (tracked, stopped on shutdown). */
  setSagaStarter(start: (sessionId: string) => void): void {
    this.startSaga = start;
  }

  /**
   * Handles a session whose instance a listing showed `preempted` at `seenAt`. Answers
   * `reprovisioning` when the session is back in `provisioning` and its saga must be started.
   */
  async handle(session: Session, instance: ProviderInstance, seenAt: Date): Promise<PreemptionOutcome> {
    const recorded = await this.record(session, instance, seenAt);
    if (recorded === 'not_preempted') return 'not_preempted';
    if (!recorded) return 'retry_later';
    return this.apply(recorded);
  }

  /**
   * Step 1 alone: records the preemption seen at `seenAt` unless it is recorded already (then the
   * session as it is). A pass records every outbid instance of its listing before handling any.
   */
  async record(session: Session, instance: ProviderInstance, seenAt: Date): Promise<Session | undefined | 'not_preempted'> {
    if (!session.interruptible || session.status !== 'running' || instance.state !== 'preempted' || session.providerInstanceId !== instance.providerInstanceId) return 'not_preempted';
    return this.isRecorded(session) ? session : this.write(session, instance, seenAt);
  }

  /**
   * A preemption recorded by an earlier pass whose work was cut short (a restart): its instance may
   * already be destroyed, so no listing shows it preempted any more. Carries on from the destroy.
   */
  async resume(session: Session): Promise<PreemptionOutcome> {
    return this.isRecorded(session) && session.status === 'running' ? this.apply(session) : 'not_preempted';
  }

  /** Recorded and not yet acted on: a running spot session whose billing already ended (stoppedAt). */
  isRecorded(session: Session): boolean {
    return session.interruptible && session.status === 'running' && session.stoppedAt !== null && session.preemptions > 0;
  }

  private async apply(recorded: Session): Promise<PreemptionOutcome> {
    await this.options.costs.accrue(recorded);
    // Policy end: the terminator moves the session to stopping, then destroys and verifies — a
    // reader never sees a running session whose instance is being destroyed, and it is sent once.
    if (recorded.onPreempt !== 'reprovision') return this.end(recorded, 'instance preempted (outbid); policy end');
    const destroyed = await this.options.terminator.destroyInstances(recorded, 'reconciler');
    if (!destroyed.gone) {
      // Never a second instance beside one not verified gone: the next pass tries again.
      this.logger.warn('preempted instance not verified gone yet; reprovisioning waits', { sessionId: recorded.id, reason: destroyed.reason });
      return 'retry_later';
    }
    const moved = await this.options.provisioning.reprovisionAfterPreemption(recorded);
    if (!moved.ok) return this.end(recorded, `instance preempted (outbid); no reprovision: ${moved.reason}`);
    this.startSaga(moved.session.id);
    return 'reprovisioning';
  }

  private async write(session: Session, instance: ProviderInstance, seenAt: Date): Promise<Session | undefined> {
    // A running instance also had a price and a host: the event keeps where the session was.
    const data = { ...preemptionRecord(session, instance.providerInstanceId, seenAt), pricePerHourMicros: session.pricePerHourMicros, sshHost: session.sshHost, sshPort: session.sshPort };
    const event = this.writer.event(session.id, 'preempted', 'reconciler', `instance ${instance.providerInstanceId} preempted: outbid at its bid; billing of the instance ended`, data);
    // On the version the pass saw: a session changed meanwhile is looked at again next pass.
    const updated = await this.writer.update(session, () => decide.write({ stoppedAt: seenAt, preemptions: session.preemptions + 1 }, [event]), 1);
    if (!updated.ok) return undefined;
    this.logger.warn('spot instance preempted', { sessionId: session.id, providerInstanceId: instance.providerInstanceId, onPreempt: session.onPreempt });
    this.options.onPreempted?.(updated.val);
    return updated.val;
  }

  private async end(session: Session, reason: string): Promise<PreemptionOutcome> {
    // Billing ended at the preemption (stoppedAt): the terminator keeps that as the end once the instance is confirmed gone.
    await this.options.terminator.stop(session.id, { actor: 'reconciler', reason, stopReason: 'preempted' });
    return 'ended';
  }
}
