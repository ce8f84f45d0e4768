/**
 * @gpu-shopper/client — the typed SDK of the GPU Shopper REST API: list GPU offers across providers,
 * provision sessions with direct SSH access, watch them, stop them. Zero runtime dependencies (it
 * uses the global `fetch` of Node 20+); the wire types are declared here, so the published package
 * is self-contained.
 */
export { GpuShopper, type ClientOptions, type Fetch } from './client.js';
export { MemoryValidatorCache, type CachedAnswer, type ValidatorCache } from './core/validator-cache.js';
export { VERSION } from './version.js';

export { APIPromise, type APIResponseProps, type WithResponse } from './core/api-promise.js';
export { CursorPage, PagePromise, type CursorPageBody, type CursorPageParams } from './core/pagination.js';
export { Stream, type ServerSentEvent } from './core/streaming.js';
export { APIResource } from './core/resource.js';
export {
  GpuShopperError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  SessionTerminalError,
  SessionWaitTimeoutError,
  type ApiErrorCode,
  type ErrorBody,
  type ErrorDetail,
  type ErrorEnvelope,
} from './core/error.js';

export type { APIRequest, RequestHeaders, HttpMethod, IdempotentRequestOptions, RequestOptions } from './internal/request-options.js';
export type { LogLevel, Logger } from './internal/log.js';

export type { Provider } from './resources/shared.js';
export {
  Benchmarks,
  BenchmarkRuns,
  BenchmarkSchedules,
  BenchmarkRunWaitTimeoutError,
  type BenchmarkAttempt,
  type BenchmarkCheapestParams,
  type BenchmarkCompareParams,
  type BenchmarkComparison,
  type BenchmarkComparisonRow,
  type BenchmarkEvidence,
  type BenchmarkListParams,
  type BenchmarkListResponse,
  type BenchmarkModelParams,
  type BenchmarkResult,
  type BenchmarkRun,
  type BenchmarkRunCreateParams,
  type BenchmarkRunEntry,
  type BenchmarkRunRequest,
  type BenchmarkRunStatus,
  type BenchmarkRunWaitParams,
  type BenchmarkSchedule,
  type BenchmarkScheduleCreateParams,
  type BenchmarkScheduleUpdateParams,
  type BenchmarkSource,
  type BenchmarkSubmitParams,
  type CostAnalysis,
  type OfferRecommendation,
  type RankedBenchmark,
  type RecommendationParams,
  type Recommendations,
  type RecommendationEvidence,
} from './resources/benchmarks.js';
export {
  Inventory,
  type InventoryListParams,
  type InventoryResponse,
  type Offer,
  type OfferCapabilities,
  type OfferPricing,
  type OfferSort,
  type ProviderInventoryStatus,
} from './resources/inventory.js';
export {
  Templates,
  type CompatibleTemplatesResponse,
  type Template,
  type TemplateListParams,
  type TemplateListResponse,
  type TemplateRequirement,
} from './resources/templates.js';
export {
  Sessions,
  type Diagnostics,
  type DiagnosticsDisk,
  type DiagnosticsGpu,
  type OnPreempt,
  type RetryScope,
  type SessionPricing,
  type Session,
  type SessionActionResponse,
  type SessionCreateParams,
  type SessionCreateResponse,
  type SessionEvent,
  type SessionEventList,
  type SessionExtendParams,
  type SessionExtendResponse,
  type SessionListParams,
  type SessionListResponse,
  type SessionStatus,
  type SessionWaitParams,
  type SessionsPage,
  type StoragePolicy,
  type WorkloadType,
} from './resources/sessions.js';
export { Costs, type CostListParams, type CostPeriod, type CostSummary, type InstanceCost } from './resources/costs.js';
export {
  Consumers,
  type ApiKey,
  type ApiKeyCreateResponse,
  type Budget,
  type Consumer,
  type ConsumerCreateParams,
  type ConsumerCreateResponse,
  type ConsumerList,
  type ConsumerSetBudgetParams,
} from './resources/consumers.js';
export { OfferHealthResource, type OfferHealth, type OfferHealthResponse } from './resources/offer-health.js';
export { ProvidersResource, type ProviderHealth, type ProviderHealthCount, type ProviderHealthResponse } from './resources/providers.js';
export { ReconciliationResource, type ForeignInstance, type OrphanInstance, type ReconciliationReport } from './resources/reconciliation.js';
export type { HealthResponse, ReadyResponse, WhoamiResponse } from './resources/health.js';
