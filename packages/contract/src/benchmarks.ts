import { z } from 'zod';

import { microsSchema, paginationQuerySchema, providerSchema, queryNumber, queryString, timestampSchema, usdSchema } from './common.js';
import { offerSchema, providerInventoryStatusSchema } from './inventory.js';

/**
 * Benchmark wire schemas (snake_case). A result is the upstream §A.2 shape plus provenance; money
 * comes in USD and exact µUSD. Formulas (documented once, used by every ranking answer):
 *
 *   $ per million tokens = price per hour / (tokens per second × 3600) × 1 000 000
 *   tokens per dollar    = tokens per second × 3600 / price per hour
 *   estimated monthly    = price per hour × 720
 *
 * tokens per second is the median `avg_tokens_per_second` (mean per-request decode rate) of the most
 * recent 5 valid results per (model, GPU, provider).
 */

const n = z.number().nullable();
const nInt = z.number().int().nullable();
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const BENCHMARK_SOURCES = ['measured', 'published', 'submitted'] as const;
export const benchmarkSourceSchema = z.enum(BENCHMARK_SOURCES);

export const benchmarkResultSchema = z
  .object({
    id: z.string(),
    timestamp: timestampSchema,
    source: benchmarkSourceSchema.meta({ description: '`measured` by our runner, `published` seed data, or `submitted` by POST' }),
    gpu_sku: z.string().nullable().meta({ description: 'Canonical GPU SKU, or null when the reported GPU is not in the catalogue' }),
    hardware: z.object({
      gpu_name: z.string(),
      gpu_memory_mib: nInt,
      gpu_count: z.number().int(),
      driver_version: z.string().nullable(),
      cuda_version: z.string().nullable(),
      cpu_model: z.string().nullable(),
      cpu_cores: nInt,
      ram_gib: nInt,
    }),
    model: z.object({
      name: z.string(),
      family: z.string(),
      parameter_count: z.string().nullable(),
      quantization: z.string().nullable(),
      size_gb: n,
      runtime: z.string(),
      runtime_version: z.string().nullable(),
      digest: z.string().nullable(),
    }),
    test_config: z.object({
      duration_minutes: nInt,
      max_tokens: nInt,
      prompt_types: z.array(z.string()),
      concurrent_reqs: z.number().int(),
      warmup_requests: nInt,
      suite_version: z.string().nullable(),
    }),
    results: z.object({
      total_requests: nInt,
      total_tokens: nInt,
      total_prompt_tokens: nInt,
      total_errors: nInt,
      duration_seconds: n,
      avg_tokens_per_second: z.number().meta({ description: 'Mean per-request decode tokens/s: the figure every ranking uses' }),
      min_tokens_per_second: n,
      max_tokens_per_second: n,
      p50_tokens_per_second: n,
      p95_tokens_per_second: n,
      p99_tokens_per_second: n,
      end_to_end_tokens_per_second: n,
      avg_latency_ms: n,
      min_latency_ms: n,
      max_latency_ms: n,
      p50_latency_ms: n,
      p95_latency_ms: n,
      p99_latency_ms: n,
      requests_per_minute: n,
      avg_tokens_per_request: n,
      error_rate: n,
      avg_ttft_ms: n.meta({ description: 'Real time to the first streamed token' }),
      p50_ttft_ms: n,
      p95_ttft_ms: n,
      match_rate: n,
      prompts_with_expected: nInt,
      prompts_matching: nInt,
    }),
    gpu_stats: z.object({
      avg_utilization_pct: n,
      max_utilization_pct: n,
      avg_memory_used_mib: n,
      max_memory_used_mib: n,
      avg_temperature_c: n,
      max_temperature_c: n,
      avg_power_draw_w: n,
      max_power_draw_w: n,
    }),
    quality_results: z.array(z.object({ id: z.string(), category: z.string(), matched: z.boolean().nullable(), ttft_ms: n, tps: n })),
    provider: z.string(),
    location: z.string(),
    price_per_hour: usdSchema.nullable(),
    price_per_hour_micros: microsSchema.nullable(),
    session_id: z.string().nullable(),
    offer_id: z.string().nullable(),
    run_id: z.string().nullable(),
    invalid_reasons: z.array(z.string()).meta({ description: 'Why the result is never ranked; empty means valid' }),
    created_at: timestampSchema,
  })
  .meta({ id: 'BenchmarkResult' });
export type BenchmarkResultDto = z.infer<typeof benchmarkResultSchema>;

const queryBoolean = () => z.preprocess(emptyToUndefined, z.enum(['true', 'false']).transform((v) => v === 'true').optional());

export const benchmarkListQuerySchema = paginationQuerySchema
  .extend({
    model: queryString().meta({ description: 'Exact model tag, e.g. `llama3.1:8b`' }),
    gpu: queryString().meta({ description: 'GPU SKU or alias (`RTX4090`); matched on the canonical SKU' }),
    provider: queryString(),
    runtime: queryString(),
    source: z.preprocess(emptyToUndefined, benchmarkSourceSchema.optional()),
    run_id: queryString(),
    since: z.preprocess(emptyToUndefined, z.iso.datetime({ offset: true }).optional()).meta({ description: 'Only results measured at or after this time' }),
    include_invalid: queryBoolean().meta({ description: 'Include results with invalid reasons (default false)' }),
  })
  .strict();

export const benchmarkListResponseSchema = z
  .object({
    benchmarks: z.array(benchmarkResultSchema),
    count: z.number().int(),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next (older) page; null at the end' }),
  })
  .meta({ id: 'BenchmarkList' });
export type BenchmarkListResponse = z.infer<typeof benchmarkListResponseSchema>;

/**
 * A submitted result: the upstream result JSON (§A.2, `price_per_hour` in USD) or the on-node
 * script's JSON. Checked in full by the server (shape, ranges, unit cross-checks); extra fields are ignored.
 */
export const submitBenchmarkRequestSchema = z
  .looseObject({
    timestamp: z.string(),
    hardware: z.looseObject({ gpu_name: z.string() }),
    model: z.looseObject({ name: z.string() }),
    results: z.looseObject({ avg_tokens_per_second: z.number() }),
    provider: z.string().optional(),
    location: z.string().optional(),
    price_per_hour: usdSchema.optional(),
  })
  .meta({ id: 'SubmitBenchmark' });

export const costAnalysisSchema = z
  .object({
    tokens_per_dollar: z.number(),
    cost_per_million_tokens: usdSchema.meta({ description: 'price per hour / (tokens/s × 3600) × 1e6' }),
    cost_per_hour: usdSchema,
    cost_per_hour_micros: microsSchema,
    estimated_monthly_24x7: usdSchema.meta({ description: 'price per hour × 720' }),
  })
  .meta({ id: 'CostAnalysis' });

export const evidenceSchema = z
  .object({
    sample_count: z.number().int().meta({ description: 'Results the median is taken over (at most 5, newest first)' }),
    available_samples: z.number().int(),
    newest_at: timestampSchema,
    oldest_at: timestampSchema,
    age_days: z.number().int().nullable(),
    providers: z.array(z.string()),
    sources: z.array(benchmarkSourceSchema),
    result_ids: z.array(z.string()),
  })
  .meta({ id: 'BenchmarkEvidence' });

export const rankedBenchmarkSchema = z
  .object({
    model: z.string(),
    gpu: z.string().meta({ description: 'Canonical SKU, or the raw GPU name when unknown to the catalogue' }),
    gpu_sku_known: z.boolean(),
    provider: z.string(),
    median_tokens_per_second: z.number(),
    min_tokens_per_second: z.number(),
    max_tokens_per_second: z.number(),
    median_price_per_hour: usdSchema.nullable(),
    median_price_per_hour_micros: microsSchema.nullable(),
    cost_per_million_tokens: usdSchema.nullable(),
    cost_analysis: costAnalysisSchema.nullable(),
    evidence: evidenceSchema,
    benchmark: benchmarkResultSchema.meta({ description: 'The newest result of the group' }),
  })
  .meta({ id: 'RankedBenchmark' });
export type RankedBenchmarkDto = z.infer<typeof rankedBenchmarkSchema>;

export const benchmarkModelQuerySchema = z
  .object({
    model: z.string().trim().min(1).max(200).meta({ description: 'Model tag, e.g. `llama3.1:8b`' }),
    provider: queryString(),
  })
  .strict();

export const cheapestBenchmarkQuerySchema = benchmarkModelQuerySchema
  .extend({ min_tps: queryNumber().pipe(z.number().min(0).optional()).meta({ description: 'Minimum median tokens/s' }) })
  .strict();

export const compareBenchmarkQuerySchema = benchmarkModelQuerySchema
  .extend({
    baseline: z.preprocess(emptyToUndefined, z.enum(['fastest', 'cheapest']).optional()).meta({ description: 'Default `fastest`; or name one with baseline_gpu + baseline_provider' }),
    baseline_gpu: queryString(),
    baseline_provider: queryString(),
  })
  .strict();

export const comparisonRowSchema = rankedBenchmarkSchema
  .extend({
    speedup_factor: z.number().meta({ description: 'tokens/s ÷ baseline tokens/s' }),
    cost_efficiency: z.number().nullable().meta({ description: 'tokens per dollar ÷ baseline tokens per dollar' }),
    memory_efficiency: z.number().nullable().meta({ description: '(tokens/s per GiB of GPU memory) ÷ the baseline’s' }),
  })
  .meta({ id: 'BenchmarkComparisonRow' });

export const benchmarkComparisonSchema = z
  .object({
    model: z.string(),
    baseline: rankedBenchmarkSchema,
    comparisons: z.array(comparisonRowSchema),
  })
  .meta({ id: 'BenchmarkComparison' });
export type BenchmarkComparisonDto = z.infer<typeof benchmarkComparisonSchema>;

export const recommendationsQuerySchema = z
  .object({
    model: z.string().trim().min(1).max(200).meta({ description: 'Model tag, e.g. `llama3.1:8b`' }),
    min_tps: queryNumber().pipe(z.number().min(0).optional()).meta({ description: 'Offers measured below this median tokens/s are listed after the recommended ones' }),
    provider: z.preprocess(emptyToUndefined, providerSchema.optional()),
    gpu: queryString(),
    max_price: queryNumber().meta({ description: 'Maximum price per hour, USD' }),
    limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1000).optional()),
    pricing: z
      .preprocess(emptyToUndefined, z.enum(['on-demand', 'spot']).optional())
      .meta({ description: '`spot`: interruptible offers only (Vast.ai), each priced at the bid a spot session places by default (minimum bid plus 10 %, plus storage); never mixed with on-demand. Default `on-demand`' }),
  })
  .strict();

export const RECOMMENDATION_STATUSES = ['recommended', 'below_min_tps', 'unmeasured'] as const;

export const offerRecommendationSchema = z
  .object({
    offer: offerSchema,
    status: z.enum(RECOMMENDATION_STATUSES).meta({ description: '`unmeasured`: no benchmark of the model on this SKU; never estimated' }),
    expected_tokens_per_second: z.number().nullable(),
    estimated_cost_per_million_tokens: usdSchema.nullable().meta({ description: 'The offer’s current price / (expected tokens/s × 3600) × 1e6' }),
    evidence: evidenceSchema
      .extend({ scope: z.enum(['provider', 'sku']).meta({ description: '`provider`: measured at the offer’s provider; `sku`: at other providers' }) })
      .nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'OfferRecommendation' });

export const recommendationsResponseSchema = z
  .object({
    model: z.string(),
    min_tps: z.number().nullable(),
    pricing: z.enum(['on-demand', 'spot']).meta({ description: 'Which offers are ranked: on-demand, or interruptible (spot) at the default bid' }),
    generated_at: timestampSchema,
    recommendations: z.array(offerRecommendationSchema),
    counts: z.object({ recommended: z.number().int(), below_min_tps: z.number().int(), unmeasured: z.number().int() }),
    providers: z.array(providerInventoryStatusSchema),
  })
  .meta({ id: 'Recommendations' });
export type RecommendationsResponse = z.infer<typeof recommendationsResponseSchema>;
export type OfferRecommendationDto = z.infer<typeof offerRecommendationSchema>;

// ---------------------------------------------------------------------------------------------
// Runs and schedules

export const BENCHMARK_RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const BENCHMARK_ENTRY_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;

const consumerId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash or underscore (max 64)');

export const benchmarkRunTemplateSchema = z
  .object({
    models: z.array(z.string().trim().min(1).max(200)).min(1).max(20),
    gpu_types: z.array(z.string().trim().min(1).max(100)).max(50).default([]).meta({ description: 'Empty: every GPU type now in inventory' }),
    providers: z.array(providerSchema).default([]).meta({ description: 'Empty: the cheapest offer at any provider; named: one entry per provider' }),
    max_budget: usdSchema.positive().nullable().optional().meta({ description: 'USD cap on the run’s real accrued cost (failed attempts included), checked before every provision' }),
    location: z.string().trim().min(1).max(200).nullable().optional(),
    consumer_id: consumerId.optional().meta({ description: 'Owner of the benchmark sessions (default `benchmarks`)' }),
    max_attempts_per_entry: z.number().int().min(1).max(5).default(2),
    duration_seconds: z.number().int().min(10).max(3600).default(300).meta({ description: 'Throughput phase per entry' }),
  })
  .strict();
export const createBenchmarkRunRequestSchema = benchmarkRunTemplateSchema.meta({ id: 'CreateBenchmarkRun' });
export type CreateBenchmarkRunRequest = z.input<typeof createBenchmarkRunRequestSchema>;

export const benchmarkRunRequestViewSchema = z.object({
  models: z.array(z.string()),
  gpu_types: z.array(z.string()),
  providers: z.array(z.string()),
  max_budget: usdSchema.nullable(),
  max_budget_micros: microsSchema.nullable(),
  location: z.string().nullable(),
  consumer_id: z.string(),
  max_attempts_per_entry: z.number().int(),
  duration_seconds: z.number().int(),
});

export const benchmarkAttemptSchema = z.object({
  number: z.number().int(),
  status: z.enum(['running', 'succeeded', 'failed']),
  stage: z.string(),
  provider: z.string().nullable(),
  offer_id: z.string().nullable(),
  host_id: z.string().nullable(),
  price_per_hour: usdSchema.nullable(),
  price_per_hour_micros: microsSchema.nullable(),
  location: z.string().nullable(),
  session_id: z.string().nullable(),
  error_type: z.string().nullable(),
  error: z.string().nullable(),
  retry_suggested: z.boolean().nullable(),
  cost: usdSchema,
  cost_micros: microsSchema,
  destroy_verified: z.boolean().nullable(),
  result_id: z.string().nullable(),
  started_at: timestampSchema,
  ended_at: timestampSchema.nullable(),
});

export const benchmarkRunEntrySchema = z.object({
  id: z.string(),
  model: z.string(),
  gpu_type: z.string(),
  provider: z.string().nullable(),
  status: z.enum(BENCHMARK_ENTRY_STATUSES),
  result_id: z.string().nullable(),
  error_type: z.string().nullable(),
  error: z.string().nullable(),
  retry_suggested: z.boolean().nullable(),
  attempts: z.array(benchmarkAttemptSchema),
});

export const benchmarkRunSchema = z
  .object({
    id: z.string(),
    status: z.enum(BENCHMARK_RUN_STATUSES),
    request: benchmarkRunRequestViewSchema,
    entries: z.array(benchmarkRunEntrySchema),
    total_entries: z.number().int(),
    pending: z.number().int(),
    running: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    cancelled: z.number().int(),
    spent: usdSchema,
    spent_micros: microsSchema,
    schedule_id: z.string().nullable(),
    cancel_requested: z.boolean(),
    stop_reason: z.string().nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    started_at: timestampSchema.nullable(),
    completed_at: timestampSchema.nullable(),
  })
  .meta({ id: 'BenchmarkRun' });
export type BenchmarkRunDto = z.infer<typeof benchmarkRunSchema>;

export const benchmarkRunListQuerySchema = paginationQuerySchema
  .extend({ status: z.preprocess(emptyToUndefined, z.enum(BENCHMARK_RUN_STATUSES).optional()), schedule_id: queryString() })
  .strict();
export const benchmarkRunListResponseSchema = z
  .object({ runs: z.array(benchmarkRunSchema), count: z.number().int(), next_cursor: z.string().nullable() })
  .meta({ id: 'BenchmarkRunList' });

export const createBenchmarkScheduleRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    cron_expression: z.string().trim().min(1).max(200).meta({ description: '5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first' }),
    timezone: z.string().min(1).max(64).default('UTC').meta({ description: 'IANA time zone, e.g. `Europe/Berlin`' }),
    run_template: benchmarkRunTemplateSchema,
    enabled: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'CreateBenchmarkSchedule' });
export type CreateBenchmarkScheduleRequest = z.input<typeof createBenchmarkScheduleRequestSchema>;

export const updateBenchmarkScheduleRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    cron_expression: z.string().trim().min(1).max(200).optional(),
    timezone: z.string().min(1).max(64).optional(),
    run_template: benchmarkRunTemplateSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'at least one field to change')
  .meta({ id: 'UpdateBenchmarkSchedule' });
export type UpdateBenchmarkScheduleRequest = z.input<typeof updateBenchmarkScheduleRequestSchema>;

export const benchmarkScheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    cron_expression: z.string(),
    timezone: z.string(),
    run_template: benchmarkRunRequestViewSchema,
    enabled: z.boolean(),
    next_run_at: timestampSchema.nullable(),
    last_run_at: timestampSchema.nullable(),
    last_run_id: z.string().nullable(),
    last_skip_reason: z.string().nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .meta({ id: 'BenchmarkSchedule' });
export type BenchmarkScheduleDto = z.infer<typeof benchmarkScheduleSchema>;

export const benchmarkScheduleListResponseSchema = z.object({ schedules: z.array(benchmarkScheduleSchema), count: z.number().int() }).meta({ id: 'BenchmarkScheduleList' });
export const deletedResponseSchema = z.object({ id: z.string(), deleted: z.literal(true) });
