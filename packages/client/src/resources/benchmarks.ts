import { randomUUID } from 'node:crypto';

import type { APIPromise } from '../core/api-promise.js';
import { APIUserAbortError, GpuShopperError } from '../core/error.js';
import { APIResource } from '../core/resource.js';
import { path } from '../internal/path.js';
import { pickRequestOptions, type IdempotentRequestOptions, type RequestOptions } from '../internal/request-options.js';
import { sleep } from '../internal/sleep.js';
import type { Offer, ProviderInventoryStatus } from './inventory.js';
import type { Provider } from './shared.js';

/**
 * Benchmarks: measured LLM throughput per GPU and provider, rankings, recommendations, automated
 * runs and schedules. Formulas used by every answer:
 *
 *   $ per million tokens = price per hour / (tokens per second × 3600) × 1 000 000
 *   tokens per dollar    = tokens per second × 3600 / price per hour
 *   estimated monthly    = price per hour × 720
 *
 * tokens per second is the median `avg_tokens_per_second` of the newest 5 valid results per (model, GPU, provider).
 */

export type BenchmarkSource = 'measured' | 'published' | 'submitted';

/** One stored result (the upstream result JSON plus provenance). Figures a source did not report are `null`. */
export interface BenchmarkResult {
  id: string;
  timestamp: string;
  source: BenchmarkSource;
  /** Canonical GPU SKU, or `null` when the reported GPU is not in the catalogue. */
  gpu_sku: string | null;
  hardware: { gpu_name: string; gpu_memory_mib: number | null; gpu_count: number; driver_version: string | null; cuda_version: string | null; cpu_model: string | null; cpu_cores: number | null; ram_gib: number | null };
  model: { name: string; family: string; parameter_count: string | null; quantization: string | null; size_gb: number | null; runtime: string; runtime_version: string | null; digest: string | null };
  test_config: { duration_minutes: number | null; max_tokens: number | null; prompt_types: string[]; concurrent_reqs: number; warmup_requests: number | null; suite_version: string | null };
  results: {
    total_requests: number | null;
    total_tokens: number | null;
    total_prompt_tokens: number | null;
    total_errors: number | null;
    duration_seconds: number | null;
    /** Mean per-request decode tokens/s: the figure every ranking uses. */
    avg_tokens_per_second: number;
    min_tokens_per_second: number | null;
    max_tokens_per_second: number | null;
    p50_tokens_per_second: number | null;
    p95_tokens_per_second: number | null;
    p99_tokens_per_second: number | null;
    end_to_end_tokens_per_second: number | null;
    avg_latency_ms: number | null;
    min_latency_ms: number | null;
    max_latency_ms: number | null;
    p50_latency_ms: number | null;
    p95_latency_ms: number | null;
    p99_latency_ms: number | null;
    requests_per_minute: number | null;
    avg_tokens_per_request: number | null;
    error_rate: number | null;
    /** Real time to the first streamed token. */
    avg_ttft_ms: number | null;
    p50_ttft_ms: number | null;
    p95_ttft_ms: number | null;
    match_rate: number | null;
    prompts_with_expected: number | null;
    prompts_matching: number | null;
  };
  gpu_stats: {
    avg_utilization_pct: number | null;
    max_utilization_pct: number | null;
    avg_memory_used_mib: number | null;
    max_memory_used_mib: number | null;
    avg_temperature_c: number | null;
    max_temperature_c: number | null;
    avg_power_draw_w: number | null;
    max_power_draw_w: number | null;
  };
  quality_results: { id: string; category: string; matched: boolean | null; ttft_ms: number | null; tps: number | null }[];
  provider: string;
  location: string;
  /** US dollars per hour when measured; `null` when unknown. */
  price_per_hour: number | null;
  price_per_hour_micros: number | null;
  session_id: string | null;
  offer_id: string | null;
  run_id: string | null;
  /** Why the result is never ranked; empty means valid. */
  invalid_reasons: string[];
  created_at: string;
}

export interface BenchmarkListParams {
  limit?: number | undefined;
  cursor?: string | undefined;
  model?: string | undefined;
  /** GPU SKU or alias (`RTX4090`). */
  gpu?: string | undefined;
  provider?: string | undefined;
  runtime?: string | undefined;
  source?: BenchmarkSource | undefined;
  run_id?: string | undefined;
  /** ISO timestamp: only results measured at or after it. */
  since?: string | undefined;
  include_invalid?: boolean | undefined;
}

export interface BenchmarkListResponse {
  benchmarks: BenchmarkResult[];
  count: number;
  /** Pass as `cursor` for the next (older) page; `null` at the end. */
  next_cursor: string | null;
}

/** A result JSON to submit (upstream §A.2 shape or the on-node script's); the server checks it in full. */
export interface BenchmarkSubmitParams {
  timestamp: string;
  hardware: { gpu_name: string; [key: string]: unknown };
  model: { name: string; [key: string]: unknown };
  results: { avg_tokens_per_second: number; [key: string]: unknown };
  provider?: string | undefined;
  location?: string | undefined;
  /** US dollars per hour. */
  price_per_hour?: number | undefined;
  [key: string]: unknown;
}

export interface CostAnalysis {
  tokens_per_dollar: number;
  /** US dollars: price per hour / (tokens/s × 3600) × 1e6. */
  cost_per_million_tokens: number;
  cost_per_hour: number;
  cost_per_hour_micros: number;
  /** price per hour × 720. */
  estimated_monthly_24x7: number;
}

/** What an estimate rests on. */
export interface BenchmarkEvidence {
  sample_count: number;
  available_samples: number;
  newest_at: string;
  oldest_at: string;
  age_days: number | null;
  providers: string[];
  sources: BenchmarkSource[];
  result_ids: string[];
}

/** One (model, GPU, provider) group, by its median. */
export interface RankedBenchmark {
  model: string;
  gpu: string;
  gpu_sku_known: boolean;
  provider: string;
  median_tokens_per_second: number;
  min_tokens_per_second: number;
  max_tokens_per_second: number;
  median_price_per_hour: number | null;
  median_price_per_hour_micros: number | null;
  cost_per_million_tokens: number | null;
  cost_analysis: CostAnalysis | null;
  evidence: BenchmarkEvidence;
  /** The newest result of the group. */
  benchmark: BenchmarkResult;
}

export interface BenchmarkModelParams {
  model: string;
  provider?: string | undefined;
}

export interface BenchmarkCheapestParams extends BenchmarkModelParams {
  /** Minimum median tokens/s. */
  min_tps?: number | undefined;
}

export interface BenchmarkCompareParams extends BenchmarkModelParams {
  /** Default `fastest`; or name one with `baseline_gpu` + `baseline_provider`. */
  baseline?: 'fastest' | 'cheapest' | undefined;
  baseline_gpu?: string | undefined;
  baseline_provider?: string | undefined;
}

export interface BenchmarkComparisonRow extends RankedBenchmark {
  speedup_factor: number;
  cost_efficiency: number | null;
  memory_efficiency: number | null;
}

export interface BenchmarkComparison {
  model: string;
  baseline: RankedBenchmark;
  comparisons: BenchmarkComparisonRow[];
}

export interface RecommendationParams {
  model: string;
  min_tps?: number | undefined;
  provider?: Provider | undefined;
  gpu?: string | undefined;
  /** US dollars per hour. */
  max_price?: number | undefined;
  limit?: number | undefined;
  /** `spot`: interruptible offers only, ranked at the default bid (minimum bid plus 10 %, plus storage). @default 'on-demand' */
  pricing?: 'on-demand' | 'spot' | undefined;
}

export interface RecommendationEvidence extends BenchmarkEvidence {
  /** `provider`: measured at the offer's provider; `sku`: on this SKU at other providers. */
  scope: 'provider' | 'sku';
}

/** A live offer with its estimate; `unmeasured` offers carry no estimate (never guessed). */
export interface OfferRecommendation {
  offer: Offer;
  status: 'recommended' | 'below_min_tps' | 'unmeasured';
  expected_tokens_per_second: number | null;
  /** US dollars: the offer's current price / (expected tokens/s × 3600) × 1e6. */
  estimated_cost_per_million_tokens: number | null;
  evidence: RecommendationEvidence | null;
  reason: string | null;
}

export interface Recommendations {
  model: string;
  min_tps: number | null;
  /** Which offers are ranked: on-demand, or interruptible (spot) at the default bid. */
  pricing: 'on-demand' | 'spot';
  generated_at: string;
  recommendations: OfferRecommendation[];
  counts: { recommended: number; below_min_tps: number; unmeasured: number };
  providers: ProviderInventoryStatus[];
}

/** A run request (also a schedule's template). */
export interface BenchmarkRunCreateParams {
  models: string[];
  /** Empty: every GPU type now in inventory. */
  gpu_types?: string[] | undefined;
  providers?: Provider[] | undefined;
  /** US dollars: cap on the run's real accrued cost, checked before every provision. */
  max_budget?: number | null | undefined;
  location?: string | null | undefined;
  consumer_id?: string | undefined;
  max_attempts_per_entry?: number | undefined;
  duration_seconds?: number | undefined;
}

export interface BenchmarkRunRequest {
  models: string[];
  gpu_types: string[];
  providers: string[];
  max_budget: number | null;
  max_budget_micros: number | null;
  location: string | null;
  consumer_id: string;
  max_attempts_per_entry: number;
  duration_seconds: number;
}

export interface BenchmarkAttempt {
  number: number;
  status: 'running' | 'succeeded' | 'failed';
  stage: string;
  provider: string | null;
  offer_id: string | null;
  host_id: string | null;
  price_per_hour: number | null;
  price_per_hour_micros: number | null;
  location: string | null;
  session_id: string | null;
  error_type: string | null;
  error: string | null;
  retry_suggested: boolean | null;
  cost: number;
  cost_micros: number;
  destroy_verified: boolean | null;
  result_id: string | null;
  started_at: string;
  ended_at: string | null;
}

export type BenchmarkRunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface BenchmarkRunEntry {
  id: string;
  model: string;
  gpu_type: string;
  provider: string | null;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  result_id: string | null;
  error_type: string | null;
  error: string | null;
  retry_suggested: boolean | null;
  attempts: BenchmarkAttempt[];
}

export interface BenchmarkRun {
  id: string;
  status: BenchmarkRunStatus;
  request: BenchmarkRunRequest;
  entries: BenchmarkRunEntry[];
  total_entries: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  spent: number;
  spent_micros: number;
  schedule_id: string | null;
  cancel_requested: boolean;
  stop_reason: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface BenchmarkRunWaitParams {
  /** @default 3600000 (1 hour) */
  timeoutMs?: number;
  /** @default 5000 */
  pollIntervalMs?: number;
  onProgress?: (run: BenchmarkRun) => void;
  signal?: AbortSignal;
}

export interface BenchmarkScheduleCreateParams {
  name: string;
  /** 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first. */
  cron_expression: string;
  /** IANA time zone. @default 'UTC' */
  timezone?: string | undefined;
  run_template: BenchmarkRunCreateParams;
  enabled?: boolean | undefined;
}

export type BenchmarkScheduleUpdateParams = Partial<BenchmarkScheduleCreateParams>;

export interface BenchmarkSchedule {
  id: string;
  name: string;
  cron_expression: string;
  timezone: string;
  run_template: BenchmarkRunRequest;
  enabled: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  last_run_id: string | null;
  last_skip_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** `waitUntilDone()` gave up before the run finished. */
export class BenchmarkRunWaitTimeoutError extends GpuShopperError {
  constructor(readonly run: BenchmarkRun) {
    super(`benchmark run ${run.id} is still ${run.status} (${run.succeeded + run.failed + run.skipped + run.cancelled}/${run.total_entries} entries settled)`);
  }
}

const TERMINAL_RUN: readonly BenchmarkRunStatus[] = ['completed', 'failed', 'cancelled'];

/** Automated benchmark runs (admin): `/api/v1/benchmark-runs`. */
export class BenchmarkRuns extends APIResource {
  /** Starts a run; it is worked in the background. Not retried by the SDK (a repeat would start a second run). */
  create(body: BenchmarkRunCreateParams, options?: RequestOptions): APIPromise<BenchmarkRun> {
    return this._client.request<BenchmarkRun>({ ...pickRequestOptions(options), method: 'post', path: '/api/v1/benchmark-runs', body, maxRetries: 0 });
  }

  /** Runs newest first; follow `next_cursor` for older pages. */
  list(query: { status?: BenchmarkRunStatus; schedule_id?: string; limit?: number; cursor?: string } = {}, options?: RequestOptions): APIPromise<{ runs: BenchmarkRun[]; count: number; next_cursor: string | null }> {
    return this._client.request<{ runs: BenchmarkRun[]; count: number; next_cursor: string | null }>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/benchmark-runs', query });
  }

  get(id: string, options?: RequestOptions): APIPromise<BenchmarkRun> {
    return this._client.request<BenchmarkRun>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/benchmark-runs/${id}` });
  }

  /** Cancels the run: its current session is destroyed, unfinished entries become `cancelled`. */
  cancel(id: string, options?: RequestOptions): APIPromise<BenchmarkRun> {
    return this._client.request<BenchmarkRun>({ ...pickRequestOptions(options), method: 'delete', path: path`/api/v1/benchmark-runs/${id}` });
  }

  /** Polls until the run is completed, failed or cancelled; `BenchmarkRunWaitTimeoutError` after `timeoutMs`. */
  async waitUntilDone(id: string, params: BenchmarkRunWaitParams = {}): Promise<BenchmarkRun> {
    const deadline = Date.now() + (params.timeoutMs ?? 3_600_000);
    let lastUpdate = '';
    for (;;) {
      if (params.signal?.aborted) throw new APIUserAbortError();
      const run = await this.get(id, params.signal ? { signal: params.signal } : undefined);
      if (run.updated_at !== lastUpdate) {
        lastUpdate = run.updated_at;
        params.onProgress?.(run);
      }
      if (TERMINAL_RUN.includes(run.status)) return run;
      if (Date.now() >= deadline) throw new BenchmarkRunWaitTimeoutError(run);
      await sleep(params.pollIntervalMs ?? 5_000, params.signal);
    }
  }
}

/** Recurring benchmark runs (admin): `/api/v1/benchmark-schedules`. */
export class BenchmarkSchedules extends APIResource {
  create(body: BenchmarkScheduleCreateParams, options?: RequestOptions): APIPromise<BenchmarkSchedule> {
    return this._client.request<BenchmarkSchedule>({ ...pickRequestOptions(options), method: 'post', path: '/api/v1/benchmark-schedules', body, maxRetries: 0 });
  }

  list(options?: RequestOptions): APIPromise<{ schedules: BenchmarkSchedule[]; count: number }> {
    return this._client.request<{ schedules: BenchmarkSchedule[]; count: number }>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/benchmark-schedules' });
  }

  get(id: string, options?: RequestOptions): APIPromise<BenchmarkSchedule> {
    return this._client.request<BenchmarkSchedule>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/benchmark-schedules/${id}` });
  }

  update(id: string, body: BenchmarkScheduleUpdateParams, options?: RequestOptions): APIPromise<BenchmarkSchedule> {
    return this._client.request<BenchmarkSchedule>({ ...pickRequestOptions(options), method: 'put', path: path`/api/v1/benchmark-schedules/${id}`, body });
  }

  delete(id: string, options?: RequestOptions): APIPromise<{ id: string; deleted: true }> {
    return this._client.request<{ id: string; deleted: true }>({ ...pickRequestOptions(options), method: 'delete', path: path`/api/v1/benchmark-schedules/${id}` });
  }
}

/** Benchmark results and rankings: `/api/v1/benchmarks`, plus runs and schedules. */
export class Benchmarks extends APIResource {
  readonly runs: BenchmarkRuns = new BenchmarkRuns(this._client);
  readonly schedules: BenchmarkSchedules = new BenchmarkSchedules(this._client);

  /** Results newest first; follow `next_cursor` for older pages. */
  list(query: BenchmarkListParams = {}, options?: RequestOptions): APIPromise<BenchmarkListResponse> {
    return this._client.request<BenchmarkListResponse>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/benchmarks', query });
  }

  get(id: string, options?: RequestOptions): APIPromise<BenchmarkResult> {
    return this._client.request<BenchmarkResult>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/benchmarks/${id}` });
  }

  /** Submits a result (admin). Carries an `Idempotency-Key` (random unless given), so a retried call stores it once. */
  submit(body: BenchmarkSubmitParams, options?: IdempotentRequestOptions): APIPromise<BenchmarkResult> {
    const idempotencyKey = options?.idempotencyKey ?? randomUUID();
    return this._client.request<BenchmarkResult>({ ...pickRequestOptions(options), method: 'post', path: '/api/v1/benchmarks', body, idempotencyKey });
  }

  /** Checks a result exactly as `submit` does and stores nothing (admin); invalid → `BadRequestError` naming each problem. */
  validate(body: BenchmarkSubmitParams, options?: RequestOptions): APIPromise<BenchmarkResult> {
    return this._client.request<BenchmarkResult>({ ...pickRequestOptions(options), method: 'post', path: '/api/v1/benchmarks/validate', body });
  }

  best(query: BenchmarkModelParams, options?: RequestOptions): APIPromise<RankedBenchmark> {
    return this._client.request<RankedBenchmark>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/benchmarks/best', query });
  }

  cheapest(query: BenchmarkCheapestParams, options?: RequestOptions): APIPromise<RankedBenchmark> {
    return this._client.request<RankedBenchmark>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/benchmarks/cheapest', query });
  }

  compare(query: BenchmarkCompareParams, options?: RequestOptions): APIPromise<BenchmarkComparison> {
    return this._client.request<BenchmarkComparison>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/benchmarks/compare', query });
  }

  /** Live offers ranked by estimated $ per million tokens, with evidence; unmeasured SKUs listed last. */
  recommendations(query: RecommendationParams, options?: RequestOptions): APIPromise<Recommendations> {
    return this._client.request<Recommendations>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/recommendations', query });
  }
}
