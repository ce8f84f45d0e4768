import {
  resolveGpu,
  usdToMicros,
  type BenchmarkResult,
  type BenchmarkResultRepository,
  type Clock,
  type IdGenerator,
} from '@gpu-shopper/core';

/**
 * The published results of the upstream project (reference bench-ssh-ops §A.11), as seed data with
 * `source: 'published'`. Only what the reports state is filled in: TPS (mean per-request decode
 * tokens/s from Ollama), price at benchmark time and location; every other measurement is null.
 *
 * Provenance notes:
 * - Vast.ai/TensorDock rows: `docs/BENCHMARK_REPORT.md` (2026-02-07, 500-token script).
 * - Blue Lobster: campaign 2 (`run-fc5eca3f`) and campaigns 5/6; the reference gives no date for
 *   them, so they carry 2026-02-24, the date of the reference's Blue Lobster run sample. Campaign 2
 *   recorded gpu_name "unknown" for two RTX 8000 rows; the GPU is known from the rented offer.
 * - The TensorDock RTX 5090 row (11.1 TPS) is the report's driver-initialisation outlier: kept, but
 *   invalid, so rankings never use it.
 * - "RTX 5060 Ti" is the 16GB card: deepseek-r1:14b (≈9 GB of weights) ran on it at 44 TPS, which an
 *   8GB card cannot hold.
 * - "A100 80GB" rows are stored under nvidia-smi's "NVIDIA A100 80GB PCIe", as the report's stored
 *   rows are.
 */

interface PublishedRow {
  readonly gpu: string;
  readonly provider: 'vastai' | 'tensordock' | 'bluelobster';
  readonly model: string;
  readonly tps: number;
  readonly pricePerHourUsd: number;
  readonly location: string;
  readonly date: string;
  readonly suite: string;
  readonly note?: string;
  readonly invalid?: string;
}

/** The name nvidia-smi prints for each short name the reports use (and the VRAM that pins the SKU). */
const NVIDIA_SMI_NAMES: Readonly<Record<string, { name: string; vramGb?: number }>> = {
  'RTX 5090': { name: 'NVIDIA GeForce RTX 5090' },
  'RTX 5080': { name: 'NVIDIA GeForce RTX 5080' },
  'RTX 5070 Ti': { name: 'NVIDIA GeForce RTX 5070 Ti' },
  'RTX 5070': { name: 'NVIDIA GeForce RTX 5070' },
  'RTX 5060 Ti': { name: 'NVIDIA GeForce RTX 5060 Ti', vramGb: 16 },
  'RTX 4090': { name: 'NVIDIA GeForce RTX 4090' },
  'RTX 3090': { name: 'NVIDIA GeForce RTX 3090' },
  'RTX A6000': { name: 'NVIDIA RTX A6000' },
  'RTX A5000': { name: 'NVIDIA RTX A5000' },
  'RTX A4000': { name: 'NVIDIA RTX A4000' },
  'RTX 8000': { name: 'Quadro RTX 8000' },
  'A100 80GB': { name: 'NVIDIA A100 80GB PCIe' },
  'H200 NVL': { name: 'NVIDIA H200 NVL' },
};

const REPORT = { date: '2026-02-07T00:00:00Z', suite: 'upstream gpu-benchmark.sh (500 tokens)' } as const;
const BLUE_LOBSTER = { date: '2026-02-24T00:00:00Z', suite: 'upstream gpu-benchmark.sh (500 tokens)' } as const;
type Base = Omit<PublishedRow, 'gpu' | 'provider' | 'model' | 'tps' | 'pricePerHourUsd' | 'location'>;
const row = (gpu: string, provider: PublishedRow['provider'], model: string, tps: number, pricePerHourUsd: number, location: string, base: Base, extra: Partial<PublishedRow> = {}): PublishedRow => ({
  gpu,
  provider,
  model,
  tps,
  pricePerHourUsd,
  location,
  ...base,
  ...extra,
});
const v = (gpu: string, model: string, tps: number, price: number, location: string, extra: Partial<PublishedRow> = {}) => row(gpu, 'vastai', model, tps, price, location, REPORT, extra);
const td = (gpu: string, model: string, tps: number, price: number, location: string, extra: Partial<PublishedRow> = {}) => row(gpu, 'tensordock', model, tps, price, location, REPORT, extra);
const bl = (gpu: string, model: string, tps: number, price: number, note: string) => row(gpu, 'bluelobster', model, tps, price, 'igl', BLUE_LOBSTER, { note });

export const PUBLISHED_BENCHMARKS: readonly PublishedRow[] = [
  v('RTX 5090', 'qwen2:7b', 304.8, 0.21, 'US'),
  v('RTX 5090', 'deepseek-r1:14b', 149.2, 0.21, 'US'),
  v('RTX 5090', 'deepseek-r1:32b', 72.5, 0.21, 'US'),
  td('RTX 5090', 'deepseek-r1:14b', 11.1, 0.54, 'Chubbuck, ID', { invalid: 'driver-initialisation outlier (published report)' }),
  v('RTX 5080', 'mistral:7b', 168.4, 0.118, 'California, US'),
  v('RTX 5080', 'deepseek-r1:14b', 88.8, 0.127, 'unknown'),
  v('RTX 5070 Ti', 'phi3:mini', 284.7, 0.094, 'unknown'),
  v('RTX 5070', 'qwen2:1.5b', 173.5, 0.18, 'unknown'),
  v('RTX 5060 Ti', 'qwen2:1.5b', 214.0, 0.15, 'unknown'),
  v('RTX 5060 Ti', 'mistral:7b', 89.3, 0.069, 'Ohio, US'),
  v('RTX 5060 Ti', 'llama3.1:8b', 83.3, 0.069, 'Ohio, US'),
  v('RTX 5060 Ti', 'llama3.1:8b', 83.2, 0.056, 'Spain, ES'),
  v('RTX 5060 Ti', 'deepseek-r1:14b', 44.4, 0.057, 'Vietnam, VN'),
  v('RTX 4090', 'qwen2:7b', 195.3, 0.16, 'US'),
  v('RTX 4090', 'deepseek-r1:14b', 96.7, 0.16, 'US'),
  v('RTX 4090', 'deepseek-r1:14b', 93.8, 0.322, 'Washington, US'),
  v('RTX 4090', 'deepseek-r1:32b', 44.5, 0.141, 'India, IN'),
  td('RTX 4090', 'qwen2:7b', 189.5, 0.44, 'Joplin, MO'),
  td('RTX 4090', 'mistral:7b', 179.0, 0.439, 'Joplin, MO'),
  td('RTX 4090', 'mistral:7b', 178.4, 0.377, 'Orlando, FL'),
  td('RTX 4090', 'mistral:7b', 176.0, 0.377, 'Manassas, VA'),
  td('RTX 4090', 'llama3.1:8b', 169.0, 0.396, 'Chubbuck, ID'),
  td('RTX 4090', 'deepseek-r1:14b', 93.8, 0.439, 'Joplin, MO'),
  td('RTX 4090', 'deepseek-r1:32b', 13.0, 0.44, 'Joplin, MO'),
  td('RTX 4090', 'deepseek-r1:32b', 10.0, 0.377, 'unknown'),
  v('RTX 3090', 'qwen2:7b', 167.4, 0.08, 'Spain'),
  v('RTX 3090', 'mistral:7b', 159.2, 0.082, 'Quebec, CA'),
  v('RTX 3090', 'llama3.1:8b', 144.8, 0.076, 'Spain, ES'),
  v('RTX 3090', 'deepseek-r1:14b', 82.8, 0.079, 'Quebec, CA'),
  v('RTX 3090', 'deepseek-r1:14b', 81.1, 0.08, 'Spain'),
  v('RTX 3090', 'deepseek-r1:32b', 3.6, 0.08, 'Spain', { note: 'model larger than VRAM (CPU offload)' }),
  td('RTX 3090', 'qwen2:1.5b', 235.7, 0.2, 'unknown'),
  td('RTX 3090', 'qwen2:7b', 126.7, 0.2, 'Manassas, VA'),
  td('RTX 3090', 'deepseek-r1:14b', 80.1, 0.2, 'Manassas, VA'),
  td('RTX 3090', 'deepseek-r1:14b', 44.7, 0.2, 'Manassas, VA'),
  td('RTX 3090', 'deepseek-r1:32b', 11.3, 0.2, 'Manassas, VA'),
  td('RTX A6000', 'llama3.1:8b', 121.9, 0.4, 'Chubbuck, ID'),
  td('RTX A6000', 'deepseek-r1:14b', 68.0, 0.4, 'Chubbuck, ID'),
  v('A100 80GB', 'qwen2:7b', 199.9, 0.33, 'US'),
  v('A100 80GB', 'deepseek-r1:14b', 86.3, 0.33, 'US'),
  v('A100 80GB', 'deepseek-r1:32b', 42.1, 0.33, 'US'),
  v('A100 80GB', 'deepseek-r1:70b', 3.5, 0.33, 'unknown', { note: 'model larger than VRAM (CPU offload)' }),
  v('H200 NVL', 'deepseek-r1:70b', 36.3, 2.0, 'unknown'),
  // Blue Lobster, campaign 2 (run-fc5eca3f) and campaigns 5/6.
  bl('RTX A4000', 'llama3.1:8b', 74.3, 0.2, 'campaign 2'),
  bl('RTX A4000', 'llama3.1:8b', 74.2, 0.2, 'campaigns 5/6'),
  bl('RTX A4000', 'mistral:7b', 79.0, 0.2, 'campaign 2'),
  bl('RTX A4000', 'qwen2:7b', 85.5, 0.2, 'campaign 2'),
  bl('RTX A4000', 'qwen2:7b', 85.3, 0.2, 'campaigns 5/6'),
  bl('RTX A4000', 'deepseek-r1:14b', 40.6, 0.2, 'campaign 2'),
  bl('RTX A5000', 'llama3.1:8b', 116.4, 0.3, 'campaign 2'),
  bl('RTX A5000', 'llama3.1:8b', 116.1, 0.3, 'campaign 5'),
  bl('RTX A5000', 'llama3.1:8b', 116.5, 0.3, 'campaign 6'),
  bl('RTX A5000', 'mistral:7b', 121.5, 0.3, 'campaign 2'),
  bl('RTX A5000', 'qwen2:7b', 135.5, 0.3, 'campaign 2'),
  bl('RTX A5000', 'qwen2:7b', 135.4, 0.3, 'campaign 5'),
  bl('RTX A5000', 'qwen2:7b', 135.0, 0.3, 'campaign 6'),
  bl('RTX A5000', 'deepseek-r1:14b', 62.9, 0.3, 'campaign 2'),
  bl('RTX A5000', 'deepseek-r1:8b', 97.8, 0.3, 'campaign 5'),
  bl('RTX A5000', 'deepseek-r1:8b', 100.2, 0.3, 'campaign 6'),
  bl('RTX 8000', 'llama3.1:8b', 85.8, 0.35, 'campaign 2 (gpu_name recorded "unknown")'),
  bl('RTX 8000', 'llama3.1:8b', 85.9, 0.35, 'campaign 5'),
  bl('RTX 8000', 'llama3.1:8b', 85.9, 0.35, 'campaign 6'),
  bl('RTX 8000', 'mistral:7b', 91.0, 0.35, 'campaign 2'),
  bl('RTX 8000', 'qwen2:7b', 97.8, 0.35, 'campaign 2 (gpu_name recorded "unknown")'),
  bl('RTX 8000', 'qwen2:7b', 98.5, 0.35, 'campaign 5'),
  bl('RTX 8000', 'qwen2:7b', 98.4, 0.35, 'campaign 6'),
  bl('RTX 5090', 'qwen2:7b', 279.8, 0.75, 'campaign 5'),
  bl('RTX 5090', 'qwen2:7b', 280.4, 0.75, 'campaign 6'),
  // Vast rows from campaigns 5/6.
  row('RTX 5070 Ti', 'vastai', 'qwen2:7b', 169.2, 0.07, 'unknown', BLUE_LOBSTER, { note: 'campaign 5' }),
  row('RTX 5070 Ti', 'vastai', 'qwen2:7b', 169.0, 0.07, 'unknown', BLUE_LOBSTER, { note: 'campaign 6' }),
  row('RTX 4090', 'vastai', 'qwen2:7b', 188.2, 0.2, 'unknown', BLUE_LOBSTER, { note: 'campaign 5/6' }),
];

/**
 * Stable per row: provider, GPU, model, TPS and price identify a published measurement (the same
 * figures twice, like the two RTX 8000 llama3.1 rows at 85.9, are told apart by their note).
 */
function dedupeKey(r: PublishedRow): string {
  return `published:a11:${r.provider}:${r.gpu}:${r.model}:${r.tps}:${r.pricePerHourUsd}:${r.location}:${r.note ?? ''}`;
}

/** The published rows as domain results (ids from `ids`, created now). */
export function publishedBenchmarkResults(ids: IdGenerator, now: Date): BenchmarkResult[] {
  return PUBLISHED_BENCHMARKS.map((r) => {
    const smi = NVIDIA_SMI_NAMES[r.gpu];
    if (!smi) throw new Error(`published row names an unmapped GPU '${r.gpu}'`);
    const resolved = resolveGpu(smi.name, smi.vramGb === undefined ? {} : { vramGb: smi.vramGb });
    if (!resolved.known) throw new Error(`published GPU '${smi.name}' is not in the GPU catalogue`);
    const [family = r.model] = r.model.split(':');
    return {
      id: ids.next('benchmarkResult'),
      timestamp: new Date(r.date),
      source: 'published',
      gpuSku: resolved.sku.id,
      provider: r.provider,
      location: r.location,
      pricePerHourMicros: usdToMicros(r.pricePerHourUsd),
      sessionId: null,
      offerId: null,
      runId: null,
      hardware: { gpuName: smi.name, gpuMemoryMib: null, gpuCount: 1, driverVersion: null, cudaVersion: null, cpuModel: null, cpuCores: null, ramGib: null },
      model: { name: r.model, family, parameterCount: null, quantization: null, sizeGb: null, runtime: 'ollama', runtimeVersion: null, digest: null },
      testConfig: { durationMinutes: 5, maxTokens: 500, promptTypes: [], concurrentReqs: 1, warmupRequests: null, suiteVersion: r.note ? `${r.suite}; ${r.note}` : r.suite },
      results: {
        totalRequests: null,
        totalTokens: null,
        totalPromptTokens: null,
        totalErrors: null,
        durationSeconds: null,
        avgTokensPerSecond: r.tps,
        minTokensPerSecond: null,
        maxTokensPerSecond: null,
        p50TokensPerSecond: null,
        p95TokensPerSecond: null,
        p99TokensPerSecond: null,
        endToEndTokensPerSecond: null,
        avgLatencyMs: null,
        minLatencyMs: null,
        maxLatencyMs: null,
        p50LatencyMs: null,
        p95LatencyMs: null,
        p99LatencyMs: null,
        requestsPerMinute: null,
        avgTokensPerRequest: null,
        errorRate: null,
        avgTtftMs: null,
        p50TtftMs: null,
        p95TtftMs: null,
        matchRate: null,
        promptsWithExpected: null,
        promptsMatching: null,
      },
      gpuStats: { avgUtilizationPct: null, maxUtilizationPct: null, avgMemoryUsedMib: null, maxMemoryUsedMib: null, avgTemperatureC: null, maxTemperatureC: null, avgPowerDrawW: null, maxPowerDrawW: null },
      qualityResults: [],
      invalidReasons: r.invalid ? [r.invalid] : [],
      dedupeKey: dedupeKey(r),
      createdAt: now,
    };
  });
}

export interface ImportReport {
  readonly inserted: number;
  readonly skipped: number;
}

/**
 * Imports the published rows. Idempotent: each row has a stable dedupe key, so a second import (or a
 * concurrent one) inserts nothing and reports every row as skipped.
 */
export async function importPublishedBenchmarks(results: BenchmarkResultRepository, deps: { readonly ids: IdGenerator; readonly clock: Clock }): Promise<ImportReport> {
  let inserted = 0;
  let skipped = 0;
  for (const result of publishedBenchmarkResults(deps.ids, deps.clock.now())) {
    const stored = await results.insert(result);
    if (stored.ok) inserted++;
    else skipped++;
  }
  return { inserted, skipped };
}
