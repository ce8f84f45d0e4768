import { createCoreServices } from '../core-services.js';
import { type BudgetAlert } from '../cost/cost-accountant.js';
import { type Logger } from '../logging/logger.js';
import { type Offer } from '../inventory/offer.js';
import { type Repositories } from '../ports/repositories.js';
import { type GpuActivitySampler } from '../ports/session-access.js';
import { type SessionOwnership } from '../ports/session-ownership.js';
import { type ProviderName } from '../providers/provider-name.js';
import { FakeClock } from './fake-clock.js';
import { FakeProvider } from './fake-provider.js';
import { FakeKeyGenerator, FakeReadinessProbe, fakeSecretCipher } from './fake-session-access.js';
import { buildOffer } from './fixtures.js';
import { createInMemoryRepositories } from './in-memory-repositories.js';
import { SequentialIdGenerator } from './sequential-id-generator.js';

export interface CoreHarnessOptions {
  readonly repositories?: Repositories;
  readonly clock?: FakeClock;
  readonly offers?: Offer[];
  readonly provider?: FakeProvider;
  readonly activity?: GpuActivitySampler;
  readonly orphanGraceMs?: number;
  /** HARD_MAX_HOURS. @default 12 */
  readonly hardMaxHours?: number;
  /** The services' logger (e.g. a MemoryLogger to assert on the lifecycle's warnings); silent without. */
  readonly lifecycleLogger?: Logger;
  /** Replicas: who may drive a session's saga and destroy. @default sole owner */
  readonly sessionOwnership?: SessionOwnership;
}

const DEPLOYMENT_ID = 'dep_00000000000000000000000001';

/**
 * Every core service wired to in-memory fakes and one FakeProvider (Vast.ai), on a FakeClock whose
 * sleeps advance time and yield to the event loop. Pass the same `repositories` (and provider) to a
 * second harness to model a restart.
 */
export function createCoreHarness(options: CoreHarnessOptions = {}) {
  const clock = options.clock ?? new FakeClock('2026-02-02T14:00:00.000Z');
  const sleep = async (ms: number) => {
    clock.advanceMs(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const repositories = options.repositories ?? createInMemoryRepositories();
  const ids = new SequentialIdGenerator();
  const provider =
    options.provider ??
    new FakeProvider('vastai', clock, options.offers ?? [buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }), buildOffer({ id: 'vastai-2', pricePerHourMicros: 450_000 })]);
  provider.setCreatedState('running');
  const providers = new Map<ProviderName, FakeProvider>([['vastai', provider]]);
  const budgetAlerts: BudgetAlert[] = [];
  const readiness = new FakeReadinessProbe();
  const timing = { sshInitialDelayMs: 0, provisioningTimeoutMs: 20 * 60_000 };
  // Wired exactly as the server wires them (createCoreServices), on fakes.
  const services = createCoreServices(
    {
      repositories,
      providers: [provider],
      clock,
      ids,
      keys: new FakeKeyGenerator(),
      cipher: fakeSecretCipher,
      readiness,
      ...(options.activity ? { activity: options.activity } : {}),
      ...(options.lifecycleLogger ? { logger: options.lifecycleLogger } : {}),
      sleep,
      ...(options.sessionOwnership ? { sessionOwnership: options.sessionOwnership } : {}),
    },
    {
      deploymentId: DEPLOYMENT_ID,
      hardMaxHours: options.hardMaxHours ?? 12,
      timing: { vastai: timing, tensordock: timing, bluelobster: timing },
      orphanGraceMs: options.orphanGraceMs ?? 15 * 60_000,
      inventory: { cacheTtlMs: 60_000, backoffTtlMs: 300_000 },
      pollIntervalMs: 5000,
      destroy: { verifyDelayMs: 1000 },
      hooks: { onBudgetAlert: (alert) => void budgetAlerts.push(alert) },
    },
  );
  const { costs, terminator, inventory, templates, failures, provisioning, lifecycle, reconciler, preemptions, commands } = services;
  return { clock, repositories, ids, provider, providers, costs, terminator, inventory, templates, failures, readiness, provisioning, lifecycle, reconciler, preemptions, commands, budgetAlerts, deploymentId: DEPLOYMENT_ID };
}

export type CoreHarness = ReturnType<typeof createCoreHarness>;
