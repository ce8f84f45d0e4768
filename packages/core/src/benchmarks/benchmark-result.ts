import { z } from 'zod';

/**
 * A benchmark result: measured LLM inference throughput of one model on one GPU node. The shape
 * follows the upstream result (reference bench-ssh-ops §A.2) field for field, in camelCase with the
 * unit in every numeric name (`…Ms`, `…Mib`, `…TokensPerSecond`, `…Micros`), plus what upstream lost:
 * provenance, the canonical GPU SKU, the session/offer/run it came from, the per-prompt quality
 * results, and an explicit validity verdict. The REST wire form (snake_case, USD) is the contract
 * package's job; `@gpu-shopper/bench` converts both ways.
 *
 * Measurements the source did not report are `null`, never 0: a published row that gives only TPS
 * and price must not look like a run that measured zero latency.
 */

/** Where a result came from: our runner (`measured`), a published report (`published`), or a POST (`submitted`). */
export const BENCHMARK_SOURCES = ['measured', 'published', 'submitted'] as const;
export const benchmarkSourceSchema = z.enum(BENCHMARK_SOURCES);
export type BenchmarkSource = z.infer<typeof benchmarkSourceSchema>;

const count = z.number().int().nonnegative();
const measure = z.number().finite().nonnegative();
const optionalCount = count.nullable();
const optionalMeasure = measure.nullable();

export const benchmarkHardwareSchema = z.object({
  /** As the node reported it (nvidia-smi `name` of GPU 0), e.g. "NVIDIA GeForce RTX 3090"; "unknown" if never read. */
  gpuName: z.string().min(1),
  /** memory.total of GPU 0, MiB. */
  gpuMemoryMib: optionalCount,
  gpuCount: count.min(1),
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  cpuModel: z.string().nullable(),
  /** Logical CPUs. */
  cpuCores: optionalCount,
  ramGib: optionalCount,
});
export type BenchmarkHardware = z.infer<typeof benchmarkHardwareSchema>;

export const benchmarkModelSchema = z.object({
  /** The runtime's tag as requested, e.g. `llama3.1:8b`. */
  name: z.string().min(1),
  /** The part before the first `:`. */
  family: z.string().min(1),
  /** e.g. "8.0B" (the runtime's own notation). */
  parameterCount: z.string().nullable(),
  /** e.g. "Q4_K_M". */
  quantization: z.string().nullable(),
  /** Model size on disk in GB (10^9 bytes), from the runtime's tag listing. */
  sizeGb: optionalMeasure,
  runtime: z.string().min(1),
  runtimeVersion: z.string().nullable(),
  /** The model digest the tag resolved to, so results stay comparable when a tag moves (§E.1.4). */
  digest: z.string().nullable(),
});
export type BenchmarkModel = z.infer<typeof benchmarkModelSchema>;

export const benchmarkTestConfigSchema = z.object({
  /** Length of the throughput phase in whole minutes (upstream's field; seconds are in results). */
  durationMinutes: optionalCount,
  /** num_predict of each throughput request. */
  maxTokens: optionalCount,
  promptTypes: z.array(z.string()),
  concurrentReqs: count.min(1),
  warmupRequests: optionalCount,
  /** The script (or report) version that produced the numbers: 256- and 500-token eras differ (§A.11). */
  suiteVersion: z.string().nullable(),
});
export type BenchmarkTestConfig = z.infer<typeof benchmarkTestConfigSchema>;

/**
 * Throughput-phase statistics. TPS figures are per-request decode rates (eval_count ÷ eval_duration)
 * unless named end-to-end; percentiles are nearest-rank over successful requests.
 */
export const benchmarkPerformanceSchema = z.object({
  totalRequests: optionalCount,
  totalTokens: optionalCount,
  totalPromptTokens: optionalCount,
  totalErrors: optionalCount,
  durationSeconds: optionalMeasure,
  /** The headline metric every ranking uses: mean per-request decode tokens/s. */
  avgTokensPerSecond: measure,
  minTokensPerSecond: optionalMeasure,
  maxTokensPerSecond: optionalMeasure,
  p50TokensPerSecond: optionalMeasure,
  p95TokensPerSecond: optionalMeasure,
  p99TokensPerSecond: optionalMeasure,
  /** Output tokens ÷ wall time of the whole phase (prefill, load and gaps included; §E.1.2). */
  endToEndTokensPerSecond: optionalMeasure,
  avgLatencyMs: optionalMeasure,
  minLatencyMs: optionalMeasure,
  maxLatencyMs: optionalMeasure,
  p50LatencyMs: optionalMeasure,
  p95LatencyMs: optionalMeasure,
  p99LatencyMs: optionalMeasure,
  requestsPerMinute: optionalMeasure,
  avgTokensPerRequest: optionalMeasure,
  /** errors ÷ requests, 0–1. */
  errorRate: z.number().min(0).max(1).nullable(),
  /** Real time to the first streamed token (upstream measured whole-response latency here; §E.1.1). */
  avgTtftMs: optionalMeasure,
  p50TtftMs: optionalMeasure,
  p95TtftMs: optionalMeasure,
  /** prompts_matching ÷ prompts_with_expected, 0–1. */
  matchRate: z.number().min(0).max(1).nullable(),
  promptsWithExpected: optionalCount,
  promptsMatching: optionalCount,
});
export type BenchmarkPerformance = z.infer<typeof benchmarkPerformanceSchema>;

export const benchmarkGpuStatsSchema = z.object({
  avgUtilizationPct: optionalMeasure,
  maxUtilizationPct: optionalMeasure,
  avgMemoryUsedMib: optionalMeasure,
  maxMemoryUsedMib: optionalMeasure,
  avgTemperatureC: optionalMeasure,
  maxTemperatureC: optionalMeasure,
  avgPowerDrawW: optionalMeasure,
  maxPowerDrawW: optionalMeasure,
});
export type BenchmarkGpuStats = z.infer<typeof benchmarkGpuStatsSchema>;

/** One quality prompt (upstream dropped these; §E.1.7). `matched` is null for prompts without expectations. */
export const benchmarkQualityResultSchema = z.object({
  id: z.string().min(1),
  category: z.string(),
  matched: z.boolean().nullable(),
  ttftMs: optionalMeasure,
  tokensPerSecond: optionalMeasure,
});
export type BenchmarkQualityResult = z.infer<typeof benchmarkQualityResultSchema>;

export const benchmarkResultSchema = z.object({
  /** `bmr_…`. */
  id: z.string().min(1),
  /** When the measurement finished (UTC). */
  timestamp: z.date(),
  source: benchmarkSourceSchema,
  /** Canonical SKU id from the GPU catalogue, or null when the reported name is not in it. */
  gpuSku: z.string().nullable(),
  /** vastai, tensordock, bluelobster — or another provider's name for submitted results. */
  provider: z.string().min(1),
  /** The offer's location, free text ("Spain, ES", "igl"); "unknown" when not known. */
  location: z.string(),
  /** Price of the rented node when measured, µUSD per hour; null when unknown (no cost figures then). */
  pricePerHourMicros: z.number().int().nonnegative().nullable(),
  sessionId: z.string().nullable(),
  offerId: z.string().nullable(),
  runId: z.string().nullable(),
  hardware: benchmarkHardwareSchema,
  model: benchmarkModelSchema,
  testConfig: benchmarkTestConfigSchema,
  results: benchmarkPerformanceSchema,
  gpuStats: benchmarkGpuStatsSchema,
  qualityResults: z.array(benchmarkQualityResultSchema),
  /**
   * Why the result must not be ranked (GPU name does not match the rented SKU, errors above the
   * gate, a known outlier…). Empty means valid. Invalid results are kept, never silently dropped.
   */
  invalidReasons: z.array(z.string()),
  /**
   * Idempotency key of the import or submission that created it (`published:…`, a runner attempt,
   * a client's key): a second insert with the same key is refused, so imports can be re-run.
   */
  dedupeKey: z.string().min(1).nullable(),
  createdAt: z.date(),
});
export type BenchmarkResult = z.infer<typeof benchmarkResultSchema>;

/** True when the result may be ranked. */
export function isValidBenchmark(result: Pick<BenchmarkResult, 'invalidReasons'>): boolean {
  return result.invalidReasons.length === 0;
}
