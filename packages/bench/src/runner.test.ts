import { type BenchmarkRun, type Offer } from '@gpu-shopper/core';
import { buildOffer, createCoreHarness, createInMemoryBenchmarkRepositories, fakeSecretCipher, type CoreHarness } from '@gpu-shopper/core/testing';

import { BenchmarkRunner, type BenchmarkRunnerOptions } from './runner.js';
import { OLLAMA_BENCH_SCRIPT_MARKER } from './script.js';
import { FakeBenchNode, type NodeBehaviour } from './test-support/fake-bench-node.js';

const MINUTE = 60_000;

const offers = (): Offer[] => [
  buildOffer({ id: 'vastai-4090-a', providerOfferId: 'a', gpuType: 'RTX 4090', gpuName: 'RTX 4090', pricePerHourMicros: 420_000, hostId: 'machine-1' }),
  buildOffer({ id: 'vastai-4090-b', providerOfferId: 'b', gpuType: 'RTX 4090', gpuName: 'RTX 4090', pricePerHourMicros: 430_000, hostId: 'machine-1' }),
  buildOffer({ id: 'vastai-4090-c', providerOfferId: 'c', gpuType: 'RTX 4090', gpuName: 'RTX 4090', pricePerHourMicros: 500_000, hostId: 'machine-2' }),
  buildOffer({ id: 'vastai-3090-a', providerOfferId: 'd', gpuType: 'RTX 3090', gpuName: 'RTX 3090', vramGbPerGpu: 24, pricePerHourMicros: 200_000, hostId: 'machine-3' }),
];

interface World {
  core: CoreHarness;
  benchmarks: ReturnType<typeof createInMemoryBenchmarkRepositories>;
  node: FakeBenchNode;
  runner: BenchmarkRunner;
  newRunner(): BenchmarkRunner;
}

/** Core on fakes (FakeClock, FakeProvider, in-memory repositories) plus a fake node answering like the script. */
function world(behaviour?: (dir: string, index: number) => NodeBehaviour, options: { pollsUntilDone?: number; runner?: Partial<BenchmarkRunnerOptions>; hardMaxHours?: number } = {}): World {
  const core = createCoreHarness({ offers: offers(), ...(options.hardMaxHours ? { hardMaxHours: options.hardMaxHours } : {}) });
  const benchmarks = createInMemoryBenchmarkRepositories();
  const node = new FakeBenchNode(behaviour, options.pollsUntilDone ?? 3);
  // Sleeping advances the fake clock (so sessions accrue real cost) and honours cancellation.
  const sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw new Error('aborted');
    core.clock.advanceMs(ms);
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new Error('aborted');
  };
  const newRunner = () =>
    new BenchmarkRunner({
      benchmarks,
      repositories: core.repositories,
      provisioning: core.provisioning,
      commands: core.commands,
      costs: core.costs,
      inventory: core.inventory,
      remote: node,
      cipher: fakeSecretCipher,
      clock: core.clock,
      ids: core.ids,
      pollIntervalMs: 5 * MINUTE,
      retryDelayMs: 1000,
      sleep,
      ...options.runner,
    });
  return { core, benchmarks, node, runner: newRunner(), newRunner };
}

const creates = (w: World) => w.core.provider.calls.filter((c) => c.operation === 'createInstance').length;

async function runToEnd(w: World, request: Parameters<BenchmarkRunner['create']>[0]): Promise<BenchmarkRun> {
  const created = await w.runner.create(request);
  if (!created.ok) throw created.err;
  const final = await w.runner.execute(created.val.id);
  if (!final) throw new Error('run vanished');
  return final;
}

describe('BenchmarkRunner', () => {
  it('benchmarks two GPU types through the saga: provisions, uploads, runs, stores two results and leaves no instance', async () => {
    const w = world((dir) => ({ kind: 'ok', gpuName: dir.includes('-2-') ? 'NVIDIA GeForce RTX 3090' : 'NVIDIA GeForce RTX 4090' }));
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090', 'RTX 3090'] });

    expect(run.status).toBe('completed');
    expect(run.entries.map((e) => [e.gpuType, e.status, e.attempts.length])).toEqual([
      ['RTX 4090', 'succeeded', 1],
      ['RTX 3090', 'succeeded', 1],
    ]);
    const results = await w.benchmarks.results.list({ runId: run.id });
    expect(results.map((r) => [r.gpuSku, r.source, r.provider])).toEqual(
      expect.arrayContaining([
        ['RTX 4090', 'measured', 'vastai'],
        ['RTX 3090', 'measured', 'vastai'],
      ]),
    );
    for (const entry of run.entries) {
      const attempt = entry.attempts[0]!;
      const result = results.find((r) => r.id === entry.resultId)!;
      expect(result).toMatchObject({ sessionId: attempt.sessionId, offerId: attempt.offerId, runId: run.id, pricePerHourMicros: attempt.pricePerHourMicros, invalidReasons: [] });
      expect(attempt).toMatchObject({ status: 'succeeded', stage: 'done', destroyVerified: true, errorType: null });
      expect(attempt.costMicros).toBeGreaterThan(0);
      const session = await w.core.repositories.sessions.get(attempt.sessionId!);
      expect(session).toMatchObject({ status: 'terminated', stopReason: 'done', workloadType: 'benchmark', autoRetry: false });
      // The script went up by SFTP (upload), with its marker, into the attempt's own directory.
      expect(Buffer.from(w.node.files.get(`127.0.0.1:${attempt.remoteDir}/ollama-bench.sh`)!).toString('utf8').split('\n')[1]).toBe(OLLAMA_BENCH_SCRIPT_MARKER);
    }
    expect(w.node.started[0]?.command).toContain("'--model' 'llama3.1:8b'");
    expect(w.core.provider.liveInstances()).toEqual([]);
    expect(creates(w)).toBe(2);
    // Spend is the ledger, attempt by attempt.
    const ledger = (await w.core.repositories.costs.totals({})).totalMicros;
    expect(run.spentMicros).toBe(ledger);
    expect(run.entries.flatMap((e) => e.attempts).reduce((sum, a) => sum + a.costMicros, 0)).toBe(ledger);
  });

  it('reserves within HARD_MAX_HOURS: with a 1-hour hard maximum every entry still runs', async () => {
    const w = world(() => ({ kind: 'ok' }), { hardMaxHours: 1, runner: { hardMaxHours: 1 } });
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] });
    expect(run.status).toBe('completed');
    const session = await w.core.repositories.sessions.get(run.entries[0]?.attempts[0]?.sessionId ?? '');
    expect(session?.reservationHours).toBe(1);
  });

  it('retries a failed attempt on another offer and host, keeping the failure typed', async () => {
    // The first attempt (cheapest offer, machine-1) fails; offer b is on the same machine, so the retry must take c.
    const w = world((_dir, index) => (index === 0 ? { kind: 'fail', message: 'pull of llama3.1:8b failed: disk full' } : { kind: 'ok' }));
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] });

    const [entry] = run.entries;
    expect(entry?.status).toBe('succeeded');
    expect(entry?.attempts.map((a) => [a.offerId, a.hostId, a.status, a.errorType, a.retrySuggested])).toEqual([
      ['vastai-4090-a', 'machine-1', 'failed', 'script_failed', true],
      ['vastai-4090-c', 'machine-2', 'succeeded', null, null],
    ]);
    expect(entry?.attempts[0]?.errorMessage).toMatch(/disk full/);
    expect(entry?.attempts[0]?.destroyVerified).toBe(true);
    expect(run.excludedOfferIds).toEqual(['vastai-4090-a']);
    expect(run.excludedHostIds).toEqual(['machine-1']);
    expect(w.core.provider.liveInstances()).toEqual([]);
  });

  it('a run whose max_budget is exhausted after the first attempt starts no second provision', async () => {
    // $0.42/h; the first attempt fails after ~55 min of polling, costing ≈ $0.39 of a $0.50 budget.
    // A retry (suggested) and the second entry would each need another provision: neither may start.
    const w = world(() => ({ kind: 'crash' }), { pollsUntilDone: 12 });
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090', 'RTX 3090'], maxBudgetMicros: 500_000 });

    expect(creates(w)).toBe(1);
    const [first, second] = run.entries;
    expect(first?.attempts).toHaveLength(1);
    expect(first?.attempts[0]).toMatchObject({ status: 'failed', errorType: 'script_crashed', retrySuggested: true });
    expect(first?.attempts[0]?.costMicros).toBeGreaterThan(350_000);
    expect(first).toMatchObject({ status: 'skipped', errorType: 'budget_exhausted', retrySuggested: false });
    expect(second).toMatchObject({ status: 'skipped', errorType: 'budget_exhausted', attempts: [] });
    // The failed attempt's real cost is what stopped it.
    expect(run.spentMicros).toBe((await w.core.repositories.costs.totals({})).totalMicros);
    expect(run.spentMicros).toBeGreaterThan(350_000);
    expect(run.stopReason).toMatch(/max_budget/);
    expect(run.status).toBe('failed');
    expect(w.core.provider.liveInstances()).toEqual([]);
  });

  it('refuses the first provision too when its estimate alone exceeds max_budget', async () => {
    const w = world();
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'], maxBudgetMicros: 100_000 });
    expect(creates(w)).toBe(0);
    expect(run.entries[0]).toMatchObject({ status: 'skipped', errorType: 'budget_exhausted' });
  });

  it('fails an entry with no offers without retrying, and a run with no success as failed', async () => {
    const w = world();
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['H100 SXM'] });
    expect(run.entries[0]).toMatchObject({ status: 'failed', errorType: 'no_offers', retrySuggested: false, attempts: [] });
    expect(run.status).toBe('failed');
    expect(creates(w)).toBe(0);
  });

  it('stops after max attempts with the last attempt’s own error, never a generic one', async () => {
    const w = world(() => ({ kind: 'fail', message: 'Ollama did not answer' }));
    const run = await runToEnd(w, { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'], maxAttemptsPerEntry: 2 });
    expect(run.entries[0]).toMatchObject({ status: 'failed', errorType: 'script_failed', retrySuggested: true });
    expect(run.entries[0]?.errorMessage).toMatch(/Ollama did not answer/);
    expect(creates(w)).toBe(2);
    expect(w.core.provider.liveInstances()).toEqual([]);
  });

  it('resumes after a restart: a new runner keeps polling the running script, stores the result once and destroys', async () => {
    const w = world(undefined, { pollsUntilDone: 4 });
    const created = await w.runner.create({ models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] });
    if (!created.ok) throw created.err;
    const first = w.runner;
    // The "crash": shutdown while the script runs (second poll). Shutdown never ends a workload.
    w.node.onPoll = (_dir, count) => {
      if (count === 2) void first.stop();
    };
    await first.start(created.val.id);
    const paused = await w.benchmarks.runs.get(created.val.id);
    expect(paused?.status).toBe('running');
    expect(paused?.entries[0]?.attempts[0]).toMatchObject({ status: 'running', stage: 'poll' });
    expect(w.core.provider.liveInstances()).toHaveLength(1);

    w.node.onPoll = undefined;
    const second = w.newRunner();
    expect(await second.resume()).toEqual([created.val.id]);
    await second.idle();
    const final = await w.benchmarks.runs.get(created.val.id);
    expect(final?.status).toBe('completed');
    expect(final?.entries[0]?.attempts).toHaveLength(1);
    expect(await w.benchmarks.results.list({ runId: created.val.id })).toHaveLength(1);
    expect(creates(w)).toBe(1);
    expect(w.core.provider.liveInstances()).toEqual([]);
  });

  it('ends an attempt a restart caught before its script started (interrupted) and retries it', async () => {
    const w = world();
    const created = await w.runner.create({ models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] });
    if (!created.ok) throw created.err;
    const first = w.runner;
    // Shut down during the upload: the attempt stops at the next stage boundary, before the script starts.
    w.node.onMkdir = () => void first.stop();
    await first.start(created.val.id);
    const paused = await w.benchmarks.runs.get(created.val.id);
    expect(paused?.entries[0]?.attempts[0]).toMatchObject({ status: 'running', stage: 'start', remotePid: null });

    w.node.onMkdir = undefined;
    const second = w.newRunner();
    await second.resume();
    await second.idle();
    const final = await w.benchmarks.runs.get(created.val.id);
    expect(final?.entries[0]?.attempts.map((a) => [a.status, a.errorType])).toEqual([
      ['failed', 'interrupted'],
      ['succeeded', null],
    ]);
    expect(w.core.provider.liveInstances()).toEqual([]);
  });

  it('cancels a running run: the session is destroyed and nothing further starts', async () => {
    const w = world(undefined, { pollsUntilDone: 10 });
    const created = await w.runner.create({ models: ['llama3.1:8b'], gpuTypes: ['RTX 4090', 'RTX 3090'] });
    if (!created.ok) throw created.err;
    const runner = w.runner;
    let cancelled: Promise<unknown> | undefined;
    w.node.onPoll = (_dir, count) => {
      if (count === 2) cancelled = runner.cancel(created.val.id);
    };
    await runner.start(created.val.id);
    await cancelled;
    const final = await w.benchmarks.runs.get(created.val.id);
    expect(final?.status).toBe('cancelled');
    expect(final?.entries.map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    expect(final?.entries[0]?.attempts[0]).toMatchObject({ status: 'failed', errorType: 'cancelled', destroyVerified: true });
    expect(creates(w)).toBe(1);
    expect(w.core.provider.liveInstances()).toEqual([]);
  });

  it('validates requests and expands empty gpu_types from inventory', async () => {
    const w = world();
    const bad = await w.runner.create({ models: [] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.err.message).toMatch(/at least one model/);
    const all = await w.runner.create({ models: ['qwen2:7b'] });
    expect(all.ok && all.val.entries.map((e) => e.gpuType)).toEqual(['RTX 3090', 'RTX 4090']);
  });
});
