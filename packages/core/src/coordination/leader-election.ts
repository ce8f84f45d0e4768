import { noopLogger, type Logger } from '../logging/logger.js';
import { type LeaseRepository } from '../ports/leases.js';
import { type Clock } from '../time/clock.js';

export type ReplicaRole = 'leader' | 'follower';

export interface LeaderElectionOptions {
  readonly leases: LeaseRepository;
  /** This replica's id (the lease holder). */
  readonly holder: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The lease's time: a dead leader is replaced at most ttlMs + retryMs after its last renewal. @default 10 s */
  readonly ttlMs?: number;
  /** How often the leader renews and a follower tries to take over. @default ttlMs / 5 */
  readonly retryMs?: number;
  /** @default 'leader' */
  readonly name?: string;
}

export interface LeadershipListener {
  /** This replica became leader with this fencing token: start the background work. */
  elected(token: number): Promise<void> | void;
  /** It is no longer leader (lease lost, renewal failing too long, or stopping): stop that work. */
  deposed(reason: string): Promise<void> | void;
}

/**
 * One leader among replicas through a renewed lease. Followers try to acquire it every retryMs; the
 * leader renews it as often. A leader whose renewals fail (database unreachable) steps down before
 * its lease can expire, so two leaders never overlap by this replica's clock; a crashed leader's
 * lease expires and a follower takes over within ttlMs + retryMs (10 s + 2 s by default).
 */
export class LeaderElection {
  private currentRole: ReplicaRole = 'follower';
  private currentToken: number | undefined;
  private validUntil = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stepping: Promise<void> = Promise.resolve();
  private looping = false;
  /** Set by stop(): no step may make this replica leader again. */
  private closed = false;
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly name: string;
  private readonly logger: Logger;

  constructor(
    private readonly options: LeaderElectionOptions,
    private readonly listener: LeadershipListener,
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.retryMs = options.retryMs ?? Math.max(50, Math.floor(this.ttlMs / 5));
    if (this.retryMs * 2 >= this.ttlMs) throw new Error(`leader election: retryMs (${this.retryMs}) must be under half of ttlMs (${this.ttlMs})`);
    this.name = options.name ?? 'leader';
    this.logger = (options.logger ?? noopLogger).child({ component: 'leader-election', replica: options.holder });
  }

  get role(): ReplicaRole {
    return this.currentRole;
  }

  get token(): number | undefined {
    return this.currentToken;
  }

  /** The documented bound on a takeover after the leader dies. */
  get takeoverBoundMs(): number {
    return this.ttlMs + this.retryMs;
  }

  start(): void {
    if (this.looping || this.closed) return;
    this.looping = true;
    this.loop(0);
  }

  /** One election step now (renew or try to acquire); the loop calls it every retryMs. */
  step(): Promise<void> {
    this.stepping = this.stepping.then(() => this.stepOnce());
    return this.stepping;
  }

  /** Stops campaigning; a leader stops its work and releases the lease so a follower takes over at once. */
  async stop(): Promise<void> {
    this.closed = true;
    this.looping = false;
    clearTimeout(this.timer);
    await this.stepping;
    if (this.currentRole === 'leader') {
      const token = this.currentToken ?? 0;
      await this.depose('stopping');
      await this.options.leases.release(this.name, this.options.holder, token, this.options.clock.now()).catch((error: unknown) => {
        this.logger.warn('leader lease not released; it expires on its own', { error });
      });
    }
  }

  private loop(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.step().finally(() => {
        if (this.looping) this.loop(this.retryMs);
      });
    }, delayMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async stepOnce(): Promise<void> {
    if (this.closed) return;
    const now = this.options.clock.now();
    if (this.currentRole === 'leader') {
      try {
        const lease = await this.options.leases.renew(this.name, this.options.holder, this.currentToken ?? 0, now, this.ttlMs);
        if (lease) this.validUntil = now.getTime() + this.ttlMs;
        else await this.depose('the lease was taken over');
      } catch (error) {
        // Step down before the lease can expire: a follower may take it over then.
        if (this.options.clock.now().getTime() + this.retryMs >= this.validUntil) await this.depose('lease renewal keeps failing');
        else this.logger.warn('leader lease renewal failed; retrying', { error });
      }
      return;
    }
    let lease;
    try {
      lease = await this.options.leases.acquire(this.name, this.options.holder, now, this.ttlMs);
    } catch (error) {
      this.logger.warn('leader lease check failed', { error });
      return;
    }
    if (!lease) return;
    this.currentRole = 'leader';
    this.currentToken = lease.token;
    this.validUntil = now.getTime() + this.ttlMs;
    this.logger.info('became leader', { fencing: lease.token });
    try {
      await this.listener.elected(lease.token);
    } catch (error) {
      this.logger.error('starting leader work failed', { error });
    }
  }

  private async depose(reason: string): Promise<void> {
    if (this.currentRole !== 'leader') return;
    this.currentRole = 'follower';
    this.logger.warn('no longer leader', { reason, fencing: this.currentToken });
    this.currentToken = undefined;
    try {
      await this.listener.deposed(reason);
    } catch (error) {
      this.logger.error('stopping leader work failed', { error });
    }
  }
}
