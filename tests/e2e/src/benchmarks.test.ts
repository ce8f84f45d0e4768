import { GpuShopper, type Offer } from '@gpu-shopper/client';

import { ADMIN_TOKEN, startServer, type ServerProcess } from './support/server-process.js';
import { SimulatorControlClient, type SimulatedInstance } from './support/simulator-control.js';

const MODEL = 'llama3.1:8b';
const GONE = ['destroyed', 'failed', 'vanished'];
const live = (instances: readonly SimulatedInstance[]) => instances.filter((i) => !GONE.includes(i.state));

/**
 * Issue 8 acceptance, end to end: the built server in simulate mode runs benchmarks through the
 * provisioning saga on simulated nodes that emulate the on-node script, stores the results, and
 * ranks live offers by them. Ground truth comes from the simulator's control API.
 */
describe('benchmarks end to end (simulate mode)', () => {
  let server: ServerProcess;
  let admin: GpuShopper;
  let sim: SimulatorControlClient;
  let gpuTypes: [string, string];

  beforeAll(async () => {
    server = await startServer();
    admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 1 });
    const health = await admin.health();
    if (!health.simulator) throw new Error('simulate mode must report the simulator control URL');
    sim = new SimulatorControlClient(health.simulator.control);
    // Two known GPU types with several offers each, so a retry would have somewhere to go.
    const { offers } = await admin.inventory.list({ sort: 'price' });
    const byType = new Map<string, Offer[]>();
    for (const offer of offers.filter((o) => o.available && o.gpu_known && o.vram_gb >= 16)) byType.set(offer.gpu_type, [...(byType.get(offer.gpu_type) ?? []), offer]);
    const candidates = [...byType.entries()].filter(([, list]) => list.length >= 3).map(([type]) => type);
    if (candidates.length < 2) throw new Error(`the simulator catalogue needs two GPU types with 3+ offers, got ${candidates.join(', ')}`);
    gpuTypes = [candidates[0] ?? '', candidates[1] ?? ''];
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('runs one model on two GPU types: provisions, uploads, runs, stores two results, and leaves zero live instances', async () => {
    const before = await sim.instances();
    const created = await admin.benchmarks.runs.create({ models: [MODEL], gpu_types: gpuTypes, duration_seconds: 30 });
    expect(created).toMatchObject({ status: expect.stringMatching(/pending|running/), total_entries: 2 });

    const run = await admin.benchmarks.runs.waitUntilDone(created.id, { timeoutMs: 120_000, pollIntervalMs: 250 });
    // Every attempt's error, so a failure says why at once (none expected).
    expect(run.entries.flatMap((e) => e.attempts.filter((a) => a.error_type !== null).map((a) => `${a.error_type}: ${a.error}`))).toEqual([]);
    expect(run.status).toBe('completed');
    expect(run.entries.map((e) => [e.gpu_type, e.status])).toEqual([
      [gpuTypes[0], 'succeeded'],
      [gpuTypes[1], 'succeeded'],
    ]);
    for (const entry of run.entries) {
      const attempt = entry.attempts.at(-1);
      expect(attempt).toMatchObject({ status: 'succeeded', stage: 'done', destroy_verified: true, result_id: entry.result_id });
      expect(attempt?.cost_micros).toBeGreaterThan(0);
    }
    expect(run.spent_micros).toBe(run.entries.reduce((sum, e) => sum + e.attempts.reduce((s, a) => s + a.cost_micros, 0), 0));

    // Two measured results, one per SKU, with the script's figures and provenance.
    const { benchmarks } = await admin.benchmarks.list({ run_id: run.id });
    expect(benchmarks.map((b) => b.gpu_sku).sort()).toEqual([...gpuTypes].sort());
    for (const result of benchmarks) {
      expect(result).toMatchObject({ source: 'measured', run_id: run.id, invalid_reasons: [], model: { name: MODEL, runtime: 'ollama' } });
      expect(result.results.avg_tokens_per_second).toBeGreaterThan(10);
      expect(result.results.avg_ttft_ms).toBeLessThan(result.results.avg_latency_ms ?? 0);
      expect(result.price_per_hour_micros).toBeGreaterThan(0);
    }
    // SKU-dependent throughput: two different cards measure differently.
    expect(benchmarks[0]?.results.avg_tokens_per_second).not.toBe(benchmarks[1]?.results.avg_tokens_per_second);

    // Ground truth: the run rented exactly two instances at the simulator, and none is left.
    const after = await sim.instances();
    const rented = after.filter((i) => !before.some((b) => b.vendor === i.vendor && b.id === i.id));
    expect(rented).toHaveLength(2);
    expect(live(after)).toEqual([]);
  });

  it('a max_budget exhausted by the first attempt starts no second provision', async () => {
    const { offers } = await admin.inventory.list({ gpu: gpuTypes[0], sort: 'price' });
    const cheapest = offers.find((o) => o.available);
    if (!cheapest) throw new Error(`no ${gpuTypes[0]} offer`);
    // The runner reserves price × (duration + 30 min) / 1 h before each provision. A budget of that
    // estimate plus 1 µUSD admits the first attempt; after it, its real accrued cost (> 1 µUSD) plus
    // the next estimate no longer fits.
    const estimateMicros = Math.ceil((cheapest.price_per_hour_micros * (10 + 1800)) / 3600);
    const before = await sim.instances();
    const created = await admin.benchmarks.runs.create({ models: [MODEL, 'qwen2:7b'], gpu_types: [gpuTypes[0]], duration_seconds: 10, max_budget: (estimateMicros + 1) / 1_000_000 });
    const run = await admin.benchmarks.runs.waitUntilDone(created.id, { timeoutMs: 120_000, pollIntervalMs: 250 });

    expect(run.entries.map((e) => [e.model, e.status, e.error_type, e.attempts.length])).toEqual([
      [MODEL, 'succeeded', null, 1],
      ['qwen2:7b', 'skipped', 'budget_exhausted', 0],
    ]);
    expect(run.stop_reason).toMatch(/exceeds max_budget/);
    expect(run.spent_micros).toBeGreaterThan(0);
    const after = await sim.instances();
    expect(after.filter((i) => !before.some((b) => b.vendor === i.vendor && b.id === i.id))).toHaveLength(1);
    expect(live(after)).toEqual([]);
  });

  it('recommendations rank live simulator offers by $/Mtok with evidence; SKUs without a benchmark are unmeasured, not guessed', async () => {
    const answer = await admin.benchmarks.recommendations({ model: MODEL });
    const recommended = answer.recommendations.filter((r) => r.status === 'recommended');
    const unmeasured = answer.recommendations.filter((r) => r.status === 'unmeasured');
    expect(recommended.length).toBeGreaterThan(0);
    expect(unmeasured.length).toBeGreaterThan(0);
    expect(answer.counts).toEqual({ recommended: recommended.length, below_min_tps: 0, unmeasured: unmeasured.length });
    // Ranked by estimated $/Mtok = the offer's price now / (tokens/s × 3600) × 1e6.
    const costs = recommended.map((r) => r.estimated_cost_per_million_tokens ?? Infinity);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    for (const row of recommended) {
      expect(row.offer.simulated).toBe(true);
      expect(row.estimated_cost_per_million_tokens).toBeCloseTo((row.offer.price_per_hour / ((row.expected_tokens_per_second ?? 0) * 3600)) * 1_000_000, 9);
      expect(row.evidence?.sample_count).toBeGreaterThan(0);
      expect(row.evidence?.result_ids.length).toBe(row.evidence?.sample_count);
    }
    // The SKUs this file measured are backed by simulator-measured evidence.
    const measured = recommended.find((r) => r.offer.gpu_type === gpuTypes[0] && r.evidence?.sources.includes('measured'));
    expect(measured).toBeDefined();
    for (const row of unmeasured) {
      expect(row).toMatchObject({ expected_tokens_per_second: null, estimated_cost_per_million_tokens: null, evidence: null });
      expect(row.reason).toMatch(/no benchmark of llama3\.1:8b on|not in the GPU catalogue/);
    }
  });
});
