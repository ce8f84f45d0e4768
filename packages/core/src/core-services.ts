import { CostAccountant, type BudgetAlert } from './cost/cost-accountant.js';
import { type IdGenerator } from './ids/ids.js';
import { InventoryService } from './inventory/inventory-service.js';
import { OfferFailureTracker } from './inventory/offer-failure-tracker.js';
import { LifecycleManager } from './lifecycle/lifecycle-manager.js';
import { PreemptionHandler } from './lifecycle/preemption.js';
import { Reconciler } from './lifecycle/reconciler.js';
import { SessionCommands } from './lifecycle/session-commands.js';
import { type Logger } from './logging/logger.js';
import { type ProviderAdapter, type ProviderInstance } from './ports/provider-adapter.js';
import { type Repositories } from './ports/repositories.js';
import { type GpuActivitySampler, type NodeReadinessProbe, type SecretCipher, type SshKeyGenerator } from './ports/session-access.js';
import { type SessionOwnership } from './ports/session-ownership.js';
import { type ProviderName } from './providers/provider-name.js';
import { type ProviderTiming } from './provisioning/provisioning-options.js';
import { ProvisioningService } from './provisioning/provisioning-service.js';
import { SessionTerminator } from './provisioning/session-terminator.js';
import { type SessionActor } from './sessions/session-state-machine.js';
import { type Session } from './sessions/session.js';
import { TemplateService } from './templates/template-service.js';
import { type Clock } from './time/clock.js';

/** What the core services run on: storage, the providers, time, ids, and the node-access ports. */
export interface CorePorts {
  readonly repositories: Repositories;
  readonly providers: readonly ProviderAdapter[];
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly keys: SshKeyGenerator;
  readonly cipher: SecretCipher;
  readonly readiness: NodeReadinessProbe;
  /** Needed for the idle timeout; without it idle timeouts are not enforced (and a warning says so). */
  readonly activity?: GpuActivitySampler;
  readonly logger?: Logger;
  /** The saga's and the terminator's pauses (a test's fake clock advances here). @default real timers */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Several replicas on one database: who may drive a session's saga and destroy. @default sole owner */
  readonly sessionOwnership?: SessionOwnership;
}

/** Observers of what the services do (metrics, webhooks); none changes a decision. */
export interface CoreHooks {
  readonly onBudgetAlert?: (alert: BudgetAlert) => void | Promise<void>;
  readonly onAccrued?: (session: Session, amountMicros: number) => void;
  readonly onDestroyRequested?: (destroy: { readonly session: Session; readonly initiator: SessionActor; readonly accepted: boolean }) => void;
  readonly onOrphanFound?: (instance: ProviderInstance) => void;
  readonly onOrphanDestroyed?: (instance: ProviderInstance) => void;
  readonly onPaused?: (provider: ProviderName, reason: string) => void;
  /** A spot session's instance was outbid (recorded; the policy is applied next). */
  readonly onPreempted?: (session: Session) => void;
}

export interface CoreConfig {
  /** Written into every label; see DeploymentIdentityRepository. */
  readonly deploymentId: string;
  /** HARD_MAX_HOURS. */
  readonly hardMaxHours: number;
  readonly timing: Readonly<Record<ProviderName, ProviderTiming>>;
  /** ORPHAN_GRACE_PERIOD. */
  readonly orphanGraceMs: number;
  /** INVENTORY_CACHE_TTL and INVENTORY_BACKOFF_TTL. */
  readonly inventory: { readonly cacheTtlMs: number; readonly backoffTtlMs: number };
  /** The saga's pause between instance reads and readiness checks. @default 5000 */
  readonly pollIntervalMs?: number;
  /** The terminator's verification reads and destroy retries (simulated vendors answer in milliseconds). */
  readonly destroy?: { readonly verifyDelayMs?: number; readonly retryBaseDelayMs?: number; readonly retryMaxDelayMs?: number };
  readonly hooks?: CoreHooks;
}

/**
 * Builds the core services once, the same way for the server, the test harness and the performance
 * suite, so their wiring cannot drift: the terminator accrues cost when a session ends, the
 * inventory hides offers the failure tracker suppresses, and every service shares one clock, one
 * id generator and one logger. The caller loads the failure tracker (`failures.load()`) before
 * serving.
 */
export function createCoreServices(ports: CorePorts, config: CoreConfig) {
  const { repositories, clock, ids, logger } = ports;
  const hooks = config.hooks ?? {};
  const providers: ReadonlyMap<ProviderName, ProviderAdapter> = new Map(ports.providers.map((adapter) => [adapter.name, adapter]));
  const withLogger = logger ? { logger } : {};
  const withOwnership = ports.sessionOwnership ? { sessionOwnership: ports.sessionOwnership } : {};

  const costs = new CostAccountant({
    repositories,
    clock,
    ids,
    ...withLogger,
    ...(hooks.onBudgetAlert ? { onBudgetAlert: hooks.onBudgetAlert } : {}),
    ...(hooks.onAccrued ? { onAccrued: hooks.onAccrued } : {}),
  });
  const terminator = new SessionTerminator({
    repositories,
    providers,
    clock,
    ids,
    ...withLogger,
    ...(ports.sleep ? { sleep: ports.sleep } : {}),
    ...config.destroy,
    onEnded: async (session) => void (await costs.accrue(session)),
    // A preserved session's GPU time is accrued at the GPU price before it moves to the storage rate.
    onPreserving: async (session) => void (await costs.accrue(session)),
    ...(hooks.onDestroyRequested ? { onDestroyRequested: hooks.onDestroyRequested } : {}),
    ...withOwnership,
  });
  const failures = new OfferFailureTracker({ repository: repositories.offerFailures, clock, ...withLogger });
  const inventory = new InventoryService({
    providers: ports.providers,
    clock,
    ...withLogger,
    cacheTtlMs: config.inventory.cacheTtlMs,
    backoffTtlMs: config.inventory.backoffTtlMs,
    isSuppressed: failures.isSuppressed,
    suppressionVersion: failures.version,
  });
  const templates = new TemplateService({ providers: ports.providers, clock, ...withLogger });
  const provisioning = new ProvisioningService({
    repositories,
    providers,
    inventory,
    templates,
    terminator,
    keys: ports.keys,
    cipher: ports.cipher,
    readiness: ports.readiness,
    clock,
    ids,
    deploymentId: config.deploymentId,
    hardMaxHours: config.hardMaxHours,
    timing: config.timing,
    failures,
    ...withLogger,
    pollIntervalMs: config.pollIntervalMs ?? 5000,
    ...(ports.sleep ? { sleep: ports.sleep } : {}),
    ...withOwnership,
  });
  const lifecycle = new LifecycleManager({
    repositories,
    terminator,
    costs,
    clock,
    ids,
    ...withLogger,
    ...(ports.activity ? { activity: ports.activity } : {}),
    cipher: ports.cipher,
  });
  const preemptions = new PreemptionHandler({
    repositories,
    terminator,
    provisioning,
    costs,
    clock,
    ids,
    ...withLogger,
    ...(hooks.onPreempted ? { onPreempted: hooks.onPreempted } : {}),
  });
  const reconciler = new Reconciler({
    preemptions,
    repositories,
    providers,
    terminator,
    clock,
    ids,
    deploymentId: config.deploymentId,
    orphanGraceMs: config.orphanGraceMs,
    ...withLogger,
    ...(hooks.onOrphanFound ? { onOrphanFound: hooks.onOrphanFound } : {}),
    ...(hooks.onOrphanDestroyed ? { onOrphanDestroyed: hooks.onOrphanDestroyed } : {}),
    ...(hooks.onPaused ? { onPaused: hooks.onPaused } : {}),
  });
  const commands = new SessionCommands({ repositories, terminator, clock, ids });
  return { providers, costs, terminator, failures, inventory, templates, provisioning, lifecycle, reconciler, preemptions, commands };
}

export type CoreServices = ReturnType<typeof createCoreServices>;
