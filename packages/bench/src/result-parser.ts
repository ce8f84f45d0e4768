import { z } from 'zod';

import {
  Err,
  Ok,
  ValidationError,
  benchmarkResultSchema,
  microsToUsd,
  resolveGpu,
  usdToMicros,
  type BenchmarkResult,
  type BenchmarkSource,
  type Result,
  type ValidationIssue,
} from '@gpu-shopper/core';

/**
 * The result JSON: what the on-node script writes (format `gpu-shopper-ollama-bench/1`) and what
 * POST /benchmarks accepts — the upstream BenchmarkResult shape of reference §A.2 (snake_case,
 * price in USD/hour), with our additions optional. Unknown fields are ignored (a newer script may
 * add some); every numeric field is range-checked here and cross-checked for units below.
 */
const num = z.number().finite();
const nonNeg = num.nonnegative();
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? null);
const optText = opt(z.string()).transform((v) => (v === '' ? null : v));

export const benchmarkResultWireSchema = z.object({
  format: z.string().optional(),
  timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 / RFC 3339 time'),
  hardware: z.object({
    gpu_name: z.string().trim().min(1),
    gpu_memory_mib: opt(nonNeg.int()),
    gpu_count: opt(num.int().min(1)),
    driver_version: optText,
    cuda_version: optText,
    cpu_model: optText,
    cpu_cores: opt(nonNeg.int()),
    ram_gib: opt(nonNeg.int()),
  }),
  model: z.object({
    name: z.string().trim().min(1),
    family: optText,
    parameter_count: optText,
    quantization: optText,
    size_gb: opt(nonNeg),
    runtime: z.string().trim().min(1).default('ollama'),
    runtime_version: optText,
    digest: optText,
  }),
  test_config: z
    .object({
      duration_minutes: opt(nonNeg.int()),
      max_tokens: opt(nonNeg.int()),
      prompt_types: z.array(z.string()).default([]),
      concurrent_reqs: opt(num.int().min(1)),
      warmup_requests: opt(nonNeg.int()),
      suite_version: optText,
    })
    .default({ duration_minutes: null, max_tokens: null, prompt_types: [], concurrent_reqs: null, warmup_requests: null, suite_version: null }),
  results: z.object({
    total_requests: opt(nonNeg.int()),
    total_tokens: opt(nonNeg.int()),
    total_prompt_tokens: opt(nonNeg.int()),
    total_errors: opt(nonNeg.int()),
    duration_seconds: opt(nonNeg),
    avg_tokens_per_second: nonNeg,
    min_tokens_per_second: opt(nonNeg),
    max_tokens_per_second: opt(nonNeg),
    p50_tokens_per_second: opt(nonNeg),
    p95_tokens_per_second: opt(nonNeg),
    p99_tokens_per_second: opt(nonNeg),
    end_to_end_tokens_per_second: opt(nonNeg),
    avg_latency_ms: opt(nonNeg),
    min_latency_ms: opt(nonNeg),
    max_latency_ms: opt(nonNeg),
    p50_latency_ms: opt(nonNeg),
    p95_latency_ms: opt(nonNeg),
    p99_latency_ms: opt(nonNeg),
    requests_per_minute: opt(nonNeg),
    avg_tokens_per_request: opt(nonNeg),
    error_rate: opt(num.min(0).max(1)),
    avg_ttft_ms: opt(nonNeg),
    p50_ttft_ms: opt(nonNeg),
    p95_ttft_ms: opt(nonNeg),
    match_rate: opt(num.min(0).max(1)),
    prompts_with_expected: opt(nonNeg.int()),
    prompts_matching: opt(nonNeg.int()),
  }),
  gpu_stats: z
    .object({
      avg_utilization_pct: opt(num.min(0).max(100)),
      max_utilization_pct: opt(num.min(0).max(100)),
      avg_memory_used_mib: opt(nonNeg),
      max_memory_used_mib: opt(nonNeg),
      avg_temperature_c: opt(nonNeg),
      max_temperature_c: opt(nonNeg),
      avg_power_draw_w: opt(nonNeg),
      max_power_draw_w: opt(nonNeg),
    })
    .partial()
    .default({}),
  quality_results: z
    .array(z.object({ id: z.string().min(1), category: z.string().default(''), matched: opt(z.boolean()), ttft_ms: opt(nonNeg), tps: opt(nonNeg) }))
    .default([]),
  // Upstream results (and submissions) carry where they ran; the runner's own context wins over these.
  provider: optText,
  location: optText,
  price_per_hour: opt(nonNeg),
  session_id: optText,
});
export type BenchmarkResultWire = z.input<typeof benchmarkResultWireSchema>;

/** What the caller knows better than the JSON: identity, provenance and the rented offer. */
export interface ParseContext {
  readonly id: string;
  readonly source: BenchmarkSource;
  readonly now: Date;
  readonly provider?: string;
  readonly location?: string;
  readonly pricePerHourMicros?: number | null;
  readonly sessionId?: string | null;
  readonly offerId?: string | null;
  readonly runId?: string | null;
  readonly dedupeKey?: string | null;
  /** The SKU that was rented: a result whose GPU is another one is kept but marked invalid. */
  readonly expectedGpuSku?: string | null;
  /** Error rate at or above which a result is not ranked (§E.3.2). @default 0.1 */
  readonly maxErrorRate?: number;
}

/**
 * Parses and checks a result JSON into the domain result. Hard failures (shape, ranges, units) are
 * a ValidationError listing every issue; soft ones (wrong GPU, too many errors, GPU unknown) keep
 * the result with `invalidReasons`, so it is stored and visible but never ranked.
 */
export function parseBenchmarkResultJson(input: unknown, context: ParseContext): Result<BenchmarkResult, ValidationError> {
  const parsed = benchmarkResultWireSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return Err(new ValidationError(`invalid benchmark result: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues));
  }
  const wire = parsed.data;
  const unitIssues = checkUnits(wire);
  if (unitIssues.length > 0) {
    return Err(new ValidationError(`benchmark result fails unit checks: ${unitIssues.map((i) => i.message).join('; ')}`, unitIssues));
  }

  const r = wire.results;
  const vramGb = wire.hardware.gpu_memory_mib === null ? undefined : wire.hardware.gpu_memory_mib / 1024;
  const resolved = resolveGpu(wire.hardware.gpu_name, vramGb === undefined ? {} : { vramGb });
  const gpuSku = resolved.known ? resolved.sku.id : null;
  const invalidReasons: string[] = [];
  if (!resolved.known) invalidReasons.push(`GPU '${wire.hardware.gpu_name}' is not in the GPU catalogue`);
  if (context.expectedGpuSku && gpuSku !== null && gpuSku !== context.expectedGpuSku) {
    invalidReasons.push(`the node reported ${gpuSku}, but ${context.expectedGpuSku} was rented`);
  }
  const maxErrorRate = context.maxErrorRate ?? 0.1;
  if (r.error_rate !== null && r.error_rate >= maxErrorRate) invalidReasons.push(`error rate ${r.error_rate} is at or above ${maxErrorRate}`);
  if (r.avg_tokens_per_second <= 0) invalidReasons.push('no throughput measured (avg_tokens_per_second is 0)');

  const price = context.pricePerHourMicros !== undefined ? context.pricePerHourMicros : wire.price_per_hour === null ? null : usdToMicros(wire.price_per_hour);
  const candidate: BenchmarkResult = {
    id: context.id,
    timestamp: new Date(wire.timestamp),
    source: context.source,
    gpuSku,
    provider: context.provider ?? wire.provider ?? 'unknown',
    location: context.location ?? wire.location ?? 'unknown',
    pricePerHourMicros: price,
    sessionId: context.sessionId !== undefined ? context.sessionId : wire.session_id,
    offerId: context.offerId ?? null,
    runId: context.runId ?? null,
    hardware: {
      gpuName: wire.hardware.gpu_name,
      gpuMemoryMib: wire.hardware.gpu_memory_mib,
      gpuCount: wire.hardware.gpu_count ?? 1,
      driverVersion: wire.hardware.driver_version,
      cudaVersion: wire.hardware.cuda_version,
      cpuModel: wire.hardware.cpu_model,
      cpuCores: wire.hardware.cpu_cores,
      ramGib: wire.hardware.ram_gib,
    },
    model: {
      name: wire.model.name,
      family: wire.model.family ?? wire.model.name.split(':')[0] ?? wire.model.name,
      parameterCount: wire.model.parameter_count,
      quantization: wire.model.quantization,
      sizeGb: wire.model.size_gb,
      runtime: wire.model.runtime,
      runtimeVersion: wire.model.runtime_version,
      digest: wire.model.digest,
    },
    testConfig: {
      durationMinutes: wire.test_config.duration_minutes,
      maxTokens: wire.test_config.max_tokens,
      promptTypes: wire.test_config.prompt_types,
      concurrentReqs: wire.test_config.concurrent_reqs ?? 1,
      warmupRequests: wire.test_config.warmup_requests,
      suiteVersion: wire.test_config.suite_version,
    },
    results: {
      totalRequests: r.total_requests,
      totalTokens: r.total_tokens,
      totalPromptTokens: r.total_prompt_tokens,
      totalErrors: r.total_errors,
      durationSeconds: r.duration_seconds,
      avgTokensPerSecond: r.avg_tokens_per_second,
      minTokensPerSecond: r.min_tokens_per_second,
      maxTokensPerSecond: r.max_tokens_per_second,
      p50TokensPerSecond: r.p50_tokens_per_second,
      p95TokensPerSecond: r.p95_tokens_per_second,
      p99TokensPerSecond: r.p99_tokens_per_second,
      endToEndTokensPerSecond: r.end_to_end_tokens_per_second,
      avgLatencyMs: r.avg_latency_ms,
      minLatencyMs: r.min_latency_ms,
      maxLatencyMs: r.max_latency_ms,
      p50LatencyMs: r.p50_latency_ms,
      p95LatencyMs: r.p95_latency_ms,
      p99LatencyMs: r.p99_latency_ms,
      requestsPerMinute: r.requests_per_minute,
      avgTokensPerRequest: r.avg_tokens_per_request,
      errorRate: r.error_rate,
      avgTtftMs: r.avg_ttft_ms,
      p50TtftMs: r.p50_ttft_ms,
      p95TtftMs: r.p95_ttft_ms,
      matchRate: r.match_rate,
      promptsWithExpected: r.prompts_with_expected,
      promptsMatching: r.prompts_matching,
    },
    gpuStats: {
      avgUtilizationPct: wire.gpu_stats.avg_utilization_pct ?? null,
      maxUtilizationPct: wire.gpu_stats.max_utilization_pct ?? null,
      avgMemoryUsedMib: wire.gpu_stats.avg_memory_used_mib ?? null,
      maxMemoryUsedMib: wire.gpu_stats.max_memory_used_mib ?? null,
      avgTemperatureC: wire.gpu_stats.avg_temperature_c ?? null,
      maxTemperatureC: wire.gpu_stats.max_temperature_c ?? null,
      avgPowerDrawW: wire.gpu_stats.avg_power_draw_w ?? null,
      maxPowerDrawW: wire.gpu_stats.max_power_draw_w ?? null,
    },
    qualityResults: wire.quality_results.map((q) => ({ id: q.id, category: q.category, matched: q.matched, ttftMs: q.ttft_ms, tokensPerSecond: q.tps })),
    invalidReasons,
    dedupeKey: context.dedupeKey ?? null,
    createdAt: context.now,
  };
  const checked = benchmarkResultSchema.safeParse(candidate);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return Err(new ValidationError(`invalid benchmark result: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues));
  }
  return Ok(checked.data);
}

type Wire = z.output<typeof benchmarkResultWireSchema>;

/** Relative tolerance for figures the script rounds to 2–3 decimals. */
const close = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b), 1e-9);

/**
 * Cross-checks that catch figures in the wrong unit (upstream trusted any JSON that decoded; §E.2.8):
 * - TTFT is part of the latency: avg TTFT above avg latency means one of them is not in ms.
 * - Decode time implied by tokens ÷ TPS must fit inside the request latency (TPS in tokens per ms, or
 *   latency in seconds, breaks this by ×1000), and must be at least 5 % of it (TPS per minute breaks this by ×60).
 * - End-to-end tokens/s includes prefill and gaps, so it cannot exceed the decode rate.
 * - requests_per_minute must match requests ÷ duration (duration in ms or minutes breaks it).
 * - errors ≤ requests, error_rate = errors ÷ requests; matches ≤ prompts; min ≤ p50 ≤ max.
 * - GPU memory used cannot exceed the cards' total.
 */
export function checkUnits(wire: Wire): ValidationIssue[] {
  const r = wire.results;
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path: `results.${path}`, message });
  if (r.avg_ttft_ms !== null && r.avg_latency_ms !== null && r.avg_ttft_ms > r.avg_latency_ms * 1.001) {
    issue('avg_ttft_ms', `avg_ttft_ms (${r.avg_ttft_ms}) exceeds avg_latency_ms (${r.avg_latency_ms}); TTFT is part of a request's latency`);
  }
  if (r.avg_tokens_per_request !== null && r.avg_latency_ms !== null && r.avg_tokens_per_second > 0 && r.avg_latency_ms > 0) {
    const decodeSeconds = r.avg_tokens_per_request / r.avg_tokens_per_second;
    const latencySeconds = r.avg_latency_ms / 1000;
    if (decodeSeconds > latencySeconds * 1.1 + 0.05) {
      issue('avg_tokens_per_second', `${r.avg_tokens_per_request} tokens at ${r.avg_tokens_per_second} tokens/s take ${decodeSeconds.toFixed(3)} s, longer than the ${latencySeconds.toFixed(3)} s latency: tokens/s or ms in the wrong unit`);
    } else if (decodeSeconds * 20 < latencySeconds) {
      // Tokens per minute read as per second makes decode 1/60 of its real share; a throughput request
      // (hundreds of tokens, model already loaded) spends far more than 5% of its time decoding.
      issue('avg_tokens_per_second', `${r.avg_tokens_per_request} tokens at ${r.avg_tokens_per_second} tokens/s take ${decodeSeconds.toFixed(4)} s, under 5% of the ${latencySeconds.toFixed(3)} s latency: tokens/s in the wrong unit`);
    }
  }
  if (r.end_to_end_tokens_per_second !== null && r.avg_tokens_per_second > 0 && r.end_to_end_tokens_per_second > r.avg_tokens_per_second * 1.05) {
    issue('end_to_end_tokens_per_second', `end-to-end ${r.end_to_end_tokens_per_second} tokens/s exceeds the decode rate ${r.avg_tokens_per_second}`);
  }
  if (r.requests_per_minute !== null && r.total_requests !== null && r.duration_seconds !== null && r.duration_seconds > 0 && r.total_requests > 0) {
    const expected = (r.total_requests / r.duration_seconds) * 60;
    if (!close(r.requests_per_minute, expected, 0.05)) {
      issue('requests_per_minute', `requests_per_minute ${r.requests_per_minute} does not match ${r.total_requests} requests in ${r.duration_seconds} s (${expected.toFixed(2)}): duration_seconds in the wrong unit?`);
    }
  }
  if (r.total_errors !== null && r.total_requests !== null) {
    if (r.total_errors > r.total_requests) issue('total_errors', `total_errors ${r.total_errors} exceeds total_requests ${r.total_requests}`);
    else if (r.error_rate !== null && r.total_requests > 0 && Math.abs(r.error_rate - r.total_errors / r.total_requests) > 0.001) {
      issue('error_rate', `error_rate ${r.error_rate} is not total_errors ÷ total_requests (${(r.total_errors / r.total_requests).toFixed(4)})`);
    }
  }
  if (r.prompts_matching !== null && r.prompts_with_expected !== null && r.prompts_matching > r.prompts_with_expected) {
    issue('prompts_matching', `prompts_matching ${r.prompts_matching} exceeds prompts_with_expected ${r.prompts_with_expected}`);
  }
  for (const [name, min, mid, max] of [
    ['tokens_per_second', r.min_tokens_per_second, r.p50_tokens_per_second, r.max_tokens_per_second],
    ['latency_ms', r.min_latency_ms, r.p50_latency_ms, r.max_latency_ms],
  ] as const) {
    if (min !== null && mid !== null && max !== null && !(min <= mid + 1e-9 && mid <= max + 1e-9)) issue(`p50_${name}`, `min ≤ p50 ≤ max does not hold for ${name} (${min}, ${mid}, ${max})`);
  }
  const mem = wire.hardware.gpu_memory_mib;
  const used = wire.gpu_stats.max_memory_used_mib;
  if (mem !== null && mem > 0 && used != null && used > mem * (wire.hardware.gpu_count ?? 1) * 1.01) {
    issues.push({ path: 'gpu_stats.max_memory_used_mib', message: `max_memory_used_mib ${used} exceeds the GPUs' ${mem} MiB: not MiB?` });
  }
  return issues;
}

/**
 * The domain result as the REST wire form: the §A.2 fields (snake_case, price in USD/hour) plus our
 * additions (source, gpu_sku, ids, invalid_reasons, digest, end-to-end TPS, quality results).
 */
export function toBenchmarkResultWire(result: BenchmarkResult): Record<string, unknown> {
  const r = result.results;
  const g = result.gpuStats;
  return {
    id: result.id,
    timestamp: result.timestamp.toISOString(),
    source: result.source,
    gpu_sku: result.gpuSku,
    hardware: {
      gpu_name: result.hardware.gpuName,
      gpu_memory_mib: result.hardware.gpuMemoryMib,
      gpu_count: result.hardware.gpuCount,
      driver_version: result.hardware.driverVersion,
      cuda_version: result.hardware.cudaVersion,
      cpu_model: result.hardware.cpuModel,
      cpu_cores: result.hardware.cpuCores,
      ram_gib: result.hardware.ramGib,
    },
    model: {
      name: result.model.name,
      family: result.model.family,
      parameter_count: result.model.parameterCount,
      quantization: result.model.quantization,
      size_gb: result.model.sizeGb,
      runtime: result.model.runtime,
      runtime_version: result.model.runtimeVersion,
      digest: result.model.digest,
    },
    test_config: {
      duration_minutes: result.testConfig.durationMinutes,
      max_tokens: result.testConfig.maxTokens,
      prompt_types: result.testConfig.promptTypes,
      concurrent_reqs: result.testConfig.concurrentReqs,
      warmup_requests: result.testConfig.warmupRequests,
      suite_version: result.testConfig.suiteVersion,
    },
    results: {
      total_requests: r.totalRequests,
      total_tokens: r.totalTokens,
      total_prompt_tokens: r.totalPromptTokens,
      total_errors: r.totalErrors,
      duration_seconds: r.durationSeconds,
      avg_tokens_per_second: r.avgTokensPerSecond,
      min_tokens_per_second: r.minTokensPerSecond,
      max_tokens_per_second: r.maxTokensPerSecond,
      p50_tokens_per_second: r.p50TokensPerSecond,
      p95_tokens_per_second: r.p95TokensPerSecond,
      p99_tokens_per_second: r.p99TokensPerSecond,
      end_to_end_tokens_per_second: r.endToEndTokensPerSecond,
      avg_latency_ms: r.avgLatencyMs,
      min_latency_ms: r.minLatencyMs,
      max_latency_ms: r.maxLatencyMs,
      p50_latency_ms: r.p50LatencyMs,
      p95_latency_ms: r.p95LatencyMs,
      p99_latency_ms: r.p99LatencyMs,
      requests_per_minute: r.requestsPerMinute,
      avg_tokens_per_request: r.avgTokensPerRequest,
      error_rate: r.errorRate,
      avg_ttft_ms: r.avgTtftMs,
      p50_ttft_ms: r.p50TtftMs,
      p95_ttft_ms: r.p95TtftMs,
      match_rate: r.matchRate,
      prompts_with_expected: r.promptsWithExpected,
      prompts_matching: r.promptsMatching,
    },
    gpu_stats: {
      avg_utilization_pct: g.avgUtilizationPct,
      max_utilization_pct: g.maxUtilizationPct,
      avg_memory_used_mib: g.avgMemoryUsedMib,
      max_memory_used_mib: g.maxMemoryUsedMib,
      avg_temperature_c: g.avgTemperatureC,
      max_temperature_c: g.maxTemperatureC,
      avg_power_draw_w: g.avgPowerDrawW,
      max_power_draw_w: g.maxPowerDrawW,
    },
    quality_results: result.qualityResults.map((q) => ({ id: q.id, category: q.category, matched: q.matched, ttft_ms: q.ttftMs, tps: q.tokensPerSecond })),
    provider: result.provider,
    location: result.location,
    price_per_hour: result.pricePerHourMicros === null ? null : microsToUsd(result.pricePerHourMicros),
    session_id: result.sessionId,
    offer_id: result.offerId,
    run_id: result.runId,
    invalid_reasons: result.invalidReasons,
    created_at: result.createdAt.toISOString(),
  };
}
