import { recoverSessions, type Logger } from '@gpu-shopper/core';

import { type Services } from '../compose.js';
import { type ServerEnv } from '../env.js';
import { IntervalJob } from './interval-job.js';

const IDEMPOTENCY_PURGE_INTERVAL_MS = 3_600_000;

/**
 * The server's background work: provisioning sagas started by requests, the lifecycle tick, the
 * reconciler, and inventory refresh. `stop()` stops the loops and waits for in-flight passes;
 * it never destroys workloads (a restart resumes everything from the database).
 */
export class BackgroundJobs {
  private readonly sagas = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private readonly jobs: IntervalJob[];

  constructor(
    private readonly services: Services,
    env: ServerEnv,
    private readonly logger: Logger,
    /** How often due benchmark schedules are checked. */
    private readonly benchmarkTickMs = 30_000,
  ) {
    const lifecycle = new IntervalJob(
      'lifecycle tick',
      env.LIFECYCLE_CHECK_INTERVAL,
      async () => {
        const report = await services.lifecycle.tick();
        services.metrics.stuckStopping.set(report.stuckStopping);
      },
      logger,
    );
    const reconciler = new IntervalJob(
      'reconciliation',
      env.RECONCILIATION_INTERVAL,
      async () => {
        const report = await services.reconciler.pass();
        if (report.foreign.length > 0) logger.info('instances not managed by this deployment', { count: report.foreign.length });
      },
      logger,
    );
    const inventory = new IntervalJob('inventory refresh', env.INVENTORY_CACHE_TTL, () => services.inventory.refreshStale(), logger);
    // Expired idempotency keys are refused on read already; this keeps the table from growing.
    const idempotencyPurge = new IntervalJob(
      'idempotency purge',
      IDEMPOTENCY_PURGE_INTERVAL_MS,
      async () => {
        const removed = await services.storage.repositories.idempotency.deleteExpired(services.clock.now());
        if (removed > 0) logger.info('expired idempotency keys purged', { removed });
      },
      logger,
    );
    this.jobs = [lifecycle, reconciler, inventory, idempotencyPurge];
  }

  /** Resumes unfinished sessions and benchmark runs, then starts the loops and the benchmark scheduler. */
  async start(): Promise<void> {
    const recovery = await recoverSessions({
      repositories: this.services.storage.repositories,
      provisioning: this.services.provisioning,
      terminator: this.services.terminator,
      logger: this.logger,
    });
    this.track(recovery.done);
    for (const job of this.jobs) job.start(true);
    // After session recovery: a resumed benchmark attempt finds its session in its recovered state.
    const resumed = await this.services.benchmarkRunner.resume();
    if (resumed.length > 0) this.logger.info('benchmark runs resumed', { runs: resumed });
    this.services.benchmarkScheduler.start(this.benchmarkTickMs);
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
    await Promise.all(this.jobs.map((job) => job.stop()));
    await this.idle();
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.logger.error('background work failed', { error }));
    this.sagas.add(tracked);
    void tracked.finally(() => this.sagas.delete(tracked));
  }
}
