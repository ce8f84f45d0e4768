import { toBenchmarkResultWire } from '@gpu-shopper/bench';
import { type Offer } from '@gpu-shopper/core';
import { buildBenchmarkResult, buildOffer } from '@gpu-shopper/core/testing';

import { createAppHarness, request, type AppHarness } from './test-support/app-harness.js';

function expectEnvelope(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.request_id).toBe('string');
}

const MODEL = 'llama3.1:8b';

/** RTX 3090 at Vast (2 samples), RTX 4090 at TensorDock, an invalid 4090 row and another model. */
async function seeded(extraOffers: Offer[] = []): Promise<{ h: AppHarness; alice: string }> {
  const h = createAppHarness({
    offers: [
      ...extraOffers,
      buildOffer({ id: 'vastai-3090', providerOfferId: '3090', provider: 'vastai', gpuType: 'RTX 3090', gpuName: 'RTX 3090', vramGbPerGpu: 24, pricePerHourMicros: 100_000 }),
      buildOffer({ id: 'vastai-4090', providerOfferId: '4090', provider: 'vastai', gpuType: 'RTX 4090', gpuName: 'RTX 4090', pricePerHourMicros: 300_000 }),
      buildOffer({ id: 'vastai-a100', providerOfferId: 'a100', provider: 'vastai', gpuType: 'A100 PCIE', gpuName: 'A100 PCIE', vramGbPerGpu: 80, pricePerHourMicros: 900_000 }),
    ],
  });
  const results = h.benchmarks.repositories.results;
  const at = (day: number) => new Date(Date.UTC(2026, 1, day));
  await results.insert(buildBenchmarkResult({ id: 'bmr_01', timestamp: at(1), results: { avgTokensPerSecond: 140 }, pricePerHourMicros: 80_000 }));
  await results.insert(buildBenchmarkResult({ id: 'bmr_02', timestamp: at(2), results: { avgTokensPerSecond: 150 }, pricePerHourMicros: 80_000 }));
  await results.insert(
    buildBenchmarkResult({ id: 'bmr_03', timestamp: at(3), gpuSku: 'RTX 4090', provider: 'tensordock', hardware: { gpuName: 'NVIDIA GeForce RTX 4090', gpuMemoryMib: 24564 }, results: { avgTokensPerSecond: 169 }, pricePerHourMicros: 400_000 }),
  );
  await results.insert(buildBenchmarkResult({ id: 'bmr_04', timestamp: at(4), gpuSku: 'RTX 4090', results: { avgTokensPerSecond: 999 }, invalidReasons: ['error rate 0.5 is at or above 0.1'] }));
  await results.insert(buildBenchmarkResult({ id: 'bmr_05', timestamp: at(5), model: { name: 'mistral:7b', family: 'mistral' }, results: { avgTokensPerSecond: 159 } }));
  return { h, alice: await h.consumer('alice') };
}

const perMillion = (priceUsd: number, tps: number) => (priceUsd / (tps * 3600)) * 1_000_000;

describe('GET /api/v1/benchmarks', () => {
  it('happy: newest first, filters combine (a GPU alias resolves to the SKU), invalid rows only on request, cursor paging', async () => {
    const { h, alice } = await seeded();
    const all = await request(h.app).get('/api/v1/benchmarks').set(h.auth(alice)).expect(200);
    expect(all.body.benchmarks.map((b: { id: string }) => b.id)).toEqual(['bmr_05', 'bmr_03', 'bmr_02', 'bmr_01']);
    expect(all.body.benchmarks[2]).toMatchObject({ gpu_sku: 'RTX 3090', price_per_hour: 0.08, price_per_hour_micros: 80_000, results: { avg_tokens_per_second: 150 } });
    const filtered = await request(h.app).get('/api/v1/benchmarks').query({ model: MODEL, gpu: 'rtx3090' }).set(h.auth(alice)).expect(200);
    expect(filtered.body.benchmarks.map((b: { id: string }) => b.id)).toEqual(['bmr_02', 'bmr_01']);
    const invalid = await request(h.app).get('/api/v1/benchmarks').query({ include_invalid: 'true', gpu: 'RTX 4090' }).set(h.auth(alice)).expect(200);
    expect(invalid.body.benchmarks.map((b: { id: string }) => b.id)).toEqual(['bmr_04', 'bmr_03']);
    const page1 = await request(h.app).get('/api/v1/benchmarks').query({ limit: 3 }).set(h.auth(alice)).expect(200);
    expect(page1.body).toMatchObject({ count: 3, next_cursor: 'bmr_02' });
    const page2 = await request(h.app).get('/api/v1/benchmarks').query({ limit: 3, cursor: page1.body.next_cursor }).set(h.auth(alice)).expect(200);
    expect(page2.body).toMatchObject({ count: 1, next_cursor: null, benchmarks: [{ id: 'bmr_01' }] });
  });

  it('error: a bad filter is a 400 naming it; security: no token is a 401', async () => {
    const { h, alice } = await seeded();
    const bad = await request(h.app).get('/api/v1/benchmarks').query({ source: 'rumour' }).set(h.auth(alice));
    expectEnvelope(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details[0].path).toBe('query.source');
    expectEnvelope(await request(h.app).get('/api/v1/benchmarks'), 401, 'UNAUTHORIZED');
  });

  it('GET /benchmarks/:id: happy, 404, and 401 without a token', async () => {
    const { h, alice } = await seeded();
    expect((await request(h.app).get('/api/v1/benchmarks/bmr_04').set(h.auth(alice)).expect(200)).body.invalid_reasons).toEqual(['error rate 0.5 is at or above 0.1']);
    expectEnvelope(await request(h.app).get('/api/v1/benchmarks/bmr_nope').set(h.auth(alice)), 404, 'NOT_FOUND');
    expectEnvelope(await request(h.app).get('/api/v1/benchmarks/bmr_01'), 401, 'UNAUTHORIZED');
  });
});

describe('POST /api/v1/benchmarks', () => {
  const upstream = (): Record<string, unknown> => {
    const wire = toBenchmarkResultWire(buildBenchmarkResult({ pricePerHourMicros: 200_000 }));
    return { ...wire, provider: 'runpod', location: 'US' };
  };

  it('happy: the admin submits a result; it is stored as submitted; the same Idempotency-Key replays it', async () => {
    const { h } = await seeded();
    const first = await request(h.app).post('/api/v1/benchmarks').set(h.admin).set('Idempotency-Key', 'k-1').send(upstream()).expect(201);
    expect(first.body).toMatchObject({ source: 'submitted', provider: 'runpod', gpu_sku: 'RTX 3090', price_per_hour: 0.2, price_per_hour_micros: 200_000, invalid_reasons: [] });
    const again = await request(h.app).post('/api/v1/benchmarks').set(h.admin).set('Idempotency-Key', 'k-1').send(upstream()).expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await h.benchmarks.repositories.results.list({ source: 'submitted' })).toHaveLength(1);
  });

  it('error: a result failing the unit checks is a 400 listing the issues, and nothing is stored', async () => {
    const { h } = await seeded();
    const base = upstream();
    // TTFT above the whole request's latency: a unit error the parser must refuse.
    const body = { ...base, results: { ...(base.results as Record<string, unknown>), avg_ttft_ms: 99_999 } };
    const res = await request(h.app).post('/api/v1/benchmarks').set(h.admin).send(body);
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.results.avg_ttft_ms' })]));
    expectEnvelope(await request(h.app).post('/api/v1/benchmarks').set(h.admin).send({ hello: 'world' }), 400, 'VALIDATION_FAILED');
    expect(await h.benchmarks.repositories.results.list({ source: 'submitted' })).toEqual([]);
  });

  it('security: a consumer key cannot submit (results feed everyone\u2019s rankings)', async () => {
    const { h, alice } = await seeded();
    expectEnvelope(await request(h.app).post('/api/v1/benchmarks').set(h.auth(alice)).send(upstream()), 403, 'FORBIDDEN');
  });
});

describe('rankings', () => {
  it('best: highest median tokens/s, invalid rows ignored, with cost analysis and evidence', async () => {
    const { h, alice } = await seeded();
    const res = await request(h.app).get('/api/v1/benchmarks/best').query({ model: MODEL }).set(h.auth(alice)).expect(200);
    expect(res.body).toMatchObject({ gpu: 'RTX 4090', provider: 'tensordock', median_tokens_per_second: 169, median_price_per_hour: 0.4, evidence: { sample_count: 1, result_ids: ['bmr_03'] } });
    expect(res.body.cost_per_million_tokens).toBeCloseTo(perMillion(0.4, 169), 10);
    expect(res.body.cost_analysis).toMatchObject({ cost_per_hour: 0.4, cost_per_hour_micros: 400_000, estimated_monthly_24x7: 0.4 * 720 });
    expect(res.body.cost_analysis.tokens_per_dollar).toBeCloseTo((169 * 3600) / 0.4, 6);
    expect(res.body.benchmark.id).toBe('bmr_03');
  });

  it('cheapest: lowest $/Mtok (median of recent samples); min_tps filters; nothing qualifying is a 404', async () => {
    const { h, alice } = await seeded();
    const res = await request(h.app).get('/api/v1/benchmarks/cheapest').query({ model: MODEL }).set(h.auth(alice)).expect(200);
    expect(res.body).toMatchObject({ gpu: 'RTX 3090', provider: 'vastai', median_tokens_per_second: 145, evidence: { sample_count: 2 } });
    expect(res.body.cost_per_million_tokens).toBeCloseTo(perMillion(0.08, 145), 10);
    const fast = await request(h.app).get('/api/v1/benchmarks/cheapest').query({ model: MODEL, min_tps: 160 }).set(h.auth(alice)).expect(200);
    expect(fast.body.gpu).toBe('RTX 4090');
    expectEnvelope(await request(h.app).get('/api/v1/benchmarks/cheapest').query({ model: MODEL, min_tps: 500 }).set(h.auth(alice)), 404, 'NOT_FOUND');
    expectEnvelope(await request(h.app).get('/api/v1/benchmarks/cheapest').query({ model: MODEL, min_tps: 'fast' }).set(h.auth(alice)), 400, 'VALIDATION_FAILED');
  });

  it('compare: every other group against the baseline, with speedup and cost efficiency', async () => {
    const { h, alice } = await seeded();
    const res = await request(h.app).get('/api/v1/benchmarks/compare').query({ model: MODEL, baseline_gpu: 'rtx 3090', baseline_provider: 'vastai' }).set(h.auth(alice)).expect(200);
    expect(res.body.baseline).toMatchObject({ gpu: 'RTX 3090', provider: 'vastai' });
    expect(res.body.comparisons).toHaveLength(1);
    expect(res.body.comparisons[0].speedup_factor).toBeCloseTo(169 / 145, 10);
    expect(res.body.comparisons[0].cost_efficiency).toBeCloseTo((169 * 3600) / 0.4 / ((145 * 3600) / 0.08), 10);
    expectEnvelope(await request(h.app).get('/api/v1/benchmarks/compare').query({ model: MODEL, baseline_gpu: 'RTX 3090' }).set(h.auth(alice)), 400, 'VALIDATION_FAILED');
  });

  it('errors: model is required (400); an unknown model is a 404; security: 401 without a token', async () => {
    const { h, alice } = await seeded();
    for (const path of ['best', 'cheapest', 'compare']) {
      const missing = await request(h.app).get(`/api/v1/benchmarks/${path}`).set(h.auth(alice));
      expectEnvelope(missing, 400, 'VALIDATION_FAILED');
      expect(missing.body.error.details[0].path).toBe('query.model');
      expectEnvelope(await request(h.app).get(`/api/v1/benchmarks/${path}`).query({ model: 'nobody:1b' }).set(h.auth(alice)), 404, 'NOT_FOUND');
      expectEnvelope(await request(h.app).get(`/api/v1/benchmarks/${path}`).query({ model: MODEL }), 401, 'UNAUTHORIZED');
    }
  });
});

describe('GET /api/v1/recommendations', () => {
  it('ranks live offers by estimated $/Mtok at their current price, with evidence; unmeasured SKUs are listed, not estimated', async () => {
    const { h, alice } = await seeded();
    const res = await request(h.app).get('/api/v1/recommendations').query({ model: MODEL }).set(h.auth(alice)).expect(200);
    const rows = res.body.recommendations as { offer: { id: string }; status: string; expected_tokens_per_second: number | null; estimated_cost_per_million_tokens: number | null; evidence: { scope: string; sample_count: number } | null; reason: string | null }[];
    expect(rows.map((r) => [r.offer.id, r.status])).toEqual([
      ['vastai-3090', 'recommended'],
      ['vastai-4090', 'recommended'],
      ['vastai-a100', 'unmeasured'],
    ]);
    // The offer's price now ($0.10), not the benchmark-time price ($0.08).
    expect(rows[0]?.estimated_cost_per_million_tokens).toBeCloseTo(perMillion(0.1, 145), 10);
    expect(rows[0]?.evidence).toMatchObject({ scope: 'provider', sample_count: 2 });
    // RTX 4090 measured only at TensorDock: the SKU-wide figure, said so.
    expect(rows[1]?.evidence?.scope).toBe('sku');
    expect(rows[1]?.estimated_cost_per_million_tokens).toBeCloseTo(perMillion(0.3, 169), 10);
    expect(rows[2]).toMatchObject({ expected_tokens_per_second: null, estimated_cost_per_million_tokens: null, evidence: null, reason: `no benchmark of ${MODEL} on A100 PCIE` });
    expect(res.body.counts).toEqual({ recommended: 2, below_min_tps: 0, unmeasured: 1 });
  });

  it('pricing=spot ranks interruptible offers only, at the default bid plus storage; on-demand rankings never include them', async () => {
    const spot3090 = buildOffer({ id: 'vastai-spot-3090', providerOfferId: '3090', provider: 'vastai', gpuType: 'RTX 3090', gpuName: 'RTX 3090', vramGbPerGpu: 24, pricePerHourMicros: 60_000, interruptible: true, minBidPerHourMicros: 50_000 });
    const { h, alice } = await seeded([spot3090]);
    const onDemand = await request(h.app).get('/api/v1/recommendations').query({ model: MODEL }).set(h.auth(alice)).expect(200);
    expect(onDemand.body.pricing).toBe('on-demand');
    expect(onDemand.body.recommendations.map((r: { offer: { id: string } }) => r.offer.id)).not.toContain('vastai-spot-3090');
    const spot = await request(h.app).get('/api/v1/recommendations').query({ model: MODEL, pricing: 'spot' }).set(h.auth(alice)).expect(200);
    expect(spot.body.pricing).toBe('spot');
    expect(spot.body.recommendations).toEqual([expect.objectContaining({ status: 'recommended', offer: expect.objectContaining({ id: 'vastai-spot-3090', interruptible: true }) })]);
    // Bid 0.055 (minimum 0.05 + 10 %) plus storage 0.01, not the 0.06 floor.
    expect(spot.body.recommendations[0].offer.price_per_hour_micros).toBe(65_000);
    expect(spot.body.recommendations[0].estimated_cost_per_million_tokens).toBeCloseTo(perMillion(0.065, 145), 10);
    expectEnvelope(await request(h.app).get('/api/v1/recommendations').query({ model: MODEL, pricing: 'any' }).set(h.auth(alice)), 400, 'VALIDATION_FAILED');
  });

  it('min_tps moves slower SKUs after the recommended ones; the /benchmarks alias answers the same', async () => {
    const { h, alice } = await seeded();
    const res = await request(h.app).get('/api/v1/benchmarks/recommendations').query({ model: MODEL, min_tps: 160 }).set(h.auth(alice)).expect(200);
    expect(res.body.recommendations.map((r: { offer: { id: string }; status: string }) => [r.offer.id, r.status])).toEqual([
      ['vastai-4090', 'recommended'],
      ['vastai-3090', 'below_min_tps'],
      ['vastai-a100', 'unmeasured'],
    ]);
    expect(res.body.min_tps).toBe(160);
  });

  it('error: model is required and min_tps must be a number; security: 401 without a token', async () => {
    const { h, alice } = await seeded();
    expectEnvelope(await request(h.app).get('/api/v1/recommendations').set(h.auth(alice)), 400, 'VALIDATION_FAILED');
    expectEnvelope(await request(h.app).get('/api/v1/recommendations').query({ model: MODEL, min_tps: 'lots' }).set(h.auth(alice)), 400, 'VALIDATION_FAILED');
    expectEnvelope(await request(h.app).get('/api/v1/recommendations').query({ model: MODEL }), 401, 'UNAUTHORIZED');
  });
});

describe('benchmark runs', () => {
  const runBody = { models: [MODEL], gpu_types: ['RTX 3090', 'RTX 4090'], providers: ['vastai'], max_budget: 1.5, duration_seconds: 60 };

  it('create (admin): 201 with one entry per model × GPU type, the budget in USD and µUSD; get and list show it', async () => {
    const { h } = await seeded();
    const created = await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send(runBody).expect(201);
    expect(created.body).toMatchObject({
      status: 'pending',
      total_entries: 2,
      pending: 2,
      request: { models: [MODEL], gpu_types: ['RTX 3090', 'RTX 4090'], providers: ['vastai'], max_budget: 1.5, max_budget_micros: 1_500_000, consumer_id: 'benchmarks', duration_seconds: 60 },
      spent: 0,
      spent_micros: 0,
    });
    expect(created.body.entries.map((e: { gpu_type: string; status: string }) => [e.gpu_type, e.status])).toEqual([
      ['RTX 3090', 'pending'],
      ['RTX 4090', 'pending'],
    ]);
    expect(h.benchmarks.started).toEqual([created.body.id]);
    expect((await request(h.app).get(`/api/v1/benchmark-runs/${created.body.id}`).set(h.admin).expect(200)).body.id).toBe(created.body.id);
    expect((await request(h.app).get('/api/v1/benchmark-runs').set(h.admin).expect(200)).body).toMatchObject({ count: 1, runs: [{ id: created.body.id }] });
  });

  it('cancel: unfinished entries become cancelled; a second cancel is harmless; unknown ids are 404', async () => {
    const { h } = await seeded();
    const created = await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send(runBody).expect(201);
    const cancelled = await request(h.app).delete(`/api/v1/benchmark-runs/${created.body.id}`).set(h.admin).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled: 2, cancel_requested: true });
    expect((await request(h.app).delete(`/api/v1/benchmark-runs/${created.body.id}`).set(h.admin).expect(200)).body.status).toBe('cancelled');
    expectEnvelope(await request(h.app).delete('/api/v1/benchmark-runs/bch_nope').set(h.admin), 404, 'NOT_FOUND');
    expectEnvelope(await request(h.app).get('/api/v1/benchmark-runs/bch_nope').set(h.admin), 404, 'NOT_FOUND');
  });

  it('error: bad requests are 400s naming the field, and no run is created', async () => {
    const { h } = await seeded();
    const empty = await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send({ models: [] });
    expectEnvelope(empty, 400, 'VALIDATION_FAILED');
    expect(empty.body.error.details[0].path).toBe('body.models');
    expectEnvelope(await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send({ ...runBody, max_budget: -1 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send({ ...runBody, providers: ['aws'] }), 400, 'VALIDATION_FAILED');
    expect(await h.benchmarks.repositories.runs.list()).toEqual([]);
  });

  it('security: runs rent GPUs, so every run endpoint is admin-only (403 for a consumer key, 401 without one)', async () => {
    const { h, alice } = await seeded();
    const created = await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send(runBody).expect(201);
    expectEnvelope(await request(h.app).post('/api/v1/benchmark-runs').set(h.auth(alice)).send(runBody), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).get(`/api/v1/benchmark-runs/${created.body.id}`).set(h.auth(alice)), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).delete(`/api/v1/benchmark-runs/${created.body.id}`).set(h.auth(alice)), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).get('/api/v1/benchmark-runs'), 401, 'UNAUTHORIZED');
    expect((await h.benchmarks.repositories.runs.get(created.body.id))?.status).toBe('pending');
  });
});

describe('benchmark schedules', () => {
  const scheduleBody = { name: 'nightly', cron_expression: '0 3 * * *', timezone: 'Europe/Berlin', run_template: { models: [MODEL], gpu_types: ['RTX 3090'], max_budget: 2 } };

  it('CRUD (admin): create computes the next slot; list, get, update and delete', async () => {
    const { h } = await seeded();
    const created = await request(h.app).post('/api/v1/benchmark-schedules').set(h.admin).send(scheduleBody).expect(201);
    expect(created.body).toMatchObject({ name: 'nightly', cron_expression: '0 3 * * *', timezone: 'Europe/Berlin', enabled: true, run_template: { max_budget: 2, max_budget_micros: 2_000_000 } });
    expect(new Date(created.body.next_run_at).getTime()).toBeGreaterThan(h.core.clock.now().getTime());
    expect((await request(h.app).get('/api/v1/benchmark-schedules').set(h.admin).expect(200)).body.count).toBe(1);
    expect((await request(h.app).get(`/api/v1/benchmark-schedules/${created.body.id}`).set(h.admin).expect(200)).body.name).toBe('nightly');
    const updated = await request(h.app).put(`/api/v1/benchmark-schedules/${created.body.id}`).set(h.admin).send({ enabled: false }).expect(200);
    expect(updated.body).toMatchObject({ enabled: false, next_run_at: null });
    expect((await request(h.app).delete(`/api/v1/benchmark-schedules/${created.body.id}`).set(h.admin).expect(200)).body).toEqual({ id: created.body.id, deleted: true });
    expectEnvelope(await request(h.app).get(`/api/v1/benchmark-schedules/${created.body.id}`).set(h.admin), 404, 'NOT_FOUND');
    expectEnvelope(await request(h.app).delete(`/api/v1/benchmark-schedules/${created.body.id}`).set(h.admin), 404, 'NOT_FOUND');
  });

  it('errors: a bad cron expression or time zone is a 400 naming the field; a taken name is a 409', async () => {
    const { h } = await seeded();
    const cron = await request(h.app).post('/api/v1/benchmark-schedules').set(h.admin).send({ ...scheduleBody, cron_expression: '61 * * * *' });
    expectEnvelope(cron, 400, 'VALIDATION_FAILED');
    expect(cron.body.error.details[0].path).toBe('body.cron_expression');
    const zone = await request(h.app).post('/api/v1/benchmark-schedules').set(h.admin).send({ ...scheduleBody, timezone: 'Mars/Olympus' });
    expect(zone.body.error.details[0].path).toBe('body.timezone');
    await request(h.app).post('/api/v1/benchmark-schedules').set(h.admin).send(scheduleBody).expect(201);
    expectEnvelope(await request(h.app).post('/api/v1/benchmark-schedules').set(h.admin).send(scheduleBody), 409, 'ALREADY_EXISTS');
    expectEnvelope(await request(h.app).put('/api/v1/benchmark-schedules/bsc_nope').set(h.admin).send({ enabled: true }), 404, 'NOT_FOUND');
    expectEnvelope(await request(h.app).put('/api/v1/benchmark-schedules/bsc_nope').set(h.admin).send({}), 400, 'VALIDATION_FAILED');
  });

  it('security: schedules start paid runs, so they are admin-only', async () => {
    const { h, alice } = await seeded();
    expectEnvelope(await request(h.app).post('/api/v1/benchmark-schedules').set(h.auth(alice)).send(scheduleBody), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).get('/api/v1/benchmark-schedules').set(h.auth(alice)), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).put('/api/v1/benchmark-schedules/x').set(h.auth(alice)).send({ enabled: true }), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).delete('/api/v1/benchmark-schedules/x'), 401, 'UNAUTHORIZED');
    expect(await h.benchmarks.scheduler.list()).toEqual([]);
  });
});
