/**
 * The SDK declares its own wire types (so the published .d.ts needs no private package); this file
 * pins them to the contract's zod schemas. It is checked by `tsc -p tsconfig.json` (typecheck): any
 * drift in a field, its type, nullability or optionality fails the build of this test, not a user.
 */
import type {
  BenchmarkComparisonDto,
  BenchmarkListResponse as ContractBenchmarkListResponse,
  BenchmarkResultDto,
  BenchmarkRunDto,
  BenchmarkScheduleDto,
  RankedBenchmarkDto,
  RecommendationsResponse,
  API_ERROR_STATUS,
  ApiErrorCode as ContractApiErrorCode,
  ConsumerDto,
  CostSummaryDto,
  CreateSessionRequest,
  CreateSessionResponse,
  DiagnosticsResponse,
  ErrorEnvelope as ContractErrorEnvelope,
  InventoryQuery,
  InventoryResponse as ContractInventoryResponse,
  OfferDto,
  TemplateDto,
  TemplateListQuery,
  TemplateListResponse as ContractTemplateListResponse,
  CompatibleTemplatesResponse as ContractCompatibleTemplatesResponse,
  OfferHealthResponse as ContractOfferHealthResponse,
  ProviderHealthResponse as ContractProviderHealthResponse,
  ReconciliationResponse as ContractReconciliationResponse,
  SessionActionResponse as ContractSessionActionResponse,
  SessionDto,
  SessionEventDto,
  SessionListResponse as ContractSessionListResponse,
  apiKeySchema,
  budgetSchema,
  consumerListResponseSchema,
  costQuerySchema,
  createApiKeyResponseSchema,
  createConsumerRequestSchema,
  createConsumerResponseSchema,
  extendSessionRequestSchema,
  extendSessionResponseSchema,
  healthResponseSchema,
  whoamiResponseSchema,
  offerHealthSchema,
  providerInventoryStatusSchema,
  providerSchema,
  readyResponseSchema,
  sessionListQuerySchema,
  setBudgetRequestSchema,
} from '@gpu-shopper/contract';

import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './core/error.js';
import type * as SDK from './index.js';

// zod's own `z.output`/`z.input`, spelled out: the client may not import zod, even as types.
type Output<S> = S extends { _zod: { output: infer O } } ? O : never;
type Input<S> = S extends { _zod: { input: infer I } } ? I : never;
/** Exact type equality (readonly, optionality and nullability included). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const pinned = {
  benchmarkResult: true satisfies Equals<SDK.BenchmarkResult, BenchmarkResultDto>,
  benchmarkList: true satisfies Equals<SDK.BenchmarkListResponse, ContractBenchmarkListResponse>,
  rankedBenchmark: true satisfies Equals<SDK.RankedBenchmark, RankedBenchmarkDto>,
  benchmarkComparison: true satisfies Equals<SDK.BenchmarkComparison, BenchmarkComparisonDto>,
  recommendations: true satisfies Equals<SDK.Recommendations, RecommendationsResponse>,
  benchmarkRun: true satisfies Equals<SDK.BenchmarkRun, BenchmarkRunDto>,
  benchmarkSchedule: true satisfies Equals<SDK.BenchmarkSchedule, BenchmarkScheduleDto>,
  provider: true satisfies Equals<SDK.Provider, Output<typeof providerSchema>>,
  errorCode: true satisfies Equals<SDK.ApiErrorCode, ContractApiErrorCode>,
  errorEnvelope: true satisfies Equals<SDK.ErrorEnvelope, ContractErrorEnvelope>,
  offer: true satisfies Equals<SDK.Offer, OfferDto>,
  template: true satisfies Equals<SDK.Template, TemplateDto>,
  templateListParams: true satisfies Equals<SDK.TemplateListParams, TemplateListQuery>,
  templateListResponse: true satisfies Equals<SDK.TemplateListResponse, ContractTemplateListResponse>,
  compatibleTemplatesResponse: true satisfies Equals<SDK.CompatibleTemplatesResponse, ContractCompatibleTemplatesResponse>,
  inventoryListParams: true satisfies Equals<SDK.InventoryListParams, InventoryQuery>,
  providerInventoryStatus: true satisfies Equals<SDK.ProviderInventoryStatus, Output<typeof providerInventoryStatusSchema>>,
  inventoryResponse: true satisfies Equals<SDK.InventoryResponse, ContractInventoryResponse>,
  offerHealth: true satisfies Equals<SDK.OfferHealth, Output<typeof offerHealthSchema>>,
  offerHealthResponse: true satisfies Equals<SDK.OfferHealthResponse, ContractOfferHealthResponse>,
  providerHealthResponse: true satisfies Equals<SDK.ProviderHealthResponse, ContractProviderHealthResponse>,
  reconciliationReport: true satisfies Equals<SDK.ReconciliationReport, ContractReconciliationResponse>,
  session: true satisfies Equals<SDK.Session, SessionDto>,
  sessionCreateParams: true satisfies Equals<SDK.SessionCreateParams, CreateSessionRequest>,
  sessionCreateResponse: true satisfies Equals<SDK.SessionCreateResponse, CreateSessionResponse>,
  sessionListParams: true satisfies Equals<SDK.SessionListParams, Output<typeof sessionListQuerySchema>>,
  sessionListResponse: true satisfies Equals<SDK.SessionListResponse, ContractSessionListResponse>,
  sessionExtendParams: true satisfies Equals<SDK.SessionExtendParams, Input<typeof extendSessionRequestSchema>>,
  sessionExtendResponse: true satisfies Equals<SDK.SessionExtendResponse, Output<typeof extendSessionResponseSchema>>,
  sessionActionResponse: true satisfies Equals<SDK.SessionActionResponse, ContractSessionActionResponse>,
  sessionEvent: true satisfies Equals<SDK.SessionEvent, SessionEventDto>,
  sessionEventList: true satisfies Equals<SDK.SessionEventList, { events: SessionEventDto[] }>,
  diagnostics: true satisfies Equals<SDK.Diagnostics, DiagnosticsResponse>,
  costListParams: true satisfies Equals<SDK.CostListParams, Output<typeof costQuerySchema>>,
  costSummary: true satisfies Equals<SDK.CostSummary, CostSummaryDto>,
  apiKey: true satisfies Equals<SDK.ApiKey, Output<typeof apiKeySchema>>,
  budget: true satisfies Equals<SDK.Budget, Output<typeof budgetSchema>>,
  consumer: true satisfies Equals<SDK.Consumer, ConsumerDto>,
  consumerCreateParams: true satisfies Equals<SDK.ConsumerCreateParams, Input<typeof createConsumerRequestSchema>>,
  consumerCreateResponse: true satisfies Equals<SDK.ConsumerCreateResponse, Output<typeof createConsumerResponseSchema>>,
  apiKeyCreateResponse: true satisfies Equals<SDK.ApiKeyCreateResponse, Output<typeof createApiKeyResponseSchema>>,
  consumerList: true satisfies Equals<SDK.ConsumerList, Output<typeof consumerListResponseSchema>>,
  consumerSetBudgetParams: true satisfies Equals<SDK.ConsumerSetBudgetParams, Input<typeof setBudgetRequestSchema>>,
  health: true satisfies Equals<SDK.HealthResponse, Output<typeof healthResponseSchema>>,
  whoami: true satisfies Equals<SDK.WhoamiResponse, Output<typeof whoamiResponseSchema>>,
  ready: true satisfies Equals<SDK.ReadyResponse, Output<typeof readyResponseSchema>>,
};

/**
 * Every error code with its status, as the contract fixes it: the compiler rejects a missing, extra
 * or re-numbered code. The test below maps each one to its error class.
 */
const CONTRACT_ERROR_STATUS: { [Code in ContractApiErrorCode]: (typeof API_ERROR_STATUS)[Code] } = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  OFFER_NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  IDEMPOTENCY_CONFLICT: 409,
  CONCURRENT_UPDATE: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  BUDGET_EXCEEDED: 422,
  SAFETY_LIMIT_EXCEEDED: 422,
  UNSUPPORTED_BY_PROVIDER: 422,
  OFFER_UNAVAILABLE: 422,
  RATE_LIMITED: 429,
  PROVIDER_ERROR: 502,
  PROVIDER_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const CLASS_BY_STATUS: Record<number, typeof APIError<number>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: APIError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: InternalServerError,
  502: InternalServerError,
  503: InternalServerError,
};

describe('SDK wire types', () => {
  it('are pinned to the contract (the real check is the type checker)', () => {
    expect(Object.values(pinned).every(Boolean)).toBe(true);
  });

  it.each(Object.entries(CONTRACT_ERROR_STATUS))('maps %s (%i) to its error class with code and request id', (code, status) => {
    const error = APIError.generate(status, { error: { code, message: 'm', request_id: 'req_1' } }, new Headers());
    expect(error.constructor).toBe(CLASS_BY_STATUS[status]);
    expect([error.status, error.code, error.requestID]).toEqual([status, code, 'req_1']);
  });
});
