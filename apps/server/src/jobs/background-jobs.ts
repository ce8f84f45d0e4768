import { LIVE_STATUSES, recoverSessions, type Logger } from '@gpu-shopper/core';

import { type Services } from '../compose.js';
import { type ServerEnv } from '../env.js';
import { SESSION_LEASE_TTL_MS } from '../replicas/replica.js';
import { IntervalJob } from './interval-job.js';

const IDEMPOTENCY_PURGE_INTERVAL_MS = 3_600_000;
/**
 * Replicas: how often each one reads the offer failures the others recorded, so a suppression
 * decided on one replica hides the offer on every replica within this time.
 */
export const OFFER_FAILURE_REFRESH_MS = 5_000;

/**
 * The server's background work: provisioning sagas started by requests, the lifecycle tick, the
 * reconciler, and inventory refresh. `stop()` stops the loops and waits for in-flight passes;
 * it never destroys workloads (a restart resumes everything from the database).
 *
 * With several replicas (PostgreSQL) every replica runs the sagas its requests start; only the
 * elected leader runs the loops, the benchmark scheduler, and a sweep that resumes the sagas of
 * sessions no live replica owns (their replica died). A replica that loses the lead stops the loops.
 */
export class BackgroundJobs {
  private readonly sagas = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private readonly jobs: IntervalJob[];
  /** Only while leading on PostgreSQL: the first sweep after election also continues destroys. */
  private readonly sweep: IntervalJob | null;
  private sweepIncludesStopping = true;
  /** Replicas only, on every replica (not just the leader): each serves the inventory. */
  private readonly failureRefresh: IntervalJob | null;

  constructor(
    private readonly services: Services,
    env: ServerEnv,
    private readonly logger: Logger,
    /** How often due benchmark schedules are checked. */
    private readonly benchmarkTickMs = 30_000,
  ) {
    const job = (name: string, intervalMs: number, work: () => Promise<void>): IntervalJob =>
      new IntervalJob(name, intervalMs, work, logger, (seconds) => services.metrics.backgroundJobDuration.observe({ job: name }, seconds));
    const lifecycle = job(
      'lifecycle tick',
      env.LIFECYCLE_CHECK_INTERVAL,
      async () => {
        const report = await services.lifecycle.tick();
        services.metrics.stuckStopping.set(report.stuckStopping);
        services.replica.lifecycleTicked(services.clock.now());
      },
    );
    const reconciler = job(
      'reconciliation',
      env.RECONCILIATION_INTERVAL,
      async () => {
        const report = await services.reconciler.pass();
        if (report.foreign.length > 0) logger.info('instances not managed by this deployment', { count: report.foreign.length });
      },
    );
    const inventory = job('inventory refresh', env.INVENTORY_CACHE_TTL, () => services.inventory.refreshStale());
    // Expired idempotency keys are refused on read already; this keeps the table from growing.
    const idempotencyPurge = job('idempotency purge', IDEMPOTENCY_PURGE_INTERVAL_MS, async () => {
      const removed = await services.storage.repositories.idempotency.deleteExpired(services.clock.now());
      if (removed > 0) logger.info('expired idempotency keys purged', { removed });
    });
    this.jobs = [lifecycle, reconciler, inventory, idempotencyPurge];
    // A preempted spot session put back in provisioning is driven like any saga: tracked, stopped on shutdown.
    services.preemptions.setSagaStarter((sessionId) => this.startProvisioning(sessionId));
    this.sweep = services.replica.ownership
      ? job('session takeover sweep', SESSION_LEASE_TTL_MS, () => this.takeOverSessions())
      : null;
    this.failureRefresh = services.replica.ownership
      ? job('offer failure refresh', OFFER_FAILURE_REFRESH_MS, () => services.failures.refresh())
      : null;
  }

  /** Leads at once (one process) or campaigns for the lead (replicas); the leader's work starts when elected. */
  async start(): Promise<void> {
    this.failureRefresh?.start();
    await this.services.replica.lead({
      elected: () => this.startLeading(),
      deposed: () => this.stopLeading(),
    });
  }

  /** Resumes unfinished sessions and benchmark runs, then starts the loops and the benchmark scheduler. */
  private async startLeading(): Promise<void> {
    if (this.sweep) {
      this.sweepIncludesStopping = true;
      this.sweep.start(true);
    } else {
      const recovery = await recoverSessions({
        repositories: this.services.storage.repositories,
        provisioning: this.services.provisioning,
        terminator: this.services.terminator,
        logger: this.logger,
      });
      this.track(recovery.done);
    }
    for (const job of this.jobs) job.start(true);
    // After session recovery: a resumed benchmark attempt finds its session in its recovered state.
    const resumed = await this.services.benchmarkRunner.resume();
    if (resumed.length > 0) this.logger.info('benchmark runs resumed', { runs: resumed });
    this.services.benchmarkScheduler.start(this.benchmarkTickMs);
  }

  private async stopLeading(): Promise<void> {
    await this.services.benchmarkScheduler.stop();
    await Promise.all([...this.jobs, ...(this.sweep ? [this.sweep] : [])].map((job) => job.stop()));
  }

  /**
   * Replicas: resumes the sagas of sessions no live replica owns (the owner's lease ran out), and
   * right after an election the destroys of stopping sessions too (later the lifecycle tick retries
   * those on their backoff). Ownership decides: a session another replica still drives is skipped.
   */
  private async takeOverSessions(): Promise<void> {
    const ownership = this.services.replica.ownership;
    const includeStopping = this.sweepIncludesStopping;
    this.sweepIncludesStopping = false;
    const live = await this.services.storage.repositories.sessions.list({ statuses: LIVE_STATUSES });
    for (const session of live) {
      if (ownership?.ownsHere(session.id)) continue;
      if (session.status === 'pending' || session.status === 'provisioning') this.startProvisioning(session.id);
      else if (session.status === 'stopping' && includeStopping) this.track(this.services.terminator.destroyAndVerify(session, 'recovery'));
    }
  }

  /** Runs a new session's provisioning saga in the background. */
  startProvisioning(sessionId: string): void {
    const started = performance.now();
    this.track(
      this.services.provisioning.run(sessionId, this.abort.signal).then((session) => {
        if (session && session.status !== 'provisioning') {
          this.services.metrics.provisioningDuration.observe({ provider: session.provider, outcome: session.status === 'running' ? 'running' : 'failed' }, (performance.now() - started) / 1000);
        }
      }),
    );
  }

  /** Lets the tests and the shutdown path wait for everything in flight. */
  async idle(): Promise<void> {
    while (this.sagas.size > 0) await Promise.allSettled([...this.sagas]);
  }

  async stop(): Promise<void> {
    // The scheduler first (no new runs), then the runner pauses between steps without destroying
    // anything: runs resume from the database on the next start, like sessions.
    await this.services.benchmarkScheduler.stop();
    await this.services.benchmarkRunner.stop();
    // Sagas stop between steps; their sessions stay as recorded and resume on the next start.
    this.abort.abort();
    await Promise.all([...this.jobs, ...(this.sweep ? [this.sweep] : []), ...(this.failureRefresh ? [this.failureRefresh] : [])].map((job) => job.stop()));
    await this.idle();
    // Last: the lease is released only once this replica's loops have stopped.
    await this.services.replica.stop();
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.logger.error('background work failed', { error }));
    this.sagas.add(tracked);
    void tracked.finally(() => this.sagas.delete(tracked));
  }
}
