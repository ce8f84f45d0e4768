import { buildBenchmarkResult } from '@gpu-shopper/core/testing';

import { parseBenchmarkResultJson, toBenchmarkResultWire } from './result-parser.js';
import { sampleResult } from './test-support/fake-bench-node.js';

const NOW = new Date('2026-02-07T15:00:00.000Z');
const context = { id: 'bmr_00000000000000000000000001', source: 'measured' as const, now: NOW };

/** The reference's sample final result file (§A.4.7), as upstream's script wrote it. */
const UPSTREAM_SAMPLE = {
  timestamp: '2026-02-07T14:22:31Z',
  hardware: { gpu_name: 'NVIDIA GeForce RTX 3090', gpu_memory_mib: 24576, gpu_count: 1, driver_version: '550.127.05', cuda_version: '12.4', cpu_model: 'AMD EPYC 7302 16-Core Processor', cpu_cores: 32, ram_gib: 125 },
  model: { name: 'llama3.1:8b', family: 'llama3.1', parameter_count: '8.0B', quantization: 'Q4_K_M', size_gb: 0, runtime: 'ollama', runtime_version: '0.15.4' },
  test_config: { duration_minutes: 5, max_tokens: 500, prompt_types: ['reasoning', 'coding', 'knowledge', 'creative', 'instruction', 'throughput'], concurrent_reqs: 1, warmup_requests: 2 },
  results: {
    total_requests: 83, total_tokens: 41350, total_prompt_tokens: 0, total_errors: 0, duration_seconds: 302,
    avg_tokens_per_second: 144.8, min_tokens_per_second: 141.07, max_tokens_per_second: 146.93, p50_tokens_per_second: 144.91, p95_tokens_per_second: 146.2, p99_tokens_per_second: 146.93,
    avg_latency_ms: 3634.2, min_latency_ms: 3541.8, max_latency_ms: 3790.5, p50_latency_ms: 3622.0, p95_latency_ms: 3731.7, p99_latency_ms: 3790.5,
    requests_per_minute: 16.5, avg_tokens_per_request: 498.2, error_rate: 0, avg_ttft_ms: 3441.9, p50_ttft_ms: 3619.4, p95_ttft_ms: 3729.9,
    match_rate: 1, prompts_with_expected: 4, prompts_matching: 4,
  },
  gpu_stats: { avg_utilization_pct: 93.4, max_utilization_pct: 98.0, avg_memory_used_mib: 6412, max_memory_used_mib: 6455, avg_temperature_c: 62.3, max_temperature_c: 67.0, avg_power_draw_w: 318.6, max_power_draw_w: 347.2 },
  provider: 'vastai', location: 'Spain, ES', price_per_hour: 0.076,
  quality_results: [{ id: 'math_simple', category: 'reasoning', matched: true, ttft_ms: 171.3, tps: 150.12 }],
  session_id: 'sess-1a2b3c4d',
};

const withResults = (changes: Record<string, unknown>) => {
  const sample = sampleResult();
  return { ...sample, results: { ...(sample.results as object), ...changes } };
};

describe('parseBenchmarkResultJson', () => {
  it('reads the script’s own output (a real run) into the domain result with its context', () => {
    const parsed = parseBenchmarkResultJson(sampleResult(), { ...context, provider: 'vastai', location: 'US', pricePerHourMicros: 420_000, sessionId: 'ses_1', offerId: 'vastai-1', runId: 'bch_1', dedupeKey: 'e#1', expectedGpuSku: 'RTX 4090' });
    if (!parsed.ok) throw parsed.err;
    const r = parsed.val;
    expect(r).toMatchObject({ gpuSku: 'RTX 4090', provider: 'vastai', pricePerHourMicros: 420_000, sessionId: 'ses_1', invalidReasons: [], dedupeKey: 'e#1', createdAt: NOW });
    expect(r.model).toMatchObject({ name: 'llama3.1:8b', family: 'llama3.1', quantization: 'Q4_K_M', runtimeVersion: '0.15.4' });
    expect(r.model.digest).toMatch(/^sha256:/);
    expect(r.results.avgTtftMs).toBeLessThan(r.results.avgLatencyMs!);
    expect(r.qualityResults.find((q) => q.id === 'creative')?.matched).toBeNull();
    expect(r.testConfig.suiteVersion).toBe('ollama-bench v1');
  });

  it('reads an upstream result (POST /benchmarks), taking provider, location and USD price from the JSON', () => {
    const parsed = parseBenchmarkResultJson(UPSTREAM_SAMPLE, { ...context, source: 'submitted' });
    if (!parsed.ok) throw parsed.err;
    expect(parsed.val).toMatchObject({ source: 'submitted', gpuSku: 'RTX 3090', provider: 'vastai', location: 'Spain, ES', pricePerHourMicros: 76_000, sessionId: 'sess-1a2b3c4d' });
    expect(parsed.val.results.matchRate).toBe(1);
    expect(parsed.val.results.endToEndTokensPerSecond).toBeNull();
    expect(parsed.val.model.sizeGb).toBe(0);
  });

  it.each([
    ['latency in seconds labelled ms', { avg_latency_ms: 0.207, min_latency_ms: 0.203, max_latency_ms: 0.216, p50_latency_ms: 0.205, avg_ttft_ms: 0.07 }, /wrong unit/],
    ['tokens per ms labelled per second', { avg_tokens_per_second: 0.2977, min_tokens_per_second: 0.28, max_tokens_per_second: 0.3, p50_tokens_per_second: 0.29, end_to_end_tokens_per_second: 0.1 }, /wrong unit/],
    ['tokens per minute labelled per second', { avg_tokens_per_second: 17_862, min_tokens_per_second: 17_000, max_tokens_per_second: 18_000, p50_tokens_per_second: 17_900, end_to_end_tokens_per_second: 6000 }, /under 5%/],
    ['TTFT above the whole latency', { avg_ttft_ms: 500 }, /TTFT is part/],
    ['duration in minutes', { duration_seconds: 0.0385 }, /duration_seconds in the wrong unit/],
    ['error rate that is not errors ÷ requests', { total_errors: 1, error_rate: 0.5 }, /not total_errors/],
    ['end-to-end faster than decode', { end_to_end_tokens_per_second: 900 }, /exceeds the decode rate/],
  ])('rejects %s', (_name, changes, message) => {
    const parsed = parseBenchmarkResultJson(withResults(changes), context);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.err.message).toMatch(message);
  });

  it('rejects malformed JSON shapes with every issue listed', () => {
    const parsed = parseBenchmarkResultJson({ timestamp: 'yesterday', hardware: {}, model: { name: '' }, results: { avg_tokens_per_second: -3 } }, context);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      const paths = parsed.err.context.issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['timestamp', 'hardware.gpu_name', 'model.name', 'results.avg_tokens_per_second']));
    }
  });

  it('keeps but invalidates a result from the wrong GPU, an unknown GPU, too many errors or no throughput', () => {
    const wrongGpu = parseBenchmarkResultJson(sampleResult(), { ...context, expectedGpuSku: 'RTX 3090' });
    expect(wrongGpu.ok && wrongGpu.val.invalidReasons).toEqual(['the node reported RTX 4090, but RTX 3090 was rented']);
    const unknown = parseBenchmarkResultJson(sampleResult('unknown'), context);
    expect(unknown.ok && unknown.val).toMatchObject({ gpuSku: null, invalidReasons: ["GPU 'unknown' is not in the GPU catalogue"] });
    const errors = parseBenchmarkResultJson(withResults({ total_requests: 10, total_errors: 2, error_rate: 0.2, requests_per_minute: null }), context);
    expect(errors.ok && errors.val.invalidReasons).toEqual(['error rate 0.2 is at or above 0.1']);
    // Every request failed: no NaN anywhere, just an unrankable result.
    const none = parseBenchmarkResultJson(withResults({ avg_tokens_per_second: 0, avg_tokens_per_request: null, end_to_end_tokens_per_second: 0, total_errors: 6, error_rate: 1 }), context);
    expect(none.ok && none.val.invalidReasons).toContain('no throughput measured (avg_tokens_per_second is 0)');
  });

  it('round-trips through the wire form', () => {
    const result = buildBenchmarkResult();
    const parsed = parseBenchmarkResultJson(toBenchmarkResultWire(result), { ...context, id: result.id, source: result.source, now: result.createdAt, offerId: null, runId: null });
    if (!parsed.ok) throw parsed.err;
    expect(parsed.val).toEqual(result);
  });
});
