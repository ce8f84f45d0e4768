import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { recoverSessions, type ProviderName, type ProvisionRequest, type Session, type StartupRecovery } from '@gpu-shopper/core';
import { FakeClock, MemoryLogger } from '@gpu-shopper/core/testing';
import { startSimulator, type RunningSimulator, type SimulatedInstance, type SimulatorOptions } from '@gpu-shopper/simulator';

import { composeServices, type Services } from '../../compose.js';
import { parseServerEnv, type ServerEnv } from '../../env.js';

/**
 * The catalogue seed the integration tests run on. With seed 33 the simulated Vast.ai catalogue has
 * a single-GPU RTX 4090 bundle at exactly $0.42/h (the cost acceptance test needs that price).
 */
export const INTEGRATION_SEED = 33;
export const VAST_OFFER_AT_42_CENTS = 'vastai-30424526';

/**
 * Per-test timeout: real SSH readiness, real HTTP retries with backoff, and restarts take seconds,
 * and many times that on a loaded machine. A ceiling, not a wait.
 */
export const INTEGRATION_TIMEOUT_MS = 120_000;

export interface IntegrationWorldOptions {
  /** Extra server variables (HARD_MAX_HOURS, ORPHAN_GRACE_PERIOD…); never provider credentials. */
  readonly env?: Record<string, string>;
  /** Simulator options on top of fast test timings. */
  readonly simulator?: SimulatorOptions;
}

/**
 * One server's worth of real services — SQLite storage in a temporary folder, the real provider
 * adapters, SSH node access — composed by `composeServices` in simulate mode around a simulator that
 * this world owns, and driven by a FakeClock. `restart()` closes the services and composes them again
 * on the same database, clock and simulator, like a server process that was stopped and started.
 *
 * The simulator runs (and bills) in real time while the services see only the FakeClock: assert costs
 * from the ledger, instance existence from the simulator's ground truth.
 */
export interface IntegrationWorld {
  readonly clock: FakeClock;
  readonly logger: MemoryLogger;
  readonly simulator: RunningSimulator;
  readonly env: ServerEnv;
  /** The services of the current "process". */
  readonly services: Services;
  /** Closes the services (storage, adapters) and composes them again on the same database. */
  restart(): Promise<Services>;
  /** What a starting server does first: resume every unfinished session (invariant 9). */
  recover(): Promise<StartupRecovery>;
  /** Writes a session and runs its saga to the end; fails the test unless it ends `running`. */
  provisionRunning(request: Partial<ProvisionRequest> & Pick<ProvisionRequest, 'offerId'>): Promise<Session>;
  /** The cheapest offer of a provider as the services see it. */
  cheapestOfferId(provider: ProviderName): Promise<string>;
  session(sessionId: string): Promise<Session>;
  /** Ground truth: every instance the simulator ever created with this label. */
  instancesLabelled(label: string): Promise<SimulatedInstance[]>;
  instance(vendorInstanceId: string): Promise<SimulatedInstance>;
  close(): Promise<void>;
}

export const DEFAULT_REQUEST: Omit<ProvisionRequest, 'offerId'> = {
  consumerId: 'integration-tests',
  reservationHours: 4,
  workloadType: 'interactive',
  // No idle sampling: the tests decide when sessions end.
  idleTimeoutMinutes: 0,
  storagePolicy: 'destroy',
};

export async function startIntegrationWorld(options: IntegrationWorldOptions = {}): Promise<IntegrationWorld> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-integration-'));
  const env = parseServerEnv({
    DATABASE_PATH: path.join(directory, 'gpu-shopper.db'),
    SIMULATOR_SEED: String(INTEGRATION_SEED),
    LOG_LEVEL: 'error',
    // The FakeClock jumps hours: with the default TTL every later inventory read would start a
    // background refresh that nobody awaits (and that outlives the test when the world closes).
    INVENTORY_CACHE_TTL: '24h',
    ...options.env,
  });
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  const logger = new MemoryLogger();
  const simulator = await startSimulator({ seed: INTEGRATION_SEED, bootDelayMs: 300, keyPropagationMs: 100, ...options.simulator });
  const compose = () => composeServices({ env, clock, logger, simulator });
  let services: Services;
  try {
    services = await compose();
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  let closed = false;

  const world: IntegrationWorld = {
    clock,
    logger,
    simulator,
    env,
    get services() {
      return services;
    },
    async restart() {
      await services.close();
      services = await compose();
      return services;
    },
    recover() {
      return recoverSessions({ repositories: services.storage.repositories, provisioning: services.provisioning, terminator: services.terminator, logger });
    },
    async provisionRunning(request) {
      const requested = await services.provisioning.request({ ...DEFAULT_REQUEST, ...request });
      if (!requested.ok) throw new Error(`provisioning request refused: ${requested.err.code}: ${requested.err.message}`);
      const ended = await services.provisioning.run(requested.val.session.id);
      if (ended?.status !== 'running') {
        throw new Error(`session ${requested.val.session.id} ended ${ended?.status ?? 'missing'} (${ended?.errorType ?? ''}: ${ended?.errorMessage ?? ''})`);
      }
      return ended;
    },
    async cheapestOfferId(provider) {
      const answer = await services.inventory.query({ provider, sort: 'price' });
      const offer = answer.offers.find((o) => o.gpuCount === 1) ?? answer.offers[0];
      if (!offer) throw new Error(`no ${provider} offer in the simulated catalogue`);
      return offer.id;
    },
    async session(sessionId) {
      const found = await services.storage.repositories.sessions.get(sessionId);
      if (!found) throw new Error(`no session ${sessionId}`);
      return found;
    },
    async instancesLabelled(label) {
      return (await simulator.control.instances()).filter((instance) => instance.label === label);
    },
    async instance(vendorInstanceId) {
      const found = (await simulator.control.instances()).find((instance) => instance.id === vendorInstanceId);
      if (!found) throw new Error(`the simulator never created instance ${vendorInstanceId}`);
      return found;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await services.close();
      } finally {
        await simulator.stop();
        fs.rmSync(directory, { recursive: true, force: true });
      }
    },
  };
  return world;
}

/** Polls `probe` (real time) until it returns a value, for waiting on background work. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
