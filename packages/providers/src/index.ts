/**
 * @gpu-shopper/providers — the Vast.ai, TensorDock and Blue Lobster adapters implementing core's
 * ProviderAdapter, on one HTTP kit (timeouts, retries for idempotent calls, Retry-After, rate
 * limiting, redaction, zod-validated payloads).
 */
export { VastAiAdapter, VASTAI_DEFAULT_BASE_URL, parseVastOfferId, vastInstanceState, type VastAiAdapterOptions } from './vastai/vastai-adapter.js';
export {
  TensorDockAdapter,
  TENSORDOCK_DEFAULT_BASE_URL,
  parseTensorDockOfferId,
  tensorDockInstanceState,
  tensorDockRunCommands,
  type TensorDockAdapterOptions,
} from './tensordock/tensordock-adapter.js';
export { isStaleInventoryMessage } from './tensordock/stale-inventory.js';
export { BlueLobsterAdapter, BLUELOBSTER_DEFAULT_BASE_URL, blueLobsterInstanceState, type BlueLobsterAdapterOptions } from './bluelobster/bluelobster-adapter.js';
export { blueLobsterNameToLabel, labelToBlueLobsterName } from './bluelobster/bluelobster-names.js';
export { ProviderHttpClient, SINK_COVERED_WAIT_MS, errorForStatus, parseRetryAfterMs, type BodySink, type HttpRequest, type HttpResponse, type ProviderCall, type ProviderHttpClientOptions } from './http/http-client.js';
export { coalesceInstanceReads, type CoalesceOptions } from './http/coalesced-instance-reads.js';
export { SharedTokenBucket, TokenBucket, type RateLimiter, type RatePriority, type SharedTokenBucketOptions, type TokenBucketOptions } from './http/rate-limiter.js';
export { redactText, safeSnippet } from './http/redact.js';
export { createProviderAdapters, rateBudgetName, type ProviderCredentials, type CreateProviderAdaptersOptions } from './create-provider-adapters.js';
export { diagnoseProviders, type ProviderDiagnosis, type DoctorCall, type DoctorCount, type DiagnoseOptions } from './doctor/provider-doctor.js';
export { diagnosisReport } from './doctor/diagnosis-report.js';
export { createExchangeRecorder, redactPayload } from './record/exchange-recorder.js';
export { type ProviderExchange } from './http/http-client.js';
