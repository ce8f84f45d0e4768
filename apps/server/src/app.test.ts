import { costForSeconds } from '@gpu-shopper/core';
import { buildOffer } from '@gpu-shopper/core/testing';

import { createAppHarness, request, type AppHarness } from './test-support/app-harness.js';

const body = { consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 2 };

async function withConsumers(): Promise<{ h: AppHarness; alice: string; bob: string }> {
  const h = createAppHarness();
  return { h, alice: await h.consumer('alice'), bob: await h.consumer('bob') };
}

async function aliceSession(h: AppHarness, key: string, run = true): Promise<string> {
  const res = await request(h.app).post('/api/v1/sessions').set(h.auth(key)).send(body).expect(201);
  if (run) await h.provision();
  return res.body.session.id as string;
}

function expectEnvelope(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.request_id).toBe('string');
  expect(res.headers['x-request-id']).toBe(res.body.error.request_id);
}

describe('system endpoints', () => {
  it('GET /health reports mode and deployment', async () => {
    const h = createAppHarness();
    const res = await request(h.app).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', version: '1.2.3', mode: 'live', deployment_id: h.core.deploymentId, simulator: null });
  });

  it('GET /health names the replica, its role and the database kind', async () => {
    const status = { id: 'replica-7', database: 'postgres' as const, role: 'follower' as const, leaderToken: null, lastLifecycleTickAt: null };
    const h = createAppHarness({ overrides: { replica: () => status } });
    const res = await request(h.app).get('/health').expect(200);
    expect(res.body.replica).toEqual({ id: 'replica-7', role: 'follower', database: 'postgres', leader_token: null, last_lifecycle_tick_at: null });
    const leading = createAppHarness({ overrides: { replica: () => ({ ...status, role: 'leader' as const, leaderToken: 3, lastLifecycleTickAt: new Date('2026-12-07T00:00:00.000Z') }) } });
    expect((await request(leading.app).get('/health').expect(200)).body.replica).toMatchObject({ role: 'leader', leader_token: 3, last_lifecycle_tick_at: '2026-12-07T00:00:00.000Z' });
  });

  it('GET /ready is 503 naming a failing check', async () => {
    const h = createAppHarness({ overrides: { readinessChecks: { storage: () => true, vastai: () => Promise.reject(new Error('down')) } } });
    const res = await request(h.app).get('/ready').expect(503);
    expect(res.body).toEqual({ status: 'not_ready', checks: { storage: 'ok', vastai: 'failing' } });
  });

  it('GET /metrics exposes the server metrics in Prometheus format', async () => {
    const { h, alice } = await withConsumers();
    await aliceSession(h, alice);
    const res = await request(h.app).get('/metrics').expect(200);
    expect(res.text).toContain('gpu_shopper_sessions{status="running"} 1');
    expect(res.text).toContain('gpu_shopper_http_requests_total{method="POST",route="/api/v1/sessions",status="201"} 1');
    expect(res.text).toContain('gpu_shopper_process_cpu_user_seconds_total');
  });

  it('GET /openapi.json is the generated document', async () => {
    const h = createAppHarness();
    const res = await request(h.app).get('/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toContain('/api/v1/sessions/{id}/done');
  });

  it('unknown routes answer with the error envelope', async () => {
    const h = createAppHarness();
    expectEnvelope(await request(h.app).get('/nope'), 404, 'NOT_FOUND');
  });
});

describe('auth', () => {
  it('no token → 401; a wrong token → 401; a revoked key → 401; all with the envelope', async () => {
    const { h, alice } = await withConsumers();
    expectEnvelope(await request(h.app).get('/api/v1/inventory'), 401, 'UNAUTHORIZED');
    expectEnvelope(await request(h.app).get('/api/v1/inventory').set(h.auth('gs_wrong')), 401, 'UNAUTHORIZED');
    await request(h.app).get('/api/v1/inventory').set(h.auth(alice)).expect(200);
    await request(h.app).delete('/api/v1/consumers/alice/keys/key_alice').set(h.admin).expect(200);
    expectEnvelope(await request(h.app).get('/api/v1/inventory').set(h.auth(alice)), 401, 'UNAUTHORIZED');
  });

  it('protected mode (no admin token): a local request without credentials acts as admin; keys still scope consumers', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    await request(h.app).post('/api/v1/consumers').send({ id: 'alice' }).expect(201);
    const bob = (await request(h.app).post('/api/v1/consumers').send({ id: 'bob' }).expect(201)).body.api_key as string;
    await request(h.app).get('/api/v1/consumers').expect(200);
    expectEnvelope(await request(h.app).get('/api/v1/consumers').set(h.auth(bob)), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).get('/api/v1/consumers').set(h.auth('gs_wrong')), 401, 'UNAUTHORIZED');
  });

  it('admin-only endpoints refuse consumer keys with 403', async () => {
    const { h, alice } = await withConsumers();
    expectEnvelope(await request(h.app).get('/api/v1/consumers').set(h.auth(alice)), 403, 'FORBIDDEN');
    expectEnvelope(await request(h.app).post('/api/v1/consumers').set(h.auth(alice)).send({ id: 'mallory' }), 403, 'FORBIDDEN');
  });
});

describe('inventory', () => {
  it('happy: filtered offers with per-provider status', async () => {
    const { h, alice } = await withConsumers();
    const res = await request(h.app).get('/api/v1/inventory?gpu=RTX4090&max_price=0.43').set(h.auth(alice)).expect(200);
    expect(res.body.offers.map((o: { id: string }) => o.id)).toEqual(['vastai-1']);
    expect(res.body.offers[0]).toMatchObject({ price_per_hour: 0.42, price_per_hour_micros: 420_000, gpu_type: 'RTX 4090', vram_gb: 24 });
    expect(res.body.providers).toEqual([expect.objectContaining({ provider: 'vastai', state: 'ok', offer_count: 2 })]);
  });

  it('pricing: interruptible offers only when asked, with interruptible and min_bid on every offer', async () => {
    const h = createAppHarness({
      offers: [
        buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }),
        buildOffer({ id: 'vastai-spot-1', providerOfferId: '1', pricePerHourMicros: 160_000, interruptible: true, minBidPerHourMicros: 150_000 }),
      ],
    });
    const alice = await h.consumer('alice');
    const list = async (query: string) => (await request(h.app).get(`/api/v1/inventory${query}`).set(h.auth(alice)).expect(200)).body.offers as Record<string, unknown>[];
    expect(await list('')).toEqual([expect.objectContaining({ id: 'vastai-1', interruptible: false, min_bid: null, min_bid_micros: null })]);
    expect((await list('?pricing=on-demand')).map((o) => o.id)).toEqual(['vastai-1']);
    expect(await list('?pricing=spot')).toEqual([expect.objectContaining({ id: 'vastai-spot-1', interruptible: true, min_bid: 0.15, min_bid_micros: 150_000, price_per_hour: 0.16 })]);
    expect((await list('?pricing=any')).map((o) => o.id)).toEqual(['vastai-spot-1', 'vastai-1']);
    expectEnvelope(await request(h.app).get('/api/v1/inventory?pricing=cheap').set(h.auth(alice)), 400, 'VALIDATION_FAILED');

    // A spot offer is rented only when spot pricing is asked for: refused up front otherwise, nothing rented.
    const refused = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-spot-1', reservation_hours: 1 });
    expectEnvelope(refused, 400, 'VALIDATION_FAILED');
    expect(refused.body.error.message).toContain('interruptible (spot)');
    const underMinimum = await request(h.app)
      .post('/api/v1/sessions')
      .set(h.auth(alice))
      .send({ consumer_id: 'alice', offer_id: 'vastai-spot-1', reservation_hours: 1, pricing: 'spot', max_bid: 0.1 });
    expectEnvelope(underMinimum, 400, 'VALIDATION_FAILED');
    expect(underMinimum.body.error.message).toContain('minimum bid');
    const onDemandBid = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1, pricing: 'spot' });
    expectEnvelope(onDemandBid, 400, 'VALIDATION_FAILED');
    expect(h.core.provider.calls.filter((c) => c.operation === 'createInstance')).toEqual([]);

    // With pricing spot: the minimum bid plus the 10 % margin by default, billed with the storage on top.
    const spot = await request(h.app)
      .post('/api/v1/sessions')
      .set(h.auth(alice))
      .send({ consumer_id: 'alice', offer_id: 'vastai-spot-1', reservation_hours: 1, pricing: 'spot', on_preempt: 'reprovision' })
      .expect(201);
    expect(spot.body.session).toMatchObject({ interruptible: true, bid: 0.165, max_bid: 0.165, on_preempt: 'reprovision', preemptions: 0, price_per_hour_micros: 175_000 });
    // The on-demand price of the same GPU at rental time is recorded: the reference for the savings reports show.
    expect(spot.body.session).toMatchObject({ on_demand_price: 0.42, on_demand_price_micros: 420_000 });

    // The session and the cost reports show the instance's bid, lifetime and saving against on-demand.
    await h.provision();
    h.core.clock.advanceSeconds(3600);
    await h.core.lifecycle.tick();
    const id = spot.body.session.id as string;
    const got = await request(h.app).get(`/api/v1/sessions/${id}`).set(h.auth(alice)).expect(200);
    expect(got.body.instances).toEqual([expect.objectContaining({ session_id: id, interruptible: true, bid: 0.165, bid_micros: 165_000, on_demand_price_micros: 420_000 })]);
    const [instance] = got.body.instances as { lifetime_seconds: number; cost_micros: number; on_demand_cost_micros: number; saving_micros: number }[];
    expect(instance?.lifetime_seconds).toBeGreaterThanOrEqual(3600);
    expect(instance).toMatchObject({
      cost_micros: costForSeconds(175_000, instance?.lifetime_seconds ?? 0),
      on_demand_cost_micros: costForSeconds(420_000, instance?.lifetime_seconds ?? 0),
      saving_micros: (instance?.on_demand_cost_micros ?? 0) - (instance?.cost_micros ?? 0),
    });
    const costs = await request(h.app).get(`/api/v1/costs?session_id=${id}`).set(h.auth(alice)).expect(200);
    expect(costs.body).toMatchObject({
      total_cost_micros: instance?.cost_micros,
      spot_cost_micros: instance?.cost_micros,
      spot_on_demand_cost_micros: instance?.on_demand_cost_micros,
      spot_saving_micros: instance?.saving_micros,
    });
    expect(costs.body.spot_instances).toEqual(got.body.instances);
  });

  it('error: a bad filter is a 400 naming the field', async () => {
    const { h, alice } = await withConsumers();
    const res = await request(h.app).get('/api/v1/inventory?min_vram=lots&colour=red').set(h.auth(alice));
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['query.min_vram', 'query']));
  });

  it('GET /inventory/:id: happy and 404', async () => {
    const { h, alice } = await withConsumers();
    await request(h.app).get('/api/v1/inventory/vastai-2').set(h.auth(alice)).expect(200);
    expectEnvelope(await request(h.app).get('/api/v1/inventory/vastai-404').set(h.auth(alice)), 404, 'OFFER_NOT_FOUND');
  });

  it('GET /offer-health lists failures', async () => {
    const { h, alice } = await withConsumers();
    const res = await request(h.app).get('/api/v1/offer-health').set(h.auth(alice)).expect(200);
    expect(res.body).toEqual({ offers: [] });
  });
});

describe('sessions', () => {
  it('create: 201 with the session, the offer and the private key once; provisioning starts in the background', async () => {
    const { h, alice } = await withConsumers();
    const res = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send(body).expect(201);
    expect(res.body.session).toMatchObject({ consumer_id: 'alice', status: 'pending', offer_id: 'vastai-1', reservation_hours: 2, idle_timeout: 0 });
    expect(res.body.ssh_private_key).toContain('PRIVATE KEY');
    expect(res.body.replayed).toBe(false);
    expect(h.started).toEqual([res.body.session.id]);
    await h.provision();
    const got = await request(h.app).get(`/api/v1/sessions/${res.body.session.id}`).set(h.auth(alice)).expect(200);
    expect(got.body).toMatchObject({ status: 'running', ssh_host: '127.0.0.1', ssh_command: 'ssh -p 22 root@127.0.0.1' });
    expect(got.body).not.toHaveProperty('ssh_private_key');
  });

  it('create: bad input is a 400 with field details, and nothing is written', async () => {
    const { h, alice } = await withConsumers();
    const res = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', gpu: 'RTX4090', reservation_hours: 13, storage_policy: 'keep' });
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.reservation_hours', 'body.storage_policy']);
    expectEnvelope(await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('content-type', 'application/json').send('{"oops'), 400, 'BAD_REQUEST');
    expect(await h.core.repositories.sessions.list()).toEqual([]);
  });

  it('create: domain refusals keep their codes (unknown offer 404, budget 422)', async () => {
    const { h, alice } = await withConsumers();
    expectEnvelope(await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ ...body, offer_id: 'vastai-404' }), 404, 'NOT_FOUND');
    await request(h.app).put('/api/v1/consumers/alice/budget').set(h.admin).send({ monthly_limit: 1 }).expect(200);
    const refused = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ ...body, reservation_hours: 4 });
    expectEnvelope(refused, 422, 'BUDGET_EXCEEDED');
    expect(await h.core.repositories.sessions.list()).toEqual([]);
  });

  it('create: a consumer cannot provision for another consumer', async () => {
    const { h, bob } = await withConsumers();
    expectEnvelope(await request(h.app).post('/api/v1/sessions').set(h.auth(bob)).send(body), 403, 'FORBIDDEN');
  });

  it('create: the same Idempotency-Key and body return the same session (and key); a different body is a conflict', async () => {
    const { h, alice } = await withConsumers();
    const first = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-1').send(body).expect(201);
    const again = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-1').send(body).expect(201);
    expect(again.body.session.id).toBe(first.body.session.id);
    expect(again.body.ssh_private_key).toBe(first.body.ssh_private_key);
    expect(again.body.replayed).toBe(true);
    expect(h.started).toHaveLength(1);
    expectEnvelope(await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-1').send({ ...body, reservation_hours: 3 }), 409, 'IDEMPOTENCY_CONFLICT');
  });

  it('list: a consumer sees its own sessions; the admin sees all and can filter', async () => {
    const { h, alice, bob } = await withConsumers();
    await aliceSession(h, alice, false);
    await request(h.app).post('/api/v1/sessions').set(h.auth(bob)).send({ ...body, consumer_id: 'bob' }).expect(201);
    const mine = await request(h.app).get('/api/v1/sessions').set(h.auth(alice)).expect(200);
    expect(mine.body.sessions.map((s: { consumer_id: string }) => s.consumer_id)).toEqual(['alice']);
    const all = await request(h.app).get('/api/v1/sessions').set(h.admin).expect(200);
    expect(all.body.count).toBe(2);
    const page = await request(h.app).get('/api/v1/sessions?limit=1').set(h.admin).expect(200);
    expect(page.body.next_cursor).toBe(page.body.sessions[0].id);
    const rest = await request(h.app).get(`/api/v1/sessions?limit=1&cursor=${page.body.next_cursor}`).set(h.admin).expect(200);
    expect(rest.body.sessions[0].consumer_id).toBe('bob');
    expectEnvelope(await request(h.app).get('/api/v1/sessions?status=sleeping').set(h.admin), 400, 'VALIDATION_FAILED');
    expectEnvelope(await request(h.app).get('/api/v1/sessions?consumer_id=bob').set(h.auth(alice)), 403, 'FORBIDDEN');
  });

  it('another consumer\u2019s session is a 404 on every session endpoint', async () => {
    const { h, alice, bob } = await withConsumers();
    const id = await aliceSession(h, alice);
    const asBob = h.auth(bob);
    for (const res of [
      await request(h.app).get(`/api/v1/sessions/${id}`).set(asBob),
      await request(h.app).delete(`/api/v1/sessions/${id}`).set(asBob),
      await request(h.app).post(`/api/v1/sessions/${id}/done`).set(asBob),
      await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(asBob).send({ hours: 1 }),
      await request(h.app).get(`/api/v1/sessions/${id}/events`).set(asBob),
      await request(h.app).get(`/api/v1/sessions/${id}/diagnostics`).set(asBob),
    ]) {
      expectEnvelope(res, 404, 'SESSION_NOT_FOUND');
    }
    expect((await h.core.repositories.sessions.get(id))?.status).toBe('running');
  });

  it('done: destroys (verified) and answers terminated', async () => {
    const { h, alice } = await withConsumers();
    const id = await aliceSession(h, alice);
    const res = await request(h.app).post(`/api/v1/sessions/${id}/done`).set(h.auth(alice)).expect(200);
    expect(res.body).toMatchObject({ session: { status: 'terminated', stop_reason: 'done' }, message: `Session ${id} shutdown initiated.` });
    expect(h.core.provider.liveInstances()).toEqual([]);
  });

  it('delete: destroys and answers terminated; again is harmless', async () => {
    const { h, alice } = await withConsumers();
    const id = await aliceSession(h, alice);
    const res = await request(h.app).delete(`/api/v1/sessions/${id}`).set(h.auth(alice)).expect(200);
    expect(res.body).toMatchObject({ session: { status: 'terminated', stop_reason: 'deleted' }, message: `Session ${id} destroyed.` });
    await request(h.app).delete(`/api/v1/sessions/${id}`).set(h.auth(alice)).expect(200);
    expectEnvelope(await request(h.app).delete('/api/v1/sessions/ses_unknown').set(h.auth(alice)), 404, 'SESSION_NOT_FOUND');
  });

  it('extend: adds hours; past the hard maximum is refused with 422; bad hours is 400', async () => {
    const { h, alice } = await withConsumers();
    const id = await aliceSession(h, alice);
    const res = await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(h.auth(alice)).send({ hours: 2 }).expect(200);
    expect(res.body).toMatchObject({ extended_by_hours: 2, session: { reservation_hours: 4 } });
    expectEnvelope(await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(h.auth(alice)).send({ hours: 9 }), 422, 'SAFETY_LIMIT_EXCEEDED');
    expectEnvelope(await request(h.app).post(`/api/v1/sessions/${id}/extend`).set(h.auth(alice)).send({ hours: 13 }), 400, 'VALIDATION_FAILED');
  });

  it('events: the log as JSON, and as a Server-Sent Events stream that ends after the terminal event', async () => {
    const { h, alice } = await withConsumers();
    const id = await aliceSession(h, alice);
    const json = await request(h.app).get(`/api/v1/sessions/${id}/events`).set(h.auth(alice)).expect(200);
    expect(json.body.events.map((e: { type: string }) => e.type)).toEqual(['created', 'request_create', 'provider_create_sent', 'provider_instance_recorded', 'verify_ready']);
    const stream = request(h.app).get(`/api/v1/sessions/${id}/events`).set(h.auth(alice)).set('Accept', 'text/event-stream');
    setTimeout(() => void request(h.app).post(`/api/v1/sessions/${id}/done`).set(h.auth(alice)).then(() => undefined), 30);
    const res = await stream;
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.text).toContain('event: created');
    expect(res.text).toContain('event: confirm_destroyed');
    expect(res.text.indexOf('event: confirm_destroyed')).toBeGreaterThan(res.text.indexOf('event: verify_ready'));
  });

  it('diagnostics: runs the probes for the caller\u2019s session', async () => {
    const { h, alice } = await withConsumers();
    const id = await aliceSession(h, alice);
    const res = await request(h.app).get(`/api/v1/sessions/${id}/diagnostics`).set(h.auth(alice)).expect(200);
    expect(res.body).toMatchObject({ session_id: id, reachable: true, ready: true });
  });
});

describe('costs', () => {
  it('happy: totals and breakdowns for the caller; the admin can ask for anyone', async () => {
    const { h, alice } = await withConsumers();
    const id = await aliceSession(h, alice);
    const billingStart = (await h.core.repositories.sessions.get(id))?.billingStartedAt ?? new Date();
    h.core.clock.set(new Date(billingStart.getTime() + 90 * 60_000));
    await request(h.app).post(`/api/v1/sessions/${id}/done`).set(h.auth(alice)).expect(200);
    const mine = await request(h.app).get('/api/v1/costs?period=daily').set(h.auth(alice)).expect(200);
    expect(mine.body).toMatchObject({ total_cost: 0.63, total_cost_micros: 630_000, session_count: 1, hours_used: 1.5, by_provider: { vastai: 0.63 }, consumer_id: 'alice' });
    const session = await request(h.app).get(`/api/v1/sessions/${id}`).set(h.auth(alice)).expect(200);
    expect(session.body.cost_so_far_micros).toBe(630_000);
    const admin = await request(h.app).get('/api/v1/costs?consumer_id=alice&start=2026-02-01&end=2026-02-28').set(h.admin).expect(200);
    expect(admin.body.total_cost_micros).toBe(630_000);
    const summary = await request(h.app).get('/api/v1/costs/summary').set(h.auth(alice)).expect(200);
    expect(summary.body.by_period).toEqual([{ period: '2026-02-02', cost: 0.63, cost_micros: 630_000 }]);
  });

  it('error: an invalid date is a 400; security: another consumer\u2019s costs are refused', async () => {
    const { h, alice } = await withConsumers();
    expectEnvelope(await request(h.app).get('/api/v1/costs?start=2026-02-30').set(h.auth(alice)), 400, 'VALIDATION_FAILED');
    expectEnvelope(await request(h.app).get('/api/v1/costs?consumer_id=bob').set(h.auth(alice)), 403, 'FORBIDDEN');
  });
});

describe('consumers (admin)', () => {
  it('creates a consumer whose key works at once, shown once and stored hashed', async () => {
    const h = createAppHarness();
    const res = await request(h.app).post('/api/v1/consumers').set(h.admin).send({ id: 'carol', name: 'Carol', monthly_budget: 50 }).expect(201);
    const key = res.body.api_key as string;
    expect(key).toMatch(/^gs_/);
    expect(res.body.consumer).toMatchObject({ id: 'carol', budget: { monthly_limit: 50 }, api_keys: [{ prefix: key.slice(0, 12) }] });
    await request(h.app).get('/api/v1/inventory').set(h.auth(key)).expect(200);
    const stored = await h.core.repositories.apiKeys.listByConsumer('carol');
    expect(stored[0]?.keyHash).not.toContain(key);
    const listed = await request(h.app).get('/api/v1/consumers').set(h.admin).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(key);
  });

  it('rejects bad input and duplicates, and 404s unknown consumers', async () => {
    const h = createAppHarness();
    expectEnvelope(await request(h.app).post('/api/v1/consumers').set(h.admin).send({ id: 'bad id' }), 400, 'VALIDATION_FAILED');
    await request(h.app).post('/api/v1/consumers').set(h.admin).send({ id: 'carol' }).expect(201);
    expectEnvelope(await request(h.app).post('/api/v1/consumers').set(h.admin).send({ id: 'carol' }), 409, 'ALREADY_EXISTS');
    expectEnvelope(await request(h.app).get('/api/v1/consumers/nobody').set(h.admin), 404, 'NOT_FOUND');
    expectEnvelope(await request(h.app).put('/api/v1/consumers/carol/budget').set(h.admin).send({ monthly_limit: -5 }), 400, 'VALIDATION_FAILED');
  });

  it('issues and revokes keys', async () => {
    const h = createAppHarness();
    await request(h.app).post('/api/v1/consumers').set(h.admin).send({ id: 'carol' }).expect(201);
    const second = await request(h.app).post('/api/v1/consumers/carol/keys').set(h.admin).expect(201);
    await request(h.app).get('/api/v1/inventory').set(h.auth(second.body.api_key)).expect(200);
    const revoked = await request(h.app).delete(`/api/v1/consumers/carol/keys/${second.body.key.id}`).set(h.admin).expect(200);
    expect(revoked.body.api_keys.find((k: { id: string }) => k.id === second.body.key.id).revoked_at).not.toBeNull();
    await request(h.app).get('/api/v1/inventory').set(h.auth(second.body.api_key)).expect(401);
    expectEnvelope(await request(h.app).delete('/api/v1/consumers/carol/keys/key_nope').set(h.admin), 404, 'NOT_FOUND');
  });
});

describe('secrets', () => {
  it('never logs the private key, API keys or the admin token', async () => {
    const { h, alice } = await withConsumers();
    const res = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send(body).expect(201);
    await h.provision();
    await request(h.app).get('/api/v1/inventory').set(h.auth('gs_not_a_real_key'));
    const logs = h.logger.dump();
    expect(logs).not.toContain(alice);
    expect(logs).not.toContain(res.body.ssh_private_key);
    expect(logs).not.toContain('admin-token-for-tests');
    h.core.provider.setOffers([buildOffer({ id: 'vastai-9' })]);
  });
});
