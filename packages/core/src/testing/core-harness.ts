import { type Logger } from '../logging/logger.js';
import { CostAccountant, type BudgetAlert } from '../cost/cost-accountant.js';
import { InventoryService } from '../inventory/inventory-service.js';
import { OfferFailureTracker } from '../inventory/offer-failure-tracker.js';
import { type Offer } from '../inventory/offer.js';
import { LifecycleManager } from '../lifecycle/lifecycle-manager.js';
import { Reconciler } from '../lifecycle/reconciler.js';
import { SessionCommands } from '../lifecycle/session-commands.js';
import { type Repositories } from '../ports/repositories.js';
import { type GpuActivitySampler } from '../ports/session-access.js';
import { type SessionOwnership } from '../ports/session-ownership.js';
import { ProvisioningService } from '../provisioning/provisioning-service.js';
import { SessionTerminator } from '../provisioning/session-terminator.js';
import { TemplateService } from '../templates/template-service.js';
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
  /** The lifecycle's logger (e.g. a MemoryLogger to assert on warnings). */
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
  const costs = new CostAccountant({ repositories, clock, ids, onBudgetAlert: (alert) => void budgetAlerts.push(alert) });
  const terminator = new SessionTerminator({
    repositories,
    providers,
    clock,
    ids,
    verifyDelayMs: 1000,
    sleep,
    onEnded: async (session) => void (await costs.accrue(session)),
    onPreserving: async (session) => void (await costs.accrue(session)),
    ...(options.sessionOwnership ? { sessionOwnership: options.sessionOwnership } : {}),
  });
  const inventory = new InventoryService({ providers: [provider], clock, cacheTtlMs: 60_000, backoffTtlMs: 300_000 });
  const failures = new OfferFailureTracker({ repository: repositories.offerFailures, clock });
  const readiness = new FakeReadinessProbe();
  const templates = new TemplateService({ providers: [provider], clock });
  const timing = { sshInitialDelayMs: 0, provisioningTimeoutMs: 20 * 60_000 };
  const provisioning = new ProvisioningService({
    repositories,
    providers,
    inventory,
    terminator,
    keys: new FakeKeyGenerator(),
    cipher: fakeSecretCipher,
    readiness,
    clock,
    ids,
    deploymentId: DEPLOYMENT_ID,
    hardMaxHours: options.hardMaxHours ?? 12,
    timing: { vastai: timing, tensordock: timing, bluelobster: timing },
    failures,
    templates,
    pollIntervalMs: 5000,
    sleep,
    ...(options.sessionOwnership ? { sessionOwnership: options.sessionOwnership } : {}),
  });
  const lifecycle = new LifecycleManager({
    repositories,
    terminator,
    costs,
    clock,
    cipher: fakeSecretCipher,
    ...(options.activity ? { activity: options.activity } : {}),
    ...(options.lifecycleLogger ? { logger: options.lifecycleLogger } : {}),
  });
  const reconciler = new Reconciler({ repositories, providers, terminator, clock, ids, deploymentId: DEPLOYMENT_ID, orphanGraceMs: options.orphanGraceMs ?? 15 * 60_000 });
  const commands = new SessionCommands({ repositories, terminator, clock, ids });
  return { clock, repositories, ids, provider, providers, costs, terminator, inventory, templates, failures, readiness, provisioning, lifecycle, reconciler, commands, budgetAlerts, deploymentId: DEPLOYMENT_ID };
}

export type CoreHarness = ReturnType<typeof createCoreHarness>;
