import { type Express } from 'express';
import request from 'supertest';

import { BenchmarkRunner, BenchmarkScheduler } from '@gpu-shopper/bench';
import { type BenchmarkRepositories } from '@gpu-shopper/core';
import {
  createCoreHarness,
  createInMemoryBenchmarkRepositories,
  fakeSecretCipher,
  FakeRemoteExec,
  MemoryLogger,
  type CoreHarness,
  type CoreHarnessOptions,
} from '@gpu-shopper/core/testing';

import { createApp } from '../app.js';
import { generateApiKey } from '../auth/api-keys.js';
import { type AppDeps } from '../deps.js';
import { createMetrics } from '../observability/metrics.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface AppHarness {
  readonly app: Express;
  readonly core: CoreHarness;
  readonly deps: AppDeps;
  readonly logger: MemoryLogger;
  readonly started: string[];
  /** Benchmark storage, the real runner (its node is a FakeRemoteExec) and scheduler; runs are created, not worked. */
  readonly benchmarks: { readonly repositories: BenchmarkRepositories; readonly runner: BenchmarkRunner; readonly scheduler: BenchmarkScheduler; readonly remote: FakeRemoteExec; readonly started: string[] };
  /** Creates a consumer with an API key; returns the key. */
  consumer(id: string): Promise<string>;
  readonly admin: { Authorization: string };
  auth(key: string): { Authorization: string };
  /** Runs the sagas started so far to completion. */
  provision(): Promise<void>;
}

/** The real HTTP app over core services wired to fakes (FakeProvider, in-memory storage, FakeClock). */
export function createAppHarness(options: CoreHarnessOptions & { overrides?: Partial<AppDeps> } = {}): AppHarness {
  const core = createCoreHarness(options);
  const logger = new MemoryLogger();
  const started: string[] = [];
  const benchmarkRepositories = createInMemoryBenchmarkRepositories();
  const remote = new FakeRemoteExec();
  const runner = new BenchmarkRunner({
    benchmarks: benchmarkRepositories,
    repositories: core.repositories,
    provisioning: core.provisioning,
    commands: core.commands,
    costs: core.costs,
    inventory: core.inventory,
    remote,
    cipher: fakeSecretCipher,
    clock: core.clock,
    ids: core.ids,
    logger,
  });
  const scheduler = new BenchmarkScheduler({ schedules: benchmarkRepositories.schedules, runs: benchmarkRepositories.runs, startRun: (request, o) => runner.create(request, o), clock: core.clock, ids: core.ids, logger });
  const benchmarksStarted: string[] = [];
  const deps: AppDeps = {
    clock: core.clock,
    logger,
    ids: core.ids,
    version: '1.2.3',
    deploymentId: core.deploymentId,
    mode: 'live',
    simulatorControlUrl: null,
    adminToken: ADMIN_TOKEN,
    repositories: core.repositories,
    inventory: core.inventory,
    templates: core.templates,
    provisioning: core.provisioning,
    commands: core.commands,
    offerFailures: core.failures,
    reconciler: core.reconciler,
    diagnostics: async (sessionId) => ({
      session_id: sessionId,
      reachable: true,
      checked_at: core.clock.now().toISOString(),
      error: null,
      gpus: [],
      driver_version: null,
      cuda_version: null,
      disk: null,
      oom_kills: 0,
      ready: true,
      not_ready_reason: null,
    }),
    // Like sessions (`started`), runs are recorded and not worked in the background: a test that
    // wants one worked calls `benchmarks.runner.execute(id)` itself.
    benchmarks: {
      repositories: benchmarkRepositories,
      runner: {
        createAndStart: async (request, o) => {
          const created = await runner.create(request, o);
          if (created.ok) benchmarksStarted.push(created.val.id);
          return created;
        },
        cancel: (id) => runner.cancel(id),
      },
      scheduler,
    },
    metrics: createMetrics(core.repositories),
    startProvisioning: (sessionId) => started.push(sessionId),
    readinessChecks: { storage: () => true },
    eventPollIntervalMs: 10,
    ...options.overrides,
  };
  const app = createApp(deps);
  return {
    app,
    core,
    deps,
    logger,
    started,
    benchmarks: { repositories: benchmarkRepositories, runner, scheduler, remote, started: benchmarksStarted },
    admin: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    auth: (key) => ({ Authorization: `Bearer ${key}` }),
    async consumer(id) {
      const key = generateApiKey();
      await core.repositories.consumers.create({ id, name: id, createdAt: core.clock.now(), disabledAt: null });
      await core.repositories.apiKeys.create({ id: `key_${id}`, consumerId: id, prefix: key.prefix, keyHash: key.hash, createdAt: core.clock.now(), revokedAt: null, lastUsedAt: null });
      return key.key;
    },
    async provision() {
      while (started.length > 0) {
        const id = started.shift();
        if (id) await core.provisioning.run(id);
      }
    },
  };
}

export { request };
