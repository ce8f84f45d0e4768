import { type BenchmarkResult } from '../benchmarks/benchmark-result.js';
import { benchmarkRunRequestSchema, type BenchmarkRun, type BenchmarkRunRequestInput } from '../benchmarks/benchmark-run.js';
import { type BenchmarkSchedule } from '../benchmarks/benchmark-schedule.js';

const T0 = new Date('2026-02-07T14:22:31.000Z');

/**
 * A valid measured result, consistent with the published RTX 3090 / llama3.1:8b row (§A.4.7).
 * Override what the test is about; nested objects are merged one level deep.
 */
export function buildBenchmarkResult(
  overrides: Partial<Omit<BenchmarkResult, 'hardware' | 'model' | 'results'>> & {
    hardware?: Partial<BenchmarkResult['hardware']>;
    model?: Partial<BenchmarkResult['model']>;
    results?: Partial<BenchmarkResult['results']>;
  } = {},
): BenchmarkResult {
  const { hardware, model, results, ...rest } = overrides;
  return {
    id: 'bmr_00000000000000000000000001',
    timestamp: T0,
    source: 'measured',
    gpuSku: 'RTX 3090',
    provider: 'vastai',
    location: 'Spain, ES',
    pricePerHourMicros: 76_000,
    sessionId: null,
    offerId: null,
    runId: null,
    hardware: {
      gpuName: 'NVIDIA GeForce RTX 3090',
      gpuMemoryMib: 24576,
      gpuCount: 1,
      driverVersion: '550.127.05',
      cudaVersion: '12.4',
      cpuModel: 'AMD EPYC 7302 16-Core Processor',
      cpuCores: 32,
      ramGib: 125,
      ...hardware,
    },
    model: {
      name: 'llama3.1:8b',
      family: 'llama3.1',
      parameterCount: '8.0B',
      quantization: 'Q4_K_M',
      sizeGb: 4.9,
      runtime: 'ollama',
      runtimeVersion: '0.15.4',
      digest: null,
      ...model,
    },
    testConfig: { durationMinutes: 5, maxTokens: 500, promptTypes: ['reasoning', 'throughput'], concurrentReqs: 1, warmupRequests: 2, suiteVersion: 'ollama-bench v1' },
    results: {
      totalRequests: 83,
      totalTokens: 41350,
      totalPromptTokens: 3984,
      totalErrors: 0,
      durationSeconds: 302,
      avgTokensPerSecond: 144.8,
      minTokensPerSecond: 141.07,
      maxTokensPerSecond: 146.93,
      p50TokensPerSecond: 144.91,
      p95TokensPerSecond: 146.2,
      p99TokensPerSecond: 146.93,
      endToEndTokensPerSecond: 136.9,
      avgLatencyMs: 3634.2,
      minLatencyMs: 3541.8,
      maxLatencyMs: 3790.5,
      p50LatencyMs: 3622,
      p95LatencyMs: 3731.7,
      p99LatencyMs: 3790.5,
      requestsPerMinute: 16.5,
      avgTokensPerRequest: 498.2,
      errorRate: 0,
      avgTtftMs: 61.9,
      p50TtftMs: 58.4,
      p95TtftMs: 90.1,
      matchRate: 1,
      promptsWithExpected: 4,
      promptsMatching: 4,
      ...results,
    },
    gpuStats: {
      avgUtilizationPct: 93.4,
      maxUtilizationPct: 98,
      avgMemoryUsedMib: 6412,
      maxMemoryUsedMib: 6455,
      avgTemperatureC: 62.3,
      maxTemperatureC: 67,
      avgPowerDrawW: 318.6,
      maxPowerDrawW: 347.2,
    },
    qualityResults: [{ id: 'math_simple', category: 'reasoning', matched: true, ttftMs: 171.3, tokensPerSecond: 150.12 }],
    invalidReasons: [],
    dedupeKey: null,
    createdAt: T0,
    ...rest,
  };
}

/** A pending run over the given request (defaults applied), with one pending entry per model × GPU type. */
export function buildBenchmarkRun(overrides: Partial<BenchmarkRun> = {}, request: BenchmarkRunRequestInput = { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] }): BenchmarkRun {
  const id = overrides.id ?? 'bch_00000000000000000000000001';
  const parsed = benchmarkRunRequestSchema.parse(request);
  const entries = parsed.models.flatMap((model) => parsed.gpuTypes.map((gpuType) => ({ model, gpuType })));
  return {
    id,
    status: 'pending',
    request: parsed,
    entries: entries.map((e, i) => ({
      id: `${id}-${i + 1}`,
      model: e.model,
      gpuType: e.gpuType,
      provider: null,
      status: 'pending' as const,
      attempts: [],
      resultId: null,
      errorType: null,
      errorMessage: null,
      retrySuggested: null,
    })),
    spentMicros: 0,
    excludedOfferIds: [],
    excludedHostIds: [],
    scheduleId: null,
    cancelRequested: false,
    stopReason: null,
    createdAt: T0,
    updatedAt: T0,
    startedAt: null,
    completedAt: null,
    version: 0,
    ...overrides,
  };
}

export function buildBenchmarkSchedule(overrides: Partial<BenchmarkSchedule> = {}): BenchmarkSchedule {
  return {
    id: 'bsc_00000000000000000000000001',
    name: 'nightly',
    cronExpression: '0 3 * * *',
    timezone: 'UTC',
    runTemplate: benchmarkRunRequestSchema.parse({ models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] }),
    enabled: true,
    nextRunAt: new Date('2026-02-08T03:00:00.000Z'),
    lastRunAt: null,
    lastRunId: null,
    lastSkipReason: null,
    createdAt: T0,
    updatedAt: T0,
    version: 0,
    ...overrides,
  };
}
