/**
 * @gpu-shopper/core — the domain: sessions and their state machine, offers and the GPU catalogue,
 * money, consumers and budgets, errors, and the ports adapters implement. Imports zod only.
 */
export { BaseError, ERROR_CODES, isBaseError, type ErrorCode } from './errors/base-error.js';
export {
  AlreadyExistsError,
  BudgetExceededError,
  ConcurrentUpdateError,
  IdempotencyConflictError,
  InternalError,
  InvalidTransitionError,
  NotFoundError,
  SafetyLimitExceededError,
  SessionNotFoundError,
  UnsupportedByProviderError,
  ValidationError,
  type ValidationIssue,
} from './errors/domain-errors.js';
export { Err, Ok, unwrap, wrap, type Result } from './errors/result.js';

export {
  MICROS_PER_USD,
  accrualDelta,
  centsToMicros,
  costForSeconds,
  elapsedSeconds,
  formatUsd,
  isMicroUsd,
  microsToUsd,
  sumMicros,
  usdToMicros,
  worstCaseCost,
  type MicroUsd,
} from './money/money.js';

export { ID_PREFIXES, UlidIdGenerator, idPattern, isId, type IdGenerator, type IdKind, type IdPrefix } from './ids/ids.js';
export { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, addHours, addMs, parseDurationMs, systemClock, type Clock } from './time/clock.js';
export { abortableSleep } from './time/sleep.js';
export { LOG_LEVELS, noopLogger, redactSecrets, type LogFields, type LogLevel, type Logger } from './logging/logger.js';

export {
  PROVIDER_NAMES,
  providerCapabilitiesSchema,
  providerNameSchema,
  type ProviderCapabilities,
  type ProviderName,
} from './providers/provider-name.js';

export {
  DEFAULT_BID_MARGIN_PERCENT,
  DEFAULT_HARD_MAX_HOURS,
  LABEL_PREFIX,
  ON_PREEMPT_POLICIES,
  bidFor,
  onPreemptSchema,
  type OnPreempt,
  LIVE_STATUSES,
  MAX_RESERVATION_HOURS,
  MIN_RESERVATION_HOURS,
  RETRY_SCOPES,
  SESSION_ERROR_TYPES,
  SESSION_STATUSES,
  STOP_REASONS,
  STORAGE_POLICIES,
  TERMINAL_STATUSES,
  WORKLOAD_TYPES,
  consumerIdSchema,
  isSessionRetrySuggested,
  isTerminalStatus,
  parseSessionLabel,
  retriesOnAnotherOffer,
  retryScopeSchema,
  SESSION_ERROR_RETRY,
  sessionErrorTypeSchema,
  sessionLabel,
  sessionSchema,
  sessionStatusSchema,
  stopReasonSchema,
  storagePolicySchema,
  workloadTypeSchema,
  type Session,
  type SessionChanges,
  type RetryScope,
  type SessionErrorType,
  type SessionStatus,
  type StopReason,
  type StoragePolicy,
  type WorkloadType,
} from './sessions/session.js';
export {
  SESSION_ACTORS,
  SESSION_TRANSITIONS,
  SESSION_TRIGGERS,
  allowedSessionTriggers,
  canApplySessionTrigger,
  nextSessionStatus,
  type SessionActor,
  type SessionTrigger,
} from './sessions/session-state-machine.js';
export {
  SESSION_EVENT_TYPES,
  sessionActorSchema,
  sessionEventSchema,
  sessionEventTypeSchema,
  sessionEvent,
  type SessionEvent,
  type SessionEventInput,
  type SessionEventType,
} from './sessions/session-event.js';
export {
  decide,
  retryOnConcurrentUpdate,
  SESSION_WRITE_ATTEMPTS,
  SessionWriter,
  type SessionDecision,
  type SessionWriteError,
} from './sessions/session-writer.js';
export { planSessionTransition, type PlannedSessionTransition, type SessionTransitionInput } from './sessions/session-transition.js';
export { createSessionIntent, type NewSessionContext, type NewSessionInput } from './sessions/new-session.js';
export { assertSessionUpdateAllowed } from './sessions/session-update-rules.js';

export { OFFER_PRICINGS, offerMatchesPricing, offerPricingSchema, offerSchema, type Offer, type OfferPricing } from './inventory/offer.js';
export {
  OFFER_SORTS,
  compareVersions,
  mergeSortedOffers,
  offerComparator,
  offerFilterSchema,
  offerMatchesFilter,
  offerSortSchema,
  parseOfferFilter,
  selectOffers,
  sortOffers,
  type OfferFilter,
  type OfferSort,
} from './inventory/offer-filter.js';
export {
  OFFER_FAILURE_TYPES,
  offerFailureSchema,
  offerFailureTypeSchema,
  type OfferFailure,
  type OfferFailureType,
} from './inventory/offer-failure.js';

export {
  InventoryService,
  type InventoryAnswer,
  type InventoryServiceOptions,
  type ProviderInventoryState,
  type ProviderInventoryStatus,
} from './inventory/inventory-service.js';
export {
  TEMPLATE_OPERATORS,
  describeRequirement,
  filterTemplates,
  offerSatisfiesTemplate,
  unmetTemplateRequirements,
  type TemplateFilter,
  type TemplateOperator,
  type TemplateProperty,
  type TemplateRequirement,
  type VendorTemplate,
} from './templates/vendor-template.js';
export { TemplateService, type TemplateError, type TemplateServiceOptions } from './templates/template-service.js';
export { createCoreServices, type CoreConfig, type CoreHooks, type CorePorts, type CoreServices } from './core-services.js';
export { OfferFailureTracker, type OfferFailureTrackerOptions, type OfferHealth } from './inventory/offer-failure-tracker.js';

export { SessionTerminator, type DestroyOutcome, type SessionTerminatorOptions, type StopRequest } from './provisioning/session-terminator.js';
export {
  idempotencyScope,
  ProvisioningService,
  type IdempotencyContext,
  type IdempotencyScope,
  type ProviderTiming,
  type ProvisionError,
  type ProvisionRequest,
  type ProvisionedSession,
  type ProvisioningServiceOptions,
} from './provisioning/provisioning-service.js';

export { buildCostReport, parseUtcDate, sessionInstanceRecords, type CostReport, type CostReportQuery, type LiveAccrualSource } from './cost/cost-reports.js';
export { CostAccountant, type BudgetAlert, type CostAccountantOptions } from './cost/cost-accountant.js';
export { LifecycleManager, type LifecycleManagerOptions, type LifecycleTickReport } from './lifecycle/lifecycle-manager.js';
export { RECENTLY_DESTROYED_KEPT, Reconciler, type ForeignInstance, type OrphanRecord, type ReconcileReport, type ReconcilerOptions, type ReconcilerSnapshot } from './lifecycle/reconciler.js';
export { SessionCommands, type SessionCommandsOptions } from './lifecycle/session-commands.js';
export { recoverSessions, type StartupRecovery, type StartupRecoveryOptions } from './lifecycle/startup-recovery.js';

export { acceptedAccruals, costEntrySchema, instanceCostRecords, summarizeCosts, type CostEntry, type CostQuery, type CostTotals, type InstanceCostRecord } from './cost/cost-entry.js';
export { billedSeconds, billingStart, costSoFar } from './cost/billing.js';
export {
  BUDGET_ALERT_THRESHOLDS,
  apiKeySchema,
  budgetPeriodStart,
  budgetSchema,
  consumerSchema,
  dueBudgetAlerts,
  remainingBudget,
  type ApiKey,
  type Budget,
  type BudgetAlertThreshold,
  type Consumer,
} from './consumers/consumer.js';
export { BudgetCommitments, remainingCommitment, worstCaseRate, type BudgetHeadroom } from './consumers/budget-commitments.js';
export { defaultMaxBid, offerStorageRate, type SessionPricing, type SpotTerms } from './provisioning/spot-terms.js';
export { PreemptionHandler, type PreemptionHandlerOptions, type PreemptionOutcome } from './lifecycle/preemption.js';

export * from './gpu/index.js';

export {
  BENCHMARK_SOURCES,
  benchmarkGpuStatsSchema,
  benchmarkHardwareSchema,
  benchmarkModelSchema,
  benchmarkPerformanceSchema,
  benchmarkQualityResultSchema,
  benchmarkResultSchema,
  benchmarkSourceSchema,
  benchmarkTestConfigSchema,
  isValidBenchmark,
  type BenchmarkGpuStats,
  type BenchmarkHardware,
  type BenchmarkModel,
  type BenchmarkPerformance,
  type BenchmarkQualityResult,
  type BenchmarkResult,
  type BenchmarkSource,
  type BenchmarkTestConfig,
} from './benchmarks/benchmark-result.js';
export {
  BENCHMARK_ENTRY_STATUSES,
  BENCHMARK_ERROR_TYPES,
  BENCHMARK_RETRY_SUGGESTED,
  BENCHMARK_RUN_STATUSES,
  BENCHMARK_STAGES,
  MAX_BENCHMARK_GPU_TYPES,
  MAX_BENCHMARK_MODELS,
  TERMINAL_BENCHMARK_ENTRY_STATUSES,
  TERMINAL_BENCHMARK_RUN_STATUSES,
  benchmarkAttemptSchema,
  benchmarkEntryStatusSchema,
  benchmarkErrorTypeSchema,
  benchmarkRunEntrySchema,
  benchmarkRunRequestSchema,
  benchmarkRunSchema,
  benchmarkRunStatusSchema,
  benchmarkStageSchema,
  countBenchmarkEntries,
  isRetrySuggested,
  type BenchmarkAttempt,
  type BenchmarkEntryStatus,
  type BenchmarkErrorType,
  type BenchmarkRun,
  type BenchmarkRunChanges,
  type BenchmarkRunCounts,
  type BenchmarkRunEntry,
  type BenchmarkRunRequest,
  type BenchmarkRunRequestInput,
  type BenchmarkRunStatus,
  type BenchmarkStage,
} from './benchmarks/benchmark-run.js';
export { benchmarkScheduleSchema, type BenchmarkSchedule, type BenchmarkScheduleChanges } from './benchmarks/benchmark-schedule.js';
export type {
  BenchmarkRepositories,
  BenchmarkResultQuery,
  BenchmarkResultRepository,
  BenchmarkRunQuery,
  BenchmarkRunRepository,
  BenchmarkScheduleRepository,
} from './ports/benchmark-repositories.js';

export {
  INSTANCE_STATES,
  type CreateInstanceRequest,
  type CreatedInstance,
  type DestroyResult,
  type InstanceState,
  type ProviderAdapter,
  type ProviderInstance,
  type SshEndpoint,
} from './ports/provider-adapter.js';
export {
  ProviderAuthError,
  ProviderInvalidRequestError,
  ProviderNotFoundError,
  ProviderOfferUnavailableError,
  ProviderRateLimitedError,
  ProviderSchemaError,
  ProviderUnavailableError,
  ProviderUnknownOutcomeError,
  type ProviderError,
  type ProviderErrorContext,
} from './ports/provider-errors.js';
export {
  REMOTE_FAILURE_KINDS,
  RemoteExecError,
  type ExecOptions,
  type ExecResult,
  type RemoteExec,
  type RemoteFailureKind,
  type RemoteTarget,
} from './ports/remote-exec.js';
export type {
  AccrualAppend,
  ApiKeyRepository,
  BudgetRepository,
  CommitmentGuard,
  ConsumerRepository,
  CostLedgerRepository,
  DeploymentIdentityRepository,
  IdempotencyCompletion,
  IdempotencyRecord,
  IdempotencyRepository,
  OfferFailureRepository,
  Repositories,
  SessionListQuery,
  SessionRepository,
  SessionSecretRepository,
} from './ports/repositories.js';
export { commitmentConflict } from './ports/repositories.js';
export type { Lease, LeaseRepository } from './ports/leases.js';
export type { CallRate, RateBudgetStore } from './ports/rate-budgets.js';
export type { SessionOwnership } from './ports/session-ownership.js';
export { LeaderElection, type LeaderElectionOptions, type LeadershipListener, type ReplicaRole } from './coordination/leader-election.js';
export { LeasedSessionOwnership, sessionLeaseName, type LeasedSessionOwnershipOptions } from './coordination/leased-session-ownership.js';
export type { GpuActivity, GpuActivitySampler, NodeReadiness, NodeReadinessProbe, SecretCipher, SshKeyGenerator, SshKeyPair } from './ports/session-access.js';
