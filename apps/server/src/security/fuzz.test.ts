import fc from 'fast-check';

import { API_ROUTES, type RouteSpec } from '@gpu-shopper/contract';

import { createAppHarness, request, type AppHarness } from '../test-support/app-harness.js';

/**
 * Bad input, generated: for every endpoint of the contract, arbitrary path ids, query strings,
 * bodies (JSON of any shape, broken JSON, oversized), headers and credentials. Whatever comes in,
 * the answer is never a 5xx, every error is the one envelope, and a rejected request changes nothing.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

async function snapshot(h: AppHarness): Promise<string> {
  const r = h.core.repositories;
  const sessions = await r.sessions.list();
  const events = await Promise.all(sessions.map((s) => r.sessions.listEvents(s.id)));
  return JSON.stringify({
    sessions,
    events,
    consumers: await r.consumers.list(),
    // Authenticating stamps lastUsedAt: bookkeeping of the request itself, not a change it asked for.
    keys: (await Promise.all(['key_alice', 'key_bob'].map((id) => r.apiKeys.get(id)))).map((k) => k && { ...k, lastUsedAt: null }),
    budgets: await Promise.all(['alice', 'bob'].map((id) => r.budgets.get(id))),
    costs: await r.costs.totals({}),
  });
}

const idArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('..', '../..', '%00', 'ses_', 'ses_00000000000000000000000001', 'alice', 'key_alice', 'vastai-1', ' ', 'x'.repeat(600)),
);
const bodyArb = fc.oneof(
  fc.jsonValue().map((v) => ({ kind: 'json' as const, value: v })),
  fc.record({ consumer_id: fc.oneof(fc.string(), fc.constant('alice')), offer_id: fc.oneof(fc.string(), fc.constant('vastai-1')), reservation_hours: fc.oneof(fc.integer(), fc.double(), fc.string()), hours: fc.anything() }, { requiredKeys: [] }).map((v) => ({ kind: 'json' as const, value: v })),
  fc.string().map((v) => ({ kind: 'raw' as const, value: v })),
  fc.constant({ kind: 'raw' as const, value: `{"padding":"${'y'.repeat(1_100_000)}"}` }),
);
const queryArb = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string(), fc.integer().map(String), fc.constant('-1'), fc.constant('1e309')), { maxKeys: 4 });
const authArb = fc.constantFrom('admin', 'alice', 'bob', 'none', 'garbage', 'bearer-only');

function fillPath(path: string, ids: string[]): string {
  let i = 0;
  return path.replace(/:[A-Za-z_]+/g, () => encodeURIComponent(ids[i++] ?? 'x'));
}

describe('fuzzing every endpoint', () => {
  const routes = API_ROUTES.filter((r: RouteSpec) => !r.stream);
  it.each(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s never answers 5xx, always the envelope, and a rejected request changes nothing', async (_name, route) => {
    const h = createAppHarness();
    const keys = { alice: await h.consumer('alice'), bob: await h.consumer('bob') };
    await request(h.app).post('/api/v1/sessions').set(h.auth(keys.alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 }).expect(201);
    await h.provision();

    await fc.assert(
      fc.asyncProperty(fc.array(idArb, { minLength: 2, maxLength: 2 }), queryArb, bodyArb, authArb, fc.option(fc.string({ maxLength: 300 })), async (ids, query, body, auth, idempotencyKey) => {
        // Past the failed-auth window, so earlier refused tokens do not turn every later run into a 429.
        h.core.clock.advanceMs(61_000);
        const before = await snapshot(h);
        const path = fillPath(route.path, ids);
        let call = request(h.app)[route.method](path).query(query);
        if (auth === 'admin') call = call.set(h.admin);
        else if (auth === 'alice' || auth === 'bob') call = call.set(h.auth(keys[auth]));
        else if (auth === 'garbage') call = call.set('Authorization', 'Bearer gs_%00garbage"<script>');
        else if (auth === 'bearer-only') call = call.set('Authorization', 'Bearer');
        if (idempotencyKey !== null) call = call.set('Idempotency-Key', idempotencyKey.replace(/[\r\n]/g, ''));
        if (route.method !== 'get') {
          call = call.set('Content-Type', 'application/json').send(body.kind === 'json' ? JSON.stringify(body.value) : body.value);
        }
        const res = await call;
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String), request_id: expect.any(String) }) });
          expect(await snapshot(h)).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
