import { API_ROUTES, type RouteSpec } from '@gpu-shopper/contract';

import { buildBenchmarkResult, buildOffer, buildTemplate, FakeClock, FakeProvider } from '@gpu-shopper/core/testing';

import { createAppHarness, request, type AppHarness } from '../test-support/app-harness.js';

/**
 * The consumer-isolation matrix: every authenticated endpoint of the contract's route table, called
 * as the owner, as another consumer, as the admin, with no token and with a revoked key. A consumer
 * never sees or touches another's sessions or costs (another consumer's session is a 404, never a
 * 403 that would confirm it exists); admin-only endpoints refuse consumer keys.
 */

type Principal = 'owner' | 'other' | 'admin' | 'none' | 'revoked';
const PRINCIPALS: readonly Principal[] = ['owner', 'other', 'admin', 'none', 'revoked'];

interface World {
  readonly h: AppHarness;
  readonly keys: Record<'alice' | 'bob' | 'carol', string>;
  readonly aliceSession: string;
  readonly bobSession: string;
  readonly benchmarkId: string;
  readonly runId: string;
  readonly scheduleId: string;
}

async function world(): Promise<World> {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const offers = ['vastai-1', 'vastai-2', 'vastai-3'].map((id) => buildOffer({ id, pricePerHourMicros: 420_000 }));
  // A provider with templates, so the template routes answer as they do against Vast.
  const provider = new FakeProvider('vastai', clock, offers, { stopWithoutDestroy: false, templates: true, idleDetection: false, asyncCreate: false });
  provider.setTemplates([buildTemplate()]);
  const h = createAppHarness({ clock, provider });
  const keys = { alice: await h.consumer('alice'), bob: await h.consumer('bob'), carol: await h.consumer('carol') };
  await request(h.app).delete('/api/v1/consumers/carol/keys/key_carol').set(h.admin).expect(200);
  const create = async (key: string, consumer: string, offerId: string) =>
    (await request(h.app).post('/api/v1/sessions').set(h.auth(key)).send({ consumer_id: consumer, offer_id: offerId, reservation_hours: 1 }).expect(201)).body.session.id as string;
  // Two offers: a rented offer leaves the cached catalogue until the next listing.
  const aliceSession = await create(keys.alice, 'alice', 'vastai-1');
  const bobSession = await create(keys.bob, 'bob', 'vastai-2');
  await h.provision();
  await h.benchmarks.repositories.results.insert(buildBenchmarkResult({ id: 'bmr_1' }));
  const runId = (await request(h.app).post('/api/v1/benchmark-runs').set(h.admin).send({ models: ['llama3.1:8b'], gpu_types: ['RTX 4090'] }).expect(201)).body.id as string;
  const scheduleId = (await request(h.app).post('/api/v1/benchmark-schedules').set(h.admin).send({ name: 'nightly', cron_expression: '0 3 * * *', run_template: { models: ['llama3.1:8b'] } }).expect(201)).body.id as string;
  return { h, keys, aliceSession, bobSession, benchmarkId: 'bmr_1', runId, scheduleId };
}

/** How to call a route as alice's data owner: path parameters and body. */
interface Fixture {
  readonly path: (w: World) => string;
  readonly body?: (w: World) => object;
  /** `session`: the path names alice's session; `collection`: lists scoped to the caller; `shared`: not owned by anyone. */
  readonly scope: 'session' | 'collection' | 'shared' | 'create' | 'admin';
}

const FIXTURES: Record<string, Fixture> = {
  'get /api/v1/whoami': { path: () => '/api/v1/whoami', scope: 'shared' },
  'get /api/v1/inventory': { path: () => '/api/v1/inventory', scope: 'shared' },
  'get /api/v1/inventory/:id': { path: () => '/api/v1/inventory/vastai-3', scope: 'shared' },
  'get /api/v1/inventory/:id/compatible-templates': { path: () => '/api/v1/inventory/vastai-3/compatible-templates', scope: 'shared' },
  'get /api/v1/templates': { path: () => '/api/v1/templates', scope: 'shared' },
  'get /api/v1/templates/:hash_id': { path: () => `/api/v1/templates/${buildTemplate().hashId}`, scope: 'shared' },
  'get /api/v1/offer-health': { path: () => '/api/v1/offer-health', scope: 'shared' },
  'get /api/v1/providers/health': { path: () => '/api/v1/providers/health', scope: 'admin' },
  'get /api/v1/reconciliation': { path: () => '/api/v1/reconciliation', scope: 'admin' },
  'post /api/v1/sessions': { path: () => '/api/v1/sessions', body: () => ({ consumer_id: 'alice', offer_id: 'vastai-3', reservation_hours: 1 }), scope: 'create' },
  'get /api/v1/sessions': { path: () => '/api/v1/sessions', scope: 'collection' },
  'get /api/v1/sessions/:id': { path: (w) => `/api/v1/sessions/${w.aliceSession}`, scope: 'session' },
  'delete /api/v1/sessions/:id': { path: (w) => `/api/v1/sessions/${w.aliceSession}`, scope: 'session' },
  'post /api/v1/sessions/:id/done': { path: (w) => `/api/v1/sessions/${w.aliceSession}/done`, scope: 'session' },
  'post /api/v1/sessions/:id/extend': { path: (w) => `/api/v1/sessions/${w.aliceSession}/extend`, body: () => ({ hours: 1 }), scope: 'session' },
  'get /api/v1/sessions/:id/events': { path: (w) => `/api/v1/sessions/${w.aliceSession}/events`, scope: 'session' },
  'get /api/v1/sessions/:id/diagnostics': { path: (w) => `/api/v1/sessions/${w.aliceSession}/diagnostics`, scope: 'session' },
  'get /api/v1/costs': { path: () => '/api/v1/costs', scope: 'collection' },
  'get /api/v1/costs/summary': { path: () => '/api/v1/costs/summary', scope: 'collection' },
  'post /api/v1/consumers': { path: () => '/api/v1/consumers', body: () => ({ id: 'dave' }), scope: 'admin' },
  'get /api/v1/consumers': { path: () => '/api/v1/consumers', scope: 'admin' },
  'get /api/v1/consumers/:id': { path: () => '/api/v1/consumers/alice', scope: 'admin' },
  'post /api/v1/consumers/:id/keys': { path: () => '/api/v1/consumers/alice/keys', scope: 'admin' },
  'delete /api/v1/consumers/:id/keys/:keyId': { path: () => '/api/v1/consumers/alice/keys/key_alice', scope: 'admin' },
  'get /api/v1/benchmarks': { path: () => '/api/v1/benchmarks', scope: 'shared' },
  'post /api/v1/benchmarks': { path: () => '/api/v1/benchmarks', body: () => ({ timestamp: '2026-02-01T00:00:00Z', hardware: { gpu_name: 'NVIDIA GeForce RTX 3090', gpu_memory_mib: 24576 }, model: { name: 'llama3.1:8b' }, results: { avg_tokens_per_second: 140 }, provider: 'vastai', price_per_hour: 0.1 }), scope: 'admin' },
  'post /api/v1/benchmarks/validate': { path: () => '/api/v1/benchmarks/validate', body: () => ({ timestamp: '2026-02-01T00:00:00Z', hardware: { gpu_name: 'NVIDIA GeForce RTX 3090', gpu_memory_mib: 24576 }, model: { name: 'llama3.1:8b' }, results: { avg_tokens_per_second: 140 } }), scope: 'admin' },
  'get /api/v1/benchmarks/best': { path: () => '/api/v1/benchmarks/best?model=llama3.1:8b', scope: 'shared' },
  'get /api/v1/benchmarks/cheapest': { path: () => '/api/v1/benchmarks/cheapest?model=llama3.1:8b', scope: 'shared' },
  'get /api/v1/benchmarks/compare': { path: () => '/api/v1/benchmarks/compare?model=llama3.1:8b', scope: 'shared' },
  'get /api/v1/benchmarks/recommendations': { path: () => '/api/v1/benchmarks/recommendations?model=llama3.1:8b', scope: 'shared' },
  'get /api/v1/benchmarks/:id': { path: (w) => `/api/v1/benchmarks/${w.benchmarkId}`, scope: 'shared' },
  'get /api/v1/recommendations': { path: () => '/api/v1/recommendations?model=llama3.1:8b', scope: 'shared' },
  'post /api/v1/benchmark-runs': { path: () => '/api/v1/benchmark-runs', body: () => ({ models: ['llama3.1:8b'], gpu_types: ['RTX 4090'] }), scope: 'admin' },
  'get /api/v1/benchmark-runs': { path: () => '/api/v1/benchmark-runs', scope: 'admin' },
  'get /api/v1/benchmark-runs/:id': { path: (w) => `/api/v1/benchmark-runs/${w.runId}`, scope: 'admin' },
  'delete /api/v1/benchmark-runs/:id': { path: (w) => `/api/v1/benchmark-runs/${w.runId}`, scope: 'admin' },
  'post /api/v1/benchmark-schedules': { path: () => '/api/v1/benchmark-schedules', body: () => ({ name: `s-${Math.random()}`, cron_expression: '0 3 * * *', run_template: { models: ['llama3.1:8b'] } }), scope: 'admin' },
  'get /api/v1/benchmark-schedules': { path: () => '/api/v1/benchmark-schedules', scope: 'admin' },
  'get /api/v1/benchmark-schedules/:id': { path: (w) => `/api/v1/benchmark-schedules/${w.scheduleId}`, scope: 'admin' },
  'put /api/v1/benchmark-schedules/:id': { path: (w) => `/api/v1/benchmark-schedules/${w.scheduleId}`, body: () => ({ enabled: false }), scope: 'admin' },
  'delete /api/v1/benchmark-schedules/:id': { path: (w) => `/api/v1/benchmark-schedules/${w.scheduleId}`, scope: 'admin' },
  'put /api/v1/consumers/:id/budget': { path: () => '/api/v1/consumers/alice/budget', body: () => ({ monthly_limit: 100 }), scope: 'admin' },
};

const protectedRoutes = API_ROUTES.filter((r) => r.auth !== 'none');
const keyOf = (r: RouteSpec) => `${r.method} ${r.path}`;

/** The status each principal must get, by the fixture's scope. */
function expected(route: RouteSpec, scope: Fixture['scope'], who: Principal): number {
  if (who === 'none' || who === 'revoked') return 401;
  if (scope === 'admin') return who === 'admin' ? route.status : 403;
  if (scope === 'session' && who === 'other') return 404;
  if (scope === 'create' && who === 'other') return 403;
  return route.status;
}

describe('consumer isolation matrix', () => {
  it('covers every authenticated endpoint of the contract', () => {
    expect(protectedRoutes.map(keyOf).filter((k) => !(k in FIXTURES))).toEqual([]);
  });

  const cells = protectedRoutes.flatMap((route) => PRINCIPALS.map((who) => [keyOf(route), who, route] as const));
  it.each(cells)('%s as %s', async (key, who, route) => {
    const fixture = FIXTURES[key];
    if (!fixture) throw new Error(`no fixture for ${key}`);
    const w = await world();
    const headers = who === 'owner' ? w.h.auth(w.keys.alice) : who === 'other' ? w.h.auth(w.keys.bob) : who === 'admin' ? w.h.admin : who === 'revoked' ? w.h.auth(w.keys.carol) : {};
    let call = request(w.h.app)[route.method](fixture.path(w)).set(headers);
    if (fixture.body) call = call.send(fixture.body(w));
    const res = await call;
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: expected(route, fixture.scope, who), code: res.status >= 400 ? expect.any(String) : undefined });
    const text = JSON.stringify(res.body);
    // Whatever a consumer is served never mentions the other consumer's session (an error may echo
    // the id the caller itself sent).
    if (res.status < 400 && who === 'owner') expect(text).not.toContain(w.bobSession);
    if (res.status < 400 && who === 'other') expect(text).not.toContain(w.aliceSession);
    if (res.status >= 400) expect(res.body.error.request_id).toEqual(expect.any(String));
  });
});
