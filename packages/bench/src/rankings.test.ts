import { type BenchmarkResult } from '@gpu-shopper/core';
import { buildBenchmarkResult, buildOffer } from '@gpu-shopper/core/testing';

import { aggregateBenchmarks, bestBenchmark, cheapestBenchmark, compareBenchmarks, costAnalysis, costPerMillionTokensUsd, median, recommendOffers } from './rankings.js';

let n = 0;
function bench(gpuSku: string, provider: string, tps: number, priceMicros: number | null, extra: Partial<BenchmarkResult> & { gpuMemoryMib?: number } = {}): BenchmarkResult {
  n++;
  const { gpuMemoryMib, ...rest } = extra;
  return buildBenchmarkResult({
    id: `bmr_${n.toString().padStart(26, '0')}`,
    gpuSku,
    provider,
    pricePerHourMicros: priceMicros,
    model: { name: 'qwen2:7b' },
    results: { avgTokensPerSecond: tps },
    hardware: { gpuMemoryMib: gpuMemoryMib ?? null },
    timestamp: new Date(Date.UTC(2026, 1, 1, 0, n)),
    ...rest,
  });
}

describe('formulas', () => {
  it('computes $ per million tokens = price / (tps × 3600) × 1e6 exactly', () => {
    expect(costPerMillionTokensUsd(0.36, 100)).toBeCloseTo(1.0, 12);
    expect(costPerMillionTokensUsd(0.076, 144.8)).toBeCloseTo(0.1458, 4);
    expect(costPerMillionTokensUsd(0.44, 44)).toBeCloseTo(2.78, 2); // the README's "$0.003 per 1M" was wrong
    expect(costPerMillionTokensUsd(0, 100)).toBeNull();
    expect(costPerMillionTokensUsd(0.3, 0)).toBeNull();
    expect(costPerMillionTokensUsd(null, 100)).toBeNull();
  });

  it('reproduces the reference cost vector: 100 TPS at $0.36/h', () => {
    expect(costAnalysis(360_000, 100)).toEqual({ tokensPerDollar: 1_000_000, costPerMillionTokensUsd: 1, costPerHourUsd: 0.36, estimatedMonthly24x7Usd: expect.closeTo(259.2, 9) as number });
    expect(costAnalysis(null, 100)).toBeNull();
    expect(costAnalysis(360_000, 0)).toBeNull();
  });

  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('rankings', () => {
  const rows = [
    bench('RTX 5090', 'vastai', 304.8, 210_000, { gpuMemoryMib: 32607 }),
    bench('RTX 3090', 'vastai', 167.4, 80_000, { gpuMemoryMib: 24576 }),
    bench('RTX 4090', 'vastai', 195.3, 160_000, { gpuMemoryMib: 24564 }),
    bench('RTX 3090', 'tensordock', 126.7, 200_000, { gpuMemoryMib: 24576 }),
    // Invalid and error-ridden rows never rank, however fast.
    bench('H200 NVL', 'vastai', 900, 10_000, { invalidReasons: ['outlier'] }),
    bench('RTX 4090', 'vastai', 10, 160_000, { model: { name: 'other:1b' } as BenchmarkResult['model'] }),
  ];

  it('aggregates per (GPU, provider): the median of the most recent samples, with evidence', () => {
    const samples = [bench('RTX 4090', 'tensordock', 100, 400_000), bench('RTX 4090', 'tensordock', 180, 400_000), bench('RTX 4090', 'tensordock', 170, 380_000)];
    const [agg] = aggregateBenchmarks(samples, { model: 'qwen2:7b', recentSamples: 2, now: new Date('2026-02-11T00:00:00Z') });
    expect(agg).toMatchObject({ gpu: 'RTX 4090', provider: 'tensordock', medianTokensPerSecond: 175, medianPricePerHourMicros: 390_000 });
    expect(agg?.evidence).toMatchObject({ sampleCount: 2, availableSamples: 3, ageDays: 9, sources: ['measured'], providers: ['tensordock'] });
    expect(agg?.representative.id).toBe(samples[2]?.id);
  });

  it('best is the fastest group; cheapest the lowest $/Mtok reaching min_tps', () => {
    expect(bestBenchmark(rows, 'qwen2:7b')?.aggregate).toMatchObject({ gpu: 'RTX 5090', provider: 'vastai' });
    const cheapest = cheapestBenchmark(rows, 'qwen2:7b');
    expect(cheapest?.aggregate).toMatchObject({ gpu: 'RTX 3090', provider: 'vastai' });
    expect(cheapest?.costAnalysis?.costPerMillionTokensUsd).toBeCloseTo(0.13275, 5);
    expect(cheapestBenchmark(rows, 'qwen2:7b', 200)?.aggregate.gpu).toBe('RTX 5090');
    expect(bestBenchmark(rows, 'missing:1b')).toBeUndefined();
  });

  it('compare reproduces the reference vectors against the fastest baseline, with absolute $/Mtok', () => {
    const comparison = compareBenchmarks(rows, 'qwen2:7b');
    expect(comparison?.baseline.aggregate.gpu).toBe('RTX 5090');
    const row3090 = comparison?.comparisons.find((c) => c.aggregate.gpu === 'RTX 3090' && c.aggregate.provider === 'vastai');
    expect(row3090?.speedupFactor).toBeCloseTo(0.5492, 4);
    expect(row3090?.costEfficiency).toBeCloseTo(1.4417, 4);
    expect(row3090?.memoryEfficiency).toBeCloseTo(0.7287, 4);
    expect(row3090?.costAnalysis?.costPerMillionTokensUsd).toBeCloseTo(0.13275, 5);
    const row4090 = comparison?.comparisons.find((c) => c.aggregate.gpu === 'RTX 4090');
    expect(row4090?.speedupFactor).toBeCloseTo(0.6407, 4);
    expect(row4090?.costEfficiency).toBeCloseTo(0.841, 3);
    expect(row4090?.memoryEfficiency).toBeCloseTo(0.8505, 4);
    expect(compareBenchmarks(rows, 'qwen2:7b', 'cheapest')?.baseline.aggregate.gpu).toBe('RTX 3090');
    expect(compareBenchmarks(rows, 'qwen2:7b', { gpu: 'RTX 3090', provider: 'tensordock' })?.baseline.aggregate.provider).toBe('tensordock');
  });
});

describe('recommendOffers', () => {
  const results = [
    bench('RTX 3090', 'vastai', 160, 80_000),
    bench('RTX 3090', 'vastai', 170, 90_000),
    bench('RTX 4090', 'tensordock', 190, 440_000),
    bench('RTX 5090', 'vastai', 300, 210_000),
  ];
  const offers = [
    buildOffer({ id: 'vastai-3090', provider: 'vastai', gpuType: 'RTX 3090', pricePerHourMicros: 100_000 }),
    buildOffer({ id: 'vastai-4090', provider: 'vastai', gpuType: 'RTX 4090', pricePerHourMicros: 300_000 }),
    buildOffer({ id: 'vastai-5090', provider: 'vastai', gpuType: 'RTX 5090', pricePerHourMicros: 900_000 }),
    buildOffer({ id: 'vastai-a100', provider: 'vastai', gpuType: 'A100 80GB PCIe', pricePerHourMicros: 800_000 }),
    buildOffer({ id: 'vastai-mystery', provider: 'vastai', gpuType: 'Foo X1', gpuName: 'Foo X1', gpuKnown: false, pricePerHourMicros: 50_000 }),
    buildOffer({ id: 'vastai-gone', provider: 'vastai', gpuType: 'RTX 3090', pricePerHourMicros: 10_000, available: false }),
  ];

  it('ranks live offers by estimated $/Mtok from measured throughput, with evidence; unmeasured SKUs are listed, never guessed', () => {
    const recs = recommendOffers(offers, results, { model: 'qwen2:7b', now: new Date('2026-02-03T00:00:00Z') });
    expect(recs.map((r) => [r.offer.id, r.status])).toEqual([
      ['vastai-3090', 'recommended'],
      ['vastai-4090', 'recommended'],
      ['vastai-5090', 'recommended'],
      ['vastai-mystery', 'unmeasured'],
      ['vastai-a100', 'unmeasured'],
    ]);
    const [r3090, r4090] = recs;
    // Measured at the offer's own provider: the median of its samples, priced at today's offer price.
    expect(r3090?.expectedTokensPerSecond).toBe(165);
    expect(r3090?.estimatedCostPerMillionTokensUsd).toBeCloseTo(0.1 / (165 * 3600) * 1e6, 10);
    expect(r3090?.evidence).toMatchObject({ scope: 'provider', sampleCount: 2, providers: ['vastai'] });
    // Only measured elsewhere: the SKU's throughput from the other provider, said so.
    expect(r4090?.evidence).toMatchObject({ scope: 'sku', sampleCount: 1, providers: ['tensordock'] });
    const a100 = recs.find((r) => r.offer.id === 'vastai-a100');
    expect(a100).toMatchObject({ expectedTokensPerSecond: null, estimatedCostPerMillionTokensUsd: null, evidence: null, reason: 'no benchmark of qwen2:7b on A100 80GB PCIe' });
  });

  it('lists offers below min_tps after the recommended ones', () => {
    const recs = recommendOffers(offers, results, { model: 'qwen2:7b', minTps: 180 });
    expect(recs.filter((r) => r.status === 'recommended').map((r) => r.offer.id)).toEqual(['vastai-4090', 'vastai-5090']);
    expect(recs.find((r) => r.offer.id === 'vastai-3090')?.status).toBe('below_min_tps');
  });
});
