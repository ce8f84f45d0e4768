import path from 'node:path';

import {
  createCoreServices,
  type PreemptionHandler,
  LIVE_STATUSES,
  UlidIdGenerator,
  type CostAccountant,
  type InventoryService,
  type LifecycleManager,
  type OfferFailureTracker,
  type ProvisioningService,
  type Reconciler,
  type SessionCommands,
  type SessionTerminator,
  microsToUsd,
  type Clock,
  type Logger,
  type ProviderAdapter,
  type ProviderName,
  type ProviderTiming,
  type SecretCipher,
} from '@gpu-shopper/core';
import { BenchmarkRunner, BenchmarkScheduler, importPublishedBenchmarks } from '@gpu-shopper/bench';
import { createProviderAdapters, diagnoseProviders, type ProviderCredentials } from '@gpu-shopper/providers';
import { startSimulator, type RunningSimulator, type SimulatorUrls } from '@gpu-shopper/simulator';
import { openDatabase, type Storage } from '@gpu-shopper/storage';

import { type AppDeps } from './deps.js';
import { isSimulateMode, type ServerEnv } from './env.js';
import { createNodeAccess, type NodeAccess } from './node-access.js';
import { createMetrics, type ServerMetrics } from './observability/metrics.js';
import { defaultReplicaId, Replica } from './replicas/replica.js';
import { AesSecretCipher, loadOrCreateEncryptionKey } from './security/aes-secret-cipher.js';

/** Per-provider timing. Real vendors need long waits (TensorDock rewrites keys for ~90 s, Blue Lobster upgrades for minutes); the simulator is fast. */
const LIVE_TIMING: Record<ProviderName, ProviderTiming> = {
  vastai: { sshInitialDelayMs: 15_000, provisioningTimeoutMs: 20 * 60_000 },
  tensordock: { sshInitialDelayMs: 90_000, provisioningTimeoutMs: 20 * 60_000 },
  bluelobster: { sshInitialDelayMs: 60_000, provisioningTimeoutMs: 40 * 60_000 },
};
const SIMULATED_TIMING: Record<ProviderName, ProviderTiming> = {
  vastai: { sshInitialDelayMs: 0, provisioningTimeoutMs: 5 * 60_000 },
  tensordock: { sshInitialDelayMs: 0, provisioningTimeoutMs: 5 * 60_000 },
  bluelobster: { sshInitialDelayMs: 0, provisioningTimeoutMs: 5 * 60_000 },
};

export interface Services {
  readonly clock: Clock;
  readonly storage: Storage;
  /** This process among the replicas: its id, role (leader or follower) and session ownership. */
  readonly replica: Replica;
  /** The in-process simulator this server started (null in live mode and with SIMULATOR_URL). */
  readonly simulator: RunningSimulator | null;
  readonly mode: 'live' | 'simulate';
  readonly simulatorControlUrl: string | null;
  readonly providers: ReadonlyMap<ProviderName, ProviderAdapter>;
  readonly deploymentId: string;
  readonly cipher: SecretCipher;
  readonly metrics: ServerMetrics;
  readonly inventory: InventoryService;
  readonly failures: OfferFailureTracker;
  readonly terminator: SessionTerminator;
  readonly provisioning: ProvisioningService;
  readonly lifecycle: LifecycleManager;
  readonly reconciler: Reconciler;
  /** Spot sessions outbid: recorded, then ended or reprovisioned (the reprovisioning saga runs with the others). */
  readonly preemptions: PreemptionHandler;
  readonly commands: SessionCommands;
  readonly costs: CostAccountant;
  readonly nodes: NodeAccess;
  /** Benchmark runs through the provisioning saga, over the real SSH RemoteExec. */
  readonly benchmarkRunner: BenchmarkRunner;
  readonly benchmarkScheduler: BenchmarkScheduler;
  readonly appDeps: (extra: Pick<AppDeps, 'startProvisioning' | 'version'>) => AppDeps;
  close(): Promise<void>;
}

export interface ComposeOptions {
  readonly env: ServerEnv;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Simulate mode only: how fast simulated instances boot (ms). */
  readonly simulatorBootDelayMs?: number;
  /**
   * Simulate mode only: use this already-running simulator instead of starting one. The caller owns
   * it: `close()` leaves it running, so a test can restart the services against the same vendors.
   */
  readonly simulator?: RunningSimulator;
}

/** The vendor URLs of a running simulator, from its control API; a clear startup error when it does not answer. */
async function discoverSimulator(controlUrl: string): Promise<SimulatorUrls> {
  const base = controlUrl.replace(/\/+$/, '');
  let body: unknown;
  try {
    const res = await fetch(`${base}/_sim/health`, { signal: AbortSignal.timeout(5000) });
    body = await res.json();
  } catch (error) {
    throw new Error(`SIMULATOR_URL: no simulator answers at ${base}/_sim/health (${error instanceof Error ? error.message : String(error)}); start one with \`pnpm simulator\``, { cause: error });
  }
  const urls = (body as { urls?: Partial<SimulatorUrls> } | null)?.urls;
  if (!urls?.vastai || !urls.tensordock || !urls.bluelobster) throw new Error(`SIMULATOR_URL: ${base}/_sim/health did not list the vendor URLs`);
  return { control: base, vastai: urls.vastai, tensordock: urls.tensordock, bluelobster: urls.bluelobster };
}

/**
 * Builds every service from the configuration: storage (migrated), the deployment identity, the
 * provider adapters (pointed at the built-in simulator when no credentials are set), SSH access,
 * and the core services with their metrics hooks. `close()` stops the simulator and storage.
 */
export async function composeServices(options: ComposeOptions): Promise<Services> {
  const { env, clock, logger } = options;
  const ids = new UlidIdGenerator();
  // DATABASE_URL: PostgreSQL shared by replicas; otherwise the embedded SQLite file.
  const storage = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    databasePath: env.DATABASE_PATH,
    onIdleError: (error) => logger.warn('a pooled database connection failed; it is replaced', { error: error.message }),
  });
  const replica = new Replica(env.REPLICA_ID ?? defaultReplicaId(), storage.kind, storage, clock, logger);
  const repositories = storage.repositories;
  const deploymentId = await repositories.deployment.getOrCreate(ids.next('deployment'), clock.now());
  const cipher = new AesSecretCipher(
    loadOrCreateEncryptionKey(env.GPU_SHOPPER_ENCRYPTION_KEY, path.join(path.dirname(path.resolve(env.DATABASE_PATH)), 'gpu-shopper.key')),
  );
  const metrics = createMetrics(repositories);
  replica.registerMetrics(metrics.registry);
  // Replicas: every series names its replica, so one Prometheus scrapes them all apart.
  if (storage.kind === 'postgres') metrics.registry.setDefaultLabels({ replica: replica.id });

  const simulate = isSimulateMode(env);
  let simulator: RunningSimulator | null = null;
  let simulatorUrls: SimulatorUrls | null = null;
  const ownsSimulator = simulate && !options.simulator && !env.SIMULATOR_URL;
  let credentials: ProviderCredentials;
  if (simulate) {
    if (options.simulator) simulator = options.simulator;
    else if (!env.SIMULATOR_URL) simulator = await startSimulator({ seed: env.SIMULATOR_SEED, bootDelayMs: options.simulatorBootDelayMs ?? 1500 });
    simulatorUrls = simulator ? simulator.urls : await discoverSimulator(env.SIMULATOR_URL ?? '');
    // The real adapters, pointed at the simulator: simulate mode exercises exactly the production code path.
    credentials = {
      vastai: { apiKey: 'simulated-vastai-key', baseUrl: simulatorUrls.vastai },
      tensordock: { authId: 'simulated-auth-id', apiToken: 'simulated-api-token', baseUrl: simulatorUrls.tensordock },
      bluelobster: { apiKey: 'simulated-bluelobster-key', baseUrl: simulatorUrls.bluelobster },
    };
    logger.warn(
      `SIMULATE MODE: no provider credentials are set; serving ${ownsSimulator ? 'the built-in' : 'an external'} simulated marketplace (no real GPUs, no real money)`,
      { simulatorControl: simulatorUrls.control },
    );
  } else {
    credentials = {
      ...(env.VASTAI_API_KEY ? { vastai: { apiKey: env.VASTAI_API_KEY, ...(env.VASTAI_BASE_URL ? { baseUrl: env.VASTAI_BASE_URL } : {}) } } : {}),
      ...(env.TENSORDOCK_API_TOKEN && env.TENSORDOCK_AUTH_ID
        ? { tensordock: { authId: env.TENSORDOCK_AUTH_ID, apiToken: env.TENSORDOCK_API_TOKEN, ...(env.TENSORDOCK_BASE_URL ? { baseUrl: env.TENSORDOCK_BASE_URL } : {}) } }
        : {}),
      ...(env.BLUELOBSTER_API_KEY ? { bluelobster: { apiKey: env.BLUELOBSTER_API_KEY, ...(env.BLUELOBSTER_BASE_URL ? { baseUrl: env.BLUELOBSTER_BASE_URL } : {}) } } : {}),
    };
  }
  const adapters = createProviderAdapters(credentials, {
    logger,
    clock,
    simulated: simulate,
    ...(env.PROVIDER_RECORD_DIR ? { recordDir: env.PROVIDER_RECORD_DIR } : {}),
    // Replicas share the vendor accounts, so they share each vendor's call budget (a row per vendor).
    ...(storage.kind === 'postgres' ? { rateBudgets: storage.rateBudgets } : {}),
    onCall: (call) => {
      const status = call.status === null ? 'network_error' : String(call.status);
      metrics.providerCalls.inc({ provider: call.provider, operation: call.operation, status });
      metrics.providerLatency.observe({ provider: call.provider, operation: call.operation }, call.durationMs / 1000);
      if (call.status === null || call.status >= 400) {
        metrics.providerErrors.inc({ provider: call.provider, operation: call.operation, code: call.errorCode ?? status });
      }
    },
  });
  const providers = new Map<ProviderName, ProviderAdapter>(adapters.map((adapter) => [adapter.name, adapter]));
  logger.info('providers configured', { providers: [...providers.keys()], mode: simulate ? 'simulate' : 'live' });

  const nodes = createNodeAccess({ logger, repositories, cipher, clock });
  // BUDGET_EXHAUSTED_POLICY=stop: at 100 % the consumer's live sessions are stopped (the terminator
  // is built below, and the alert only fires from the lifecycle tick, after composition).
  const budgetStop: { sessionsOf?: (consumerId: string) => Promise<void> } = {};
  const core = createCoreServices(
    {
      repositories,
      providers: adapters,
      clock,
      ids,
      keys: nodes.keys,
      cipher,
      readiness: nodes.readiness,
      activity: nodes.activity,
      logger,
      ...(replica.ownership ? { sessionOwnership: replica.ownership } : {}),
    },
    {
      deploymentId,
      hardMaxHours: env.HARD_MAX_HOURS,
      timing: simulate ? SIMULATED_TIMING : LIVE_TIMING,
      orphanGraceMs: env.ORPHAN_GRACE_PERIOD,
      inventory: { cacheTtlMs: env.INVENTORY_CACHE_TTL, backoffTtlMs: env.INVENTORY_BACKOFF_TTL },
      pollIntervalMs: simulate ? 500 : 5000,
      // Simulated vendors answer in milliseconds: retry unverified destroys on the same scaled clock.
      ...(simulate ? { destroy: { verifyDelayMs: 300, retryBaseDelayMs: 1000, retryMaxDelayMs: 10_000 } } : {}),
      hooks: {
        onBudgetAlert: async (alert) => {
          metrics.budgetAlerts.inc({ consumer_id: alert.consumerId, threshold: String(alert.thresholdPercent) });
          if (env.BUDGET_ALERT_WEBHOOK_URL) {
            await fetch(env.BUDGET_ALERT_WEBHOOK_URL, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                consumer_id: alert.consumerId,
                threshold_percent: alert.thresholdPercent,
                spent: microsToUsd(alert.spentMicros),
                limit: microsToUsd(alert.limitMicros),
                at: alert.at.toISOString(),
              }),
              signal: AbortSignal.timeout(10_000),
            });
          }
          if (alert.thresholdPercent === 100 && env.BUDGET_EXHAUSTED_POLICY === 'stop') await budgetStop.sessionsOf?.(alert.consumerId);
        },
        onAccrued: (session, amountMicros) => metrics.costAccrued.inc({ provider: session.provider }, microsToUsd(amountMicros)),
        onDestroyRequested: ({ initiator, accepted }) => metrics.destroys.inc({ initiator, outcome: accepted ? 'accepted' : 'failed' }),
        onOrphanFound: (instance) => metrics.orphansFound.inc({ provider: instance.provider }),
        onOrphanDestroyed: (instance) => {
          metrics.orphansDestroyed.inc({ provider: instance.provider });
          metrics.destroys.inc({ initiator: 'reconciler', outcome: 'orphan' });
        },
        onPaused: (provider) => metrics.reconciliationPauses.inc({ provider }),
        onPreempted: (session) => {
          metrics.preemptions.inc({ provider: session.provider, on_preempt: session.onPreempt ?? 'end' });
          if (!env.PREEMPTION_WEBHOOK_URL) return;
          // Best effort and never awaited by the reconciler: a slow receiver must not delay the reprovision.
          void fetch(env.PREEMPTION_WEBHOOK_URL, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              event: 'session.preempted',
              session_id: session.id,
              consumer_id: session.consumerId,
              provider: session.provider,
              offer_id: session.offerId,
              provider_instance_id: session.providerInstanceId,
              bid: session.bidPerHourMicros === null ? null : microsToUsd(session.bidPerHourMicros),
              on_preempt: session.onPreempt,
              preemptions: session.preemptions,
              preempted_at: session.stoppedAt?.toISOString() ?? null,
            }),
            signal: AbortSignal.timeout(10_000),
          }).catch((error: unknown) => logger.warn('preemption webhook failed', { sessionId: session.id, error: error instanceof Error ? error.message : String(error) }));
        },
      },
    },
  );
  const { costs, terminator, failures, inventory, templates, provisioning, lifecycle, reconciler, preemptions, commands } = core;
  budgetStop.sessionsOf = async (consumerId) => {
    const live = await repositories.sessions.list({ consumerId, statuses: LIVE_STATUSES });
    logger.warn('budget exhausted: stopping the consumer\'s sessions (BUDGET_EXHAUSTED_POLICY=stop)', { consumerId, sessions: live.length });
    await Promise.all(live.map((session) => terminator.stop(session.id, { actor: 'lifecycle', reason: 'monthly budget exhausted (BUDGET_EXHAUSTED_POLICY=stop)', stopReason: 'budget' })));
  };
  await failures.load();

  // The runner rents through the same saga, terminator and ledger as every session, and reaches the
  // node over the production SSH RemoteExec (the simulator's fake nodes emulate the script).
  const benchmarkRunner = new BenchmarkRunner({
    benchmarks: storage.benchmarks,
    repositories,
    provisioning,
    commands,
    costs,
    inventory,
    remote: nodes.remote,
    cipher,
    clock,
    ids,
    logger,
    hardMaxHours: env.HARD_MAX_HOURS,
    // Simulated nodes finish a run in under a second: poll and back off on the same scaled clock.
    ...(simulate ? { pollIntervalMs: 250, retryDelayMs: 500, execTimeoutMs: 20_000, attemptTimeoutMs: 10 * 60_000 } : {}),
  });
  const benchmarkScheduler = new BenchmarkScheduler({
    schedules: storage.benchmarks.schedules,
    runs: storage.benchmarks.runs,
    startRun: (request, options) => benchmarkRunner.createAndStart(request, options),
    clock,
    ids,
    logger,
  });
  // Idempotent seed of the published results (§A.11): dedupe keys make a restart insert nothing.
  const seeded = await importPublishedBenchmarks(storage.benchmarks.results, { ids, clock });
  if (seeded.inserted > 0) logger.info('published benchmark results imported', { inserted: seeded.inserted, skipped: seeded.skipped });

  const readinessChecks: Record<string, () => boolean | Promise<boolean>> = { storage: () => storage.ping() };
  for (const provider of adapters) {
    readinessChecks[provider.name] = async () => (await inventory.query({ provider: provider.name })).providers.every((p) => p.state !== 'error');
  }

  return {
    clock,
    storage,
    replica,
    simulator,
    mode: simulate ? 'simulate' : 'live',
    simulatorControlUrl: simulatorUrls?.control ?? null,
    providers,
    deploymentId,
    cipher,
    metrics,
    inventory,
    failures,
    terminator,
    provisioning,
    lifecycle,
    reconciler,
    preemptions,
    commands,
    costs,
    nodes,
    benchmarkRunner,
    benchmarkScheduler,
    appDeps: (extra) => ({
      ...extra,
      clock,
      logger,
      ids,
      deploymentId,
      mode: simulate ? 'simulate' : 'live',
      simulatorControlUrl: simulatorUrls?.control ?? null,
      replica: () => replica.status(),
      adminToken: env.GPU_SHOPPER_ADMIN_TOKEN,
      trustProxy: env.TRUST_PROXY,
      repositories,
      inventory,
      templates,
      provisioning,
      commands,
      offerFailures: failures,
      reconciler,
      diagnostics: (sessionId) => nodes.diagnose(sessionId),
      benchmarks: { repositories: storage.benchmarks, runner: benchmarkRunner, scheduler: benchmarkScheduler },
      metrics,
      readinessChecks,
      providerHealth: () =>
        diagnoseProviders(credentials, { logger, simulated: simulate, ...(env.PROVIDER_RECORD_DIR ? { recordDir: env.PROVIDER_RECORD_DIR } : {}) }),
    }),
    async close() {
      if (ownsSimulator) await simulator?.stop();
      await storage.close();
    },
  };
}
