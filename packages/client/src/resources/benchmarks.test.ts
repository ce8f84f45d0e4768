import { GpuShopper } from '../client.js';
import { PermissionDeniedError } from '../core/error.js';
import { ScriptedFetch, envelope, json } from '../testing/scripted-fetch.js';
import { BenchmarkRunWaitTimeoutError, type BenchmarkRun } from './benchmarks.js';

function clientWith(script: ScriptedFetch): GpuShopper {
  return new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: script.fetch, maxRetries: 0 });
}

const run = (status: BenchmarkRun['status'], updated: string): Partial<BenchmarkRun> => ({ id: 'bch_1', status, updated_at: updated, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, total_entries: 2 });

describe('benchmarks resource', () => {
  it('sends every read to its documented path with the query', async () => {
    const script = new ScriptedFetch().reply(json(200, { benchmarks: [], count: 0, next_cursor: null }), json(200, {}), json(200, {}), json(200, {}), json(200, {}), json(200, {}));
    const client = clientWith(script);
    await client.benchmarks.list({ model: 'llama3.1:8b', include_invalid: true });
    await client.benchmarks.get('bmr_1');
    await client.benchmarks.best({ model: 'llama3.1:8b' });
    await client.benchmarks.cheapest({ model: 'llama3.1:8b', min_tps: 50 });
    await client.benchmarks.compare({ model: 'llama3.1:8b', baseline: 'cheapest' });
    await client.benchmarks.recommendations({ model: 'llama3.1:8b', min_tps: 30 });
    expect(script.calls).toEqual([
      'GET /api/v1/benchmarks?model=llama3.1%3A8b&include_invalid=true',
      'GET /api/v1/benchmarks/bmr_1',
      'GET /api/v1/benchmarks/best?model=llama3.1%3A8b',
      'GET /api/v1/benchmarks/cheapest?model=llama3.1%3A8b&min_tps=50',
      'GET /api/v1/benchmarks/compare?model=llama3.1%3A8b&baseline=cheapest',
      'GET /api/v1/recommendations?model=llama3.1%3A8b&min_tps=30',
    ]);
  });

  it('submit carries an Idempotency-Key; a refusal surfaces as the typed error', async () => {
    const script = new ScriptedFetch().reply(json(201, { id: 'bmr_9' }), envelope(403, 'FORBIDDEN', 'this endpoint needs the admin token'));
    const client = clientWith(script);
    const body = { timestamp: '2026-01-01T00:00:00Z', hardware: { gpu_name: 'RTX 3090' }, model: { name: 'llama3.1:8b' }, results: { avg_tokens_per_second: 140 } };
    expect((await client.benchmarks.submit(body, { idempotencyKey: 'k1' })).id).toBe('bmr_9');
    expect(script.requests[0]?.headers.get('idempotency-key')).toBe('k1');
    await expect(client.benchmarks.submit(body)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('runs: create, cancel, and waitUntilDone polls until a terminal status, reporting progress', async () => {
    const script = new ScriptedFetch().reply(
      json(201, run('pending', 't0')),
      json(200, run('running', 't1')),
      json(200, run('running', 't1')),
      json(200, run('completed', 't2')),
      json(200, run('cancelled', 't3')),
    );
    const client = clientWith(script);
    await client.benchmarks.runs.create({ models: ['llama3.1:8b'], gpu_types: ['RTX 4090'], max_budget: 1 });
    const seen: string[] = [];
    const done = await client.benchmarks.runs.waitUntilDone('bch_1', { pollIntervalMs: 1, onProgress: (r) => seen.push(r.status) });
    expect(done.status).toBe('completed');
    expect(seen).toEqual(['running', 'completed']);
    await client.benchmarks.runs.cancel('bch_1');
    expect(script.calls).toEqual(['POST /api/v1/benchmark-runs', 'GET /api/v1/benchmark-runs/bch_1', 'GET /api/v1/benchmark-runs/bch_1', 'GET /api/v1/benchmark-runs/bch_1', 'DELETE /api/v1/benchmark-runs/bch_1']);
  });

  it('runs.waitUntilDone gives up with BenchmarkRunWaitTimeoutError carrying the run', async () => {
    const script = new ScriptedFetch().reply(json(200, run('running', 't1')), json(200, run('running', 't1')), json(200, run('running', 't1')));
    const error = await clientWith(script).benchmarks.runs.waitUntilDone('bch_1', { pollIntervalMs: 5, timeoutMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BenchmarkRunWaitTimeoutError);
    expect((error as BenchmarkRunWaitTimeoutError).run.status).toBe('running');
  });

  it('schedules: CRUD on /benchmark-schedules', async () => {
    const script = new ScriptedFetch().reply(json(201, {}), json(200, { schedules: [], count: 0 }), json(200, {}), json(200, {}), json(200, { id: 'bsc_1', deleted: true }));
    const s = clientWith(script).benchmarks.schedules;
    await s.create({ name: 'nightly', cron_expression: '0 3 * * *', run_template: { models: ['llama3.1:8b'] } });
    await s.list();
    await s.get('bsc_1');
    await s.update('bsc_1', { enabled: false });
    expect(await s.delete('bsc_1')).toEqual({ id: 'bsc_1', deleted: true });
    expect(script.calls).toEqual([
      'POST /api/v1/benchmark-schedules',
      'GET /api/v1/benchmark-schedules',
      'GET /api/v1/benchmark-schedules/bsc_1',
      'PUT /api/v1/benchmark-schedules/bsc_1',
      'DELETE /api/v1/benchmark-schedules/bsc_1',
    ]);
  });
});
