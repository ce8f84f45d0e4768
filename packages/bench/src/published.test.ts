import { FakeClock, SequentialIdGenerator, createInMemoryBenchmarkRepositories } from '@gpu-shopper/core/testing';

import { PUBLISHED_BENCHMARKS, importPublishedBenchmarks, publishedBenchmarkResults } from './published.js';
import { bestBenchmark, cheapestBenchmark } from './rankings.js';

describe('published seed data (§A.11)', () => {
  it('maps every row to a known catalogue SKU, marked published, with only reported figures set', () => {
    const results = publishedBenchmarkResults(new SequentialIdGenerator(), new Date('2026-03-01T00:00:00Z'));
    expect(results).toHaveLength(PUBLISHED_BENCHMARKS.length);
    expect(results.every((r) => r.source === 'published' && r.gpuSku !== null && r.dedupeKey?.startsWith('published:'))).toBe(true);
    expect(new Set(results.map((r) => r.dedupeKey)).size).toBe(results.length);
    expect(new Set(results.map((r) => r.gpuSku))).toEqual(
      new Set(['RTX 5090', 'RTX 5080', 'RTX 5070 Ti', 'RTX 5070', 'RTX 5060 Ti 16GB', 'RTX 4090', 'RTX 3090', 'RTX A6000', 'RTX A5000', 'RTX A4000', 'Quadro RTX 8000', 'A100 80GB PCIe', 'H200 NVL']),
    );
    const row = results.find((r) => r.gpuSku === 'RTX 3090' && r.model.name === 'llama3.1:8b');
    expect(row).toMatchObject({ provider: 'vastai', pricePerHourMicros: 76_000, location: 'Spain, ES', results: { avgTokensPerSecond: 144.8, avgLatencyMs: null } });
    expect(results.filter((r) => r.invalidReasons.length > 0).map((r) => [r.gpuSku, r.provider, r.results.avgTokensPerSecond])).toEqual([['RTX 5090', 'tensordock', 11.1]]);
  });

  it('imports idempotently', async () => {
    const repos = createInMemoryBenchmarkRepositories();
    const deps = { ids: new SequentialIdGenerator(), clock: new FakeClock() };
    expect(await importPublishedBenchmarks(repos.results, deps)).toEqual({ inserted: PUBLISHED_BENCHMARKS.length, skipped: 0 });
    expect(await importPublishedBenchmarks(repos.results, deps)).toEqual({ inserted: 0, skipped: PUBLISHED_BENCHMARKS.length });
    expect(await repos.results.list({ source: 'published', includeInvalid: true })).toHaveLength(PUBLISHED_BENCHMARKS.length);
  });

  it('reproduces the report’s headline: RTX 3090 on Vast is the cheapest per token for llama3.1:8b', async () => {
    const repos = createInMemoryBenchmarkRepositories();
    await importPublishedBenchmarks(repos.results, { ids: new SequentialIdGenerator(), clock: new FakeClock() });
    const rows = await repos.results.list({ model: 'llama3.1:8b' });
    const cheapest = cheapestBenchmark(rows, 'llama3.1:8b');
    expect(cheapest?.aggregate).toMatchObject({ gpu: 'RTX 3090', provider: 'vastai' });
    expect(cheapest?.costAnalysis?.costPerMillionTokensUsd).toBeCloseTo(0.1458, 3);
    expect(bestBenchmark(rows, 'llama3.1:8b')?.aggregate).toMatchObject({ gpu: 'RTX 4090', provider: 'tensordock' });
  });
});
