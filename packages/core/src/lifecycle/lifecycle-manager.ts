import { type CostAccountant } from '../cost/cost-accountant.js';
import { type IdGenerator } from '../ids/ids.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type Repositories } from '../ports/repositories.js';
import { type GpuActivitySampler, type SecretCipher } from '../ports/session-access.js';
import { type SessionTerminator, type StopRequest } from '../provisioning/session-terminator.js';
import { LIVE_STATUSES, type Session } from '../sessions/session.js';
import { decide, SessionWriter } from '../sessions/session-writer.js';
import { type Clock } from '../time/clock.js';
import { forEachBounded } from './bounded.js';

export interface LifecycleManagerOptions {
  readonly repositories: Repositories;
  readonly terminator: SessionTerminator;
  /** Only accrual and the budget check: the tick never reads reports. */
  readonly costs: Pick<CostAccountant, 'accrueAll' | 'checkBudget'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
  /** Needed for the idle timeout; without it idle timeouts are not enforced (and a warning says so). */
  readonly activity?: GpuActivitySampler;
  readonly cipher?: SecretCipher;
  /** Sessions handled at once per tick. @default 4 */
  readonly concurrency?: number;
  /** A provisioning session this far past its deadline has lost its saga (e.g. a crash): the tick fails it. @default 60000 */
  readonly provisioningGraceMs?: number;
  /** Time in `stopping` after which every tick raises an alert. @default 15 minutes */
  readonly stuckStoppingAlertMs?: number;
  readonly onStuckStopping?: (session: Session) => void;
}

type TickAction = { kind: 'stop'; request: StopRequest } | { kind: 'destroy' } | { kind: 'none' };

export interface LifecycleTickReport {
  readonly stopped: { sessionId: string; reason: string }[];
  readonly destroyRetries: number;
  readonly stuckStopping: number;
  readonly errors: number;
}

/**
 * One pass over every live session, every LIFECYCLE_CHECK_INTERVAL: hard max, reservation expiry,
 * provisioning deadlines, idle timeout, due destroy retries, stuck-stopping alerts, and cost accrual.
 * Work is concurrent and bounded; an error on one session is logged and never stops the others.
 */
/** Consecutive failed idle samples of a session before a warning (then every this many more). */
export const IDLE_SAMPLE_FAILURES_BEFORE_WARNING = 3;

export class LifecycleManager {
  private readonly logger: Logger;
  /** Consecutive failed idle samples per session (in memory: a restart starts counting again). */
  private readonly idleSampleFailures = new Map<string, number>();

  private readonly writer: SessionWriter;

  constructor(private readonly options: LifecycleManagerOptions) {
    this.writer = new SessionWriter({ sessions: options.repositories.sessions, clock: options.clock, ids: options.ids });
    this.logger = (options.logger ?? noopLogger).child({ component: 'lifecycle' });
  }

  async tick(): Promise<LifecycleTickReport> {
    const sessions = await this.options.repositories.sessions.list({ statuses: LIVE_STATUSES });
    const live = new Set(sessions.map((s) => s.id));
    for (const id of this.idleSampleFailures.keys()) if (!live.has(id)) this.idleSampleFailures.delete(id);
    const stopped: { sessionId: string; reason: string }[] = [];
    let destroyRetries = 0;
    let stuckStopping = 0;
    const act = async (session: Session, action: TickAction): Promise<void> => {
      if (action.kind === 'stop') {
        stopped.push({ sessionId: session.id, reason: action.request.stopReason });
        await this.options.terminator.stop(session.id, action.request);
      } else if (action.kind === 'destroy') {
        destroyRetries++;
        await this.options.terminator.destroyAndVerify(session, 'lifecycle');
      }
    };
    const concurrency = this.options.concurrency ?? 4;
    // Deadlines first: a hard max, reservation end or due destroy must not queue behind every other
    // session's idle sample (an SSH round trip each) or accrual. With many live sessions, or on a
    // loaded database right after a leader takeover, that queue takes seconds, and a deadline's
    // lateness is the sum.
    const due = sessions.flatMap((session) => {
      const action = this.deadlineAction(session);
      return action.kind === 'none' ? [] : [{ session, action }];
    });
    const acted = new Set(due.map((d) => d.session.id));
    const deadlineErrors = await forEachBounded(due, concurrency, ({ session, action }) => act(session, action));
    const errors = await forEachBounded(sessions, concurrency, async (session) => {
      if (!acted.has(session.id) && session.status === 'running' && session.idleTimeoutMinutes > 0 && (await this.isIdle(session))) {
        await act(session, { kind: 'stop', request: { actor: 'lifecycle', reason: `idle for ${session.idleTimeoutMinutes} minutes`, stopReason: 'idle' } });
      }
      if (session.status === 'stopping' && this.isStuck(session)) {
        stuckStopping++;
        this.logger.error('session stuck in stopping', { sessionId: session.id, since: session.statusChangedAt.toISOString(), attempts: session.destroyAttempts, lastError: session.lastDestroyError });
        this.options.onStuckStopping?.(session);
      }
    });
    errors.unshift(...deadlineErrors);
    for (const error of errors) this.logger.error('lifecycle work failed for a session', { error });
    // Cost accrual for the whole tick at once: the live sessions read again (what the work above
    // changed, and what other writers changed meanwhile), their high-water marks in one read and
    // the lines in batched compare-and-set writes, instead of a read, a mark and a transaction per
    // session. Sessions that ended during the tick were accrued by the terminator as they ended.
    try {
      await this.options.costs.accrueAll(await this.options.repositories.sessions.list({ statuses: LIVE_STATUSES }));
    } catch (error) {
      errors.push(error);
      this.logger.error('cost accrual of the tick failed', { error });
    }
    const consumers = new Set(sessions.map((s) => s.consumerId));
    for (const consumerId of consumers) await this.options.costs.checkBudget(consumerId);
    return { stopped, destroyRetries, stuckStopping, errors: errors.length };
  }

  /** What falls due now, from the session alone (no I/O): the idle timeout is sampled afterwards. */
  private deadlineAction(session: Session): TickAction {
    const now = this.options.clock.now().getTime();
    if (session.status === 'stopping') {
      return session.nextDestroyAt === null || session.nextDestroyAt.getTime() <= now ? { kind: 'destroy' } : { kind: 'none' };
    }
    if (session.status === 'pending') return { kind: 'none' };
    if (!session.hardMaxOverride && now >= session.hardMaxAt.getTime()) {
      return { kind: 'stop', request: { actor: 'lifecycle', reason: 'hard maximum reached', stopReason: 'hard_max' } };
    }
    // Stopped with its disk kept: only the hard maximum (above), a delete or the budget end it.
    if (session.status === 'stopped') return { kind: 'none' };
    if (session.status === 'provisioning') {
      if (now > session.provisioningDeadline.getTime() + (this.options.provisioningGraceMs ?? 60_000)) {
        return {
          kind: 'stop',
          request: { actor: 'lifecycle', reason: 'provisioning deadline passed', stopReason: 'provisioning_timeout', errorType: 'provisioning_timeout' },
        };
      }
      return { kind: 'none' };
    }
    if (now >= session.expiresAt.getTime()) {
      return { kind: 'stop', request: { actor: 'lifecycle', reason: 'reservation expired', stopReason: 'expired' } };
    }
    return { kind: 'none' };
  }

  /** Samples the GPUs; records activity; true when idle for the session's whole idle timeout. */
  private async isIdle(session: Session): Promise<boolean> {
    const { activity, cipher } = this.options;
    if (!activity || !cipher || !session.sshHost || !session.sshPort || !session.sshUser) return false;
    const secret = await this.options.repositories.sessionSecrets.get(session.id);
    if (!secret) return false;
    const sample = await activity.sample({
      host: session.sshHost,
      port: session.sshPort,
      user: session.sshUser,
      privateKey: cipher.decrypt(secret),
      hostKeyFingerprint: session.hostKeyFingerprint,
    });
    // An unreachable node is not evidence of idleness: never stop a session on a failed sample.
    // But an idle timeout that can never fire must not stay silent: say so when it keeps failing.
    if (!sample.ok) {
      const failures = (this.idleSampleFailures.get(session.id) ?? 0) + 1;
      this.idleSampleFailures.set(session.id, failures);
      if (failures % IDLE_SAMPLE_FAILURES_BEFORE_WARNING === 0) {
        this.logger.warn('idle timeout not enforced: GPU activity sampling keeps failing', {
          sessionId: session.id,
          consecutiveFailures: failures,
          idleTimeoutMinutes: session.idleTimeoutMinutes,
          error: sample.err.message,
        });
      }
      return false;
    }
    this.idleSampleFailures.delete(session.id);
    const now = this.options.clock.now();
    if (sample.val.busy) {
      // Best effort, on the version just sampled: a session changing meanwhile is looked at next tick.
      await this.writer.update(session, () => decide.write({ lastActiveAt: now }), 1);
      return false;
    }
    const since = session.lastActiveAt ?? session.statusChangedAt;
    return now.getTime() - since.getTime() >= session.idleTimeoutMinutes * 60_000;
  }

  private isStuck(session: Session): boolean {
    return this.options.clock.now().getTime() - session.statusChangedAt.getTime() > (this.options.stuckStoppingAlertMs ?? 15 * 60_000);
  }
}
