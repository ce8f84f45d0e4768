import { type ProviderAdapter, type ProviderInstance } from '../ports/provider-adapter.js';
import { decide } from '../sessions/session-writer.js';
import { type Session } from '../sessions/session.js';
import { type SagaContext } from './provisioning-options.js';
import { preemptionRecord } from './spot-terms.js';
import { nextWaitStep, progressForNextAttempt, WAIT_START, type WaitObservation, type WaitPolicy, type WaitProgress } from './wait-decision.js';

/**
 * Step 3 of the saga: wait until the instance runs, SSH answers with the session key and the node
 * is ready (twice in a row), then move the session to `running`. Each round observes, asks
 * `nextWaitStep` what to do, and does it; a failed attempt either ends the session or, with
 * auto-retry, continues the wait on the next attempt's instance.
 */
export class ReadinessWait {
  constructor(private readonly ctx: SagaContext) {}

  async untilRunning(initial: Session, provider: ProviderAdapter, signal?: AbortSignal): Promise<Session> {
    const options = this.ctx.options;
    const policy: WaitPolicy = {
      intervalMs: options.pollIntervalMs ?? 5000,
      sshInitialDelayMs: options.timing[initial.provider].sshInitialDelayMs,
      readinessConsecutive: options.readinessConsecutive ?? 2,
      maxAuthFailures: options.maxAuthFailures ?? 3,
    };
    let session = initial;
    let progress: WaitProgress = WAIT_START;
    // What the current round has seen (kept for the step that moves the session to running).
    let instance: ProviderInstance | undefined;
    let hostKeyFingerprint: string | null = null;
    // The session as this wait last wrote or was handed it, with nothing awaited since: a round
    // starts from it without reading it again. After a pause, or a write someone else won, the
    // round asks for the stored version (someone else may have taken over meanwhile) and reads the
    // session only when it changed.
    let held: Session | undefined = initial;
    // The session's private key, read and decrypted once per wait, not once per readiness check.
    const key = new SessionKeyOnce(this.ctx);

    for (;;) {
      if (signal?.aborted) return session;
      const fresh = held ?? (await this.current(session));
      held = undefined;
      // Someone else (a stop, the lifecycle) took over: the saga steps back.
      if (!fresh || fresh.status !== 'provisioning') return fresh ?? session;
      session = fresh;
      const now = options.clock.now().getTime();
      let observation: WaitObservation = { kind: 'round', now, deadline: session.provisioningDeadline, instanceRecorded: session.providerInstanceId !== null };

      round: for (;;) {
        const decision = nextWaitStep(progress, observation, policy);
        progress = decision.progress;
        const step = decision.step;
        switch (step.kind) {
          case 'read_instance': {
            const read = await provider.getInstance(session.providerInstanceId ?? '', signal);
            instance = read.ok ? read.val : undefined;
            // Outbid before it ever ran: billing of the bid ended by now; the session follows its
            // on_preempt policy — ends (preempted), or waits for the instance on a comparable offer.
            if (read.ok && read.val.state === 'preempted' && session.interruptible) {
              const next = await this.outbidBeforeRunning(session, provider);
              if (next.status !== 'provisioning') return next;
              session = next;
              held = next;
              progress = progressForNextAttempt(progress);
              break round;
            }
            observation = {
              kind: 'instance',
              now,
              read: read.ok ? { found: true, state: read.val.state, hasSsh: read.val.ssh !== null } : { found: false, notFound: read.err.code === 'PROVIDER_NOT_FOUND' },
            };
            continue;
          }
          case 'check_readiness': {
            const checked = await this.checkReadiness(session, instance, key, signal);
            hostKeyFingerprint = checked.hostKeyFingerprint;
            observation = { kind: 'readiness', result: checked.result };
            continue;
          }
          case 'sleep':
            // Once per distinct reason: "package manager lock held" for ten minutes is one line, not a hundred.
            if (step.notReady) this.ctx.logger.info('node reachable, not ready yet', { sessionId: session.id, reason: step.notReady });
            await this.ctx.sleep(step.ms, signal);
            break round;
          case 'fail': {
            // A check cut short by shutdown is no verdict on the instance: step back, never destroy (invariant 9).
            if (signal?.aborted) return session;
            if (step.offerFailure) await this.ctx.recordOfferFailure(session, step.offerFailure.type, step.offerFailure.reason);
            const next = await this.ctx.fail(session, step.errorType, step.message);
            if (next.status !== 'provisioning') return next;
            // Auto-retry moved the session to another offer: wait for that attempt's instance.
            session = next;
            held = next;
            progress = progressForNextAttempt(progress);
            break round;
          }
          case 'running': {
            const ssh = instance?.ssh;
            if (!ssh) throw new Error('readiness verified without SSH details');
            const running = await this.ctx.transition(session, 'verify_ready', 'SSH verified and the node is ready', {
              sshHost: ssh.host,
              sshPort: ssh.port,
              sshUser: ssh.user,
              hostKeyFingerprint: hostKeyFingerprint ?? session.hostKeyFingerprint,
            });
            if (running) {
              this.ctx.logger.info('session running', { sessionId: session.id, provider: session.provider });
              // Back after a preemption: say that the session now lives on another host (SSE, webhooks).
              if (running.preemptions > 0) {
                await this.ctx.writer.note(running.id, 'host_changed', 'provisioner', `the session moved to ${ssh.host}:${ssh.port} after its instance was preempted`, {
                  sshHost: ssh.host,
                  sshPort: ssh.port,
                  providerInstanceId: running.providerInstanceId,
                  offerId: running.offerId,
                });
              }
              return running;
            }
            // Someone else changed the session meanwhile: look again at once.
            break round;
          }
        }
      }
    }
  }

  /** The stored session: `known` itself while its version is the stored one, else read again. */
  private async current(known: Session): Promise<Session | undefined> {
    const sessions = this.ctx.options.repositories.sessions;
    return (await sessions.versionOf(known.id)) === known.version ? known : sessions.get(known.id);
  }

  /**
   * A spot instance outbid while it was still coming up: recorded as a preemption (billing of the
   * instance ends at this sighting, `stoppedAt`, which the terminator keeps as the end). With
   * `on_preempt: reprovision` the session moves to a comparable spot offer (the old instance
   * destroyed and verified first); otherwise, or when no move is possible, it ends through the
   * terminator, the instance destroyed and verified.
   */
  private async outbidBeforeRunning(session: Session, provider: ProviderAdapter): Promise<Session> {
    let recorded = session;
    // A provisioning session has no billing end unless its preemption is recorded: a round cut short
    // by a restart carries on from there, and billing stays ended at the first sighting.
    if (session.stoppedAt === null) {
      const now = this.ctx.options.clock.now();
      const event = this.ctx.writer.event(
        session.id,
        'preempted',
        'provisioner',
        `instance ${session.providerInstanceId ?? ''} preempted (outbid) before it ran`,
        preemptionRecord(session, session.providerInstanceId, now),
      );
      const written = await this.ctx.writer.update(session, () => decide.write({ stoppedAt: now, preemptions: session.preemptions + 1 }, [event]), 1);
      if (!written.ok) return (await this.ctx.options.repositories.sessions.get(session.id)) ?? session;
      recorded = written.val;
    }
    if (recorded.onPreempt === 'reprovision') {
      const moved = await this.ctx.reprovisionOutbid(recorded, provider);
      if (moved) return moved;
    }
    const stopped = await this.ctx.options.terminator.stop(session.id, { actor: 'provisioner', reason: 'instance preempted (outbid) before it ran', stopReason: 'preempted' });
    return stopped.ok ? stopped.val : recorded;
  }

  /** Asks the node over SSH, with the session's key, whether it is ready. */
  private async checkReadiness(
    session: Session,
    instance: ProviderInstance | undefined,
    key: SessionKeyOnce,
    signal?: AbortSignal,
  ): Promise<{ result: Extract<WaitObservation, { kind: 'readiness' }>['result']; hostKeyFingerprint: string | null }> {
    const ssh = instance?.ssh;
    const privateKey = ssh && (await key.of(session.id));
    if (!privateKey || !ssh) return { result: { outcome: 'key_missing' }, hostKeyFingerprint: null };
    const check = await this.ctx.options.readiness.check({ ...ssh, privateKey, hostKeyFingerprint: session.hostKeyFingerprint }, signal);
    if (!check.ok) {
      const result = check.err.kind === 'auth' ? ({ outcome: 'auth_rejected', message: check.err.message } as const) : ({ outcome: 'unreachable', retryable: check.err.retryable, message: check.err.message } as const);
      return { result, hostKeyFingerprint: null };
    }
    return { result: check.val.ready ? { outcome: 'ready' } : { outcome: 'not_ready', reason: check.val.reason }, hostKeyFingerprint: check.val.hostKeyFingerprint ?? null };
  }
}

/**
 * A session's private key, read and decrypted on first use and kept for the rest of one wait (a
 * session keeps its key across attempts). A missing key is read again next time: it is no answer
 * to keep.
 */
class SessionKeyOnce {
  private known: { readonly sessionId: string; readonly privateKey: string } | undefined;

  constructor(private readonly ctx: SagaContext) {}

  async of(sessionId: string): Promise<string | undefined> {
    if (this.known?.sessionId === sessionId) return this.known.privateKey;
    const secret = await this.ctx.options.repositories.sessionSecrets.get(sessionId);
    if (!secret) return undefined;
    this.known = { sessionId, privateKey: this.ctx.options.cipher.decrypt(secret) };
    return this.known.privateKey;
  }
}
