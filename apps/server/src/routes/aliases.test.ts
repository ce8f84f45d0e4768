import { buildOpenApiDocument } from '@gpu-shopper/contract';

import { createAppHarness, request, type AppHarness } from '../test-support/app-harness.js';

/**
 * The original API's field names (SEED.md and scripts written against it) work beside ours: the
 * alias is renamed to the canonical field before validation, so every rule still applies.
 */
describe("the original API's field names are accepted as aliases", () => {
  let h: AppHarness;
  let alice: string;

  beforeEach(async () => {
    h = createAppHarness();
    alice = await h.consumer('alice');
  });

  const createSession = async (extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 2, ...extra }).expect(201);
    await h.provision();
    return res.body.session.id as string;
  };

  it('extend takes {"additional_hours": n} and answers session_id and new_expires_at as well', async () => {
    const id = await createSession();
    const res = await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(h.auth(alice)).send({ additional_hours: 1 }).expect(200);
    expect(res.body).toMatchObject({ extended_by_hours: 1, session_id: id, new_expires_at: res.body.session.expires_at, session: { reservation_hours: 3 } });
    // The rules of `hours` still apply to the alias, and naming a field twice with different values is refused.
    const tooMany = await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(h.auth(alice)).send({ additional_hours: 13 });
    expect(tooMany.status).toBe(400);
    const both = await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(h.auth(alice)).send({ hours: 1, additional_hours: 2 });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toContain('body.additional_hours');
  });

  it('create takes idle_threshold_minutes for idle_timeout', async () => {
    const id = await createSession({ idle_threshold_minutes: 30 });
    const res = await request(h.app).get(`/api/v1/sessions/${id}`).set(h.auth(alice)).expect(200);
    expect(res.body.idle_timeout).toBe(30);
  });

  it('done and delete answer session_id', async () => {
    const a = await createSession();
    expect((await request(h.app).post(`/api/v1/sessions/${a}/done`).set(h.auth(alice)).expect(200)).body.session_id).toBe(a);
    expect((await request(h.app).delete(`/api/v1/sessions/${a}`).set(h.auth(alice)).expect(200)).body.session_id).toBe(a);
  });

  it('costs take start_date / end_date (end exclusive, as in the original API)', async () => {
    const res = await request(h.app).get('/api/v1/costs?start_date=2026-01-01&end_date=2026-02-01').set(h.auth(alice)).expect(200);
    expect(res.body).toMatchObject({ start: '2026-01-01', end: '2026-01-31' });
    expect((await request(h.app).get('/api/v1/costs?start_date=2026-13-01').set(h.auth(alice))).status).toBe(400);
  });

  it('inventory takes min_gpu_count / gpu_count for min_gpus, and gpu_type for gpu', async () => {
    const all = await request(h.app).get('/api/v1/inventory').set(h.auth(alice)).expect(200);
    const maxGpus = Math.max(...all.body.offers.map((o: { gpu_count: number }) => o.gpu_count));
    for (const field of ['min_gpu_count', 'gpu_count', 'min_gpus']) {
      const res = await request(h.app).get(`/api/v1/inventory?${field}=${maxGpus + 1}`).set(h.auth(alice)).expect(200);
      expect(res.body.count).toBe(0);
      const some = await request(h.app).get(`/api/v1/inventory?${field}=1&gpu_type=RTX%204090`).set(h.auth(alice)).expect(200);
      expect(some.body.count).toBeGreaterThan(0);
    }
  });

  it('consumers: monthly_limit on create and monthly_budget on PUT /budget', async () => {
    const created = await request(h.app).post('/api/v1/consumers').set(h.admin).send({ id: 'carol', monthly_limit: 50 }).expect(201);
    expect(created.body.consumer.budget).toMatchObject({ monthly_limit: 50 });
    const updated = await request(h.app).put('/api/v1/consumers/carol/budget').set(h.admin).send({ monthly_budget: 75 }).expect(200);
    expect(updated.body.budget).toMatchObject({ monthly_limit: 75 });
  });

  it('the OpenAPI document keeps the canonical names and mentions the aliases', () => {
    const doc = buildOpenApiDocument('1') as { paths: Record<string, Record<string, { description?: string; parameters: { name: string }[]; requestBody?: unknown }>> };
    const extend = doc.paths['/api/v1/sessions/{id}/extend']?.post;
    expect(JSON.stringify(extend?.requestBody)).toContain('"hours"');
    expect(JSON.stringify(extend?.requestBody)).not.toContain('additional_hours');
    expect(extend?.description).toContain('`additional_hours` → `hours`');
    expect(doc.paths['/api/v1/costs']?.get?.parameters.map((p) => p.name)).not.toContain('start_date');
  });
});
