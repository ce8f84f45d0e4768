import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { unwrap } from '@gpu-shopper/core';
import { buildBenchmarkResult, buildBenchmarkRun, describeBenchmarkRepositoryContract } from '@gpu-shopper/core/testing';

import { openStorage } from './open-storage.js';

describeBenchmarkRepositoryContract('sqlite :memory:', () => {
  const storage = openStorage({ path: ':memory:' });
  return { repos: storage.benchmarks, close: () => storage.close() };
});

describeBenchmarkRepositoryContract('sqlite file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-bench-storage-'));
  const storage = openStorage({ path: path.join(dir, 'contract.db') });
  return {
    repos: storage.benchmarks,
    close: () => {
      storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('benchmark storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-bench-storage-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps results and runs (with attempt dates) across a reopen', async () => {
    const file = path.join(dir, 'bench.db');
    const first = openStorage({ path: file });
    const result = buildBenchmarkResult({ id: 'bmr_00000000000000000000000R01' });
    unwrap(await first.benchmarks.results.insert(result));
    const run = buildBenchmarkRun({ id: 'bch_00000000000000000000000R01' });
    unwrap(await first.benchmarks.runs.insert(run));
    const started = new Date('2026-02-07T15:00:00.000Z');
    const entry = run.entries[0];
    if (!entry) throw new Error('fixture has an entry');
    const attempt = {
      number: 1,
      status: 'running' as const,
      stage: 'poll' as const,
      provider: 'vastai' as const,
      offerId: 'vastai-1',
      hostId: null,
      pricePerHourMicros: 420_000,
      location: 'US-West',
      sessionId: 'ses_1',
      remoteDir: '/tmp/gpu-shopper-bench/x',
      remotePid: 4242,
      errorType: null,
      errorMessage: null,
      retrySuggested: null,
      costMicros: 0,
      destroyVerified: null,
      resultId: null,
      startedAt: started,
      endedAt: null,
    };
    unwrap(await first.benchmarks.runs.update(run.id, 0, { status: 'running', entries: [{ ...entry, status: 'running', attempts: [attempt] }] }));
    first.close();

    const second = openStorage({ path: file });
    expect(await second.benchmarks.results.get(result.id)).toEqual(result);
    const stored = await second.benchmarks.runs.get(run.id);
    expect(stored?.entries[0]?.attempts[0]).toEqual(attempt);
    expect(stored?.entries[0]?.attempts[0]?.startedAt).toBeInstanceOf(Date);
    second.close();
  });

  it('refuses to store a result that breaks the domain schema (nothing written)', async () => {
    const storage = openStorage({ path: ':memory:' });
    const bad = buildBenchmarkResult({ id: 'bmr_00000000000000000000000R02', results: { avgTokensPerSecond: -1 } });
    await expect(storage.benchmarks.results.insert(bad)).rejects.toThrow();
    expect(await storage.benchmarks.results.list({ includeInvalid: true })).toEqual([]);
    storage.close();
  });
});
