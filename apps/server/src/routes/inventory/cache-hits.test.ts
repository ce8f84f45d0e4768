import express, { type Express } from 'express';

import { type AuthOptions } from '../../auth/authenticate.js';
import { createAppHarness, request, type AppHarness } from '../../test-support/app-harness.js';
import { inventoryCacheHits, InventoryAnswers } from './cache-hits.js';

const QUERY = '/api/v1/inventory?gpu=RTX4090&sort=price';
const KEY = '[{"gpu":"RTX4090","sort":"price"},null]';

/**
 * The lane alone, in front of a stand-in for the full stack that answers 418: what the lane serves
 * never reaches the stand-in, and everything it declines does.
 */
function lane(h: AppHarness, overrides: Partial<AuthOptions> = {}): { app: Express; answers: InventoryAnswers; reachedStack: string[] } {
  const answers = new InventoryAnswers();
  const auth: AuthOptions = { adminToken: h.deps.adminToken, repositories: h.deps.repositories, clock: h.deps.clock, ...overrides };
  const reachedStack: string[] = [];
  const app = express();
  app.use(inventoryCacheHits({ ...h.deps, adminToken: auth.adminToken }, answers, auth));
  app.use((req, res) => {
    reachedStack.push(req.url);
    res.status(418).end();
  });
  return { app, answers, reachedStack };
}

function warm(h: AppHarness, answers: InventoryAnswers, body = '{"offers":[]}'): void {
  answers.remember('gpu=RTX4090&sort=price', KEY);
  answers.bodies.set(h.deps.inventory.version(), KEY, Buffer.from(body));
}

describe('inventoryCacheHits: a repeated inventory query served before the middleware stack', () => {
  it('serves the cached bytes with their strong ETag and a request id, and 304 for a matching If-None-Match', async () => {
    const h = createAppHarness();
    const { app, answers, reachedStack } = lane(h);
    warm(h, answers, '{"offers":[],"count":0}');
    const res = await request(app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').expect(200);
    expect(res.text).toBe('{"offers":[],"count":0}');
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-cache', vary: 'Accept-Encoding' });
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    const echoed = await request(app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').set('X-Request-ID', 'trace-42').expect(200);
    expect(echoed.headers['x-request-id']).toBe('trace-42');
    const notModified = await request(app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').set('If-None-Match', res.headers.etag as string).expect(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.etag).toBe(res.headers.etag);
    expect(reachedStack).toEqual([]);
  });

  it('leaves to the full stack: a query not validated yet, another path or method, a newer inventory version, a coding not compressed yet', async () => {
    const h = createAppHarness();
    const { app, answers, reachedStack } = lane(h);
    await h.core.inventory.query({});
    await request(app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').expect(418);
    warm(h, answers);
    await request(app).get('/api/v1/inventory?sort=price&gpu=RTX4090').set(h.admin).set('Accept-Encoding', 'identity').expect(418);
    await request(app).get('/api/v1/inventory/vastai-1?gpu=RTX4090&sort=price').set(h.admin).set('Accept-Encoding', 'identity').expect(418);
    await request(app).head(QUERY).set(h.admin).set('Accept-Encoding', 'identity').expect(418);
    await request(app).get(QUERY).set(h.admin).set('Accept-Encoding', 'gzip').expect(418);
    // Past the catalogue's TTL a refresh is due: the version moves on, and the full stack starts it.
    h.core.clock.advanceMs(61_000);
    await request(app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').expect(418);
    expect(reachedStack).toHaveLength(6);
  });

  // Every request asks for the identity coding, which is always ready: only the checks can decline.
  it('applies the same credential checks: no token, a wrong token, a revoked key or a disabled consumer go to the full stack', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    const { app, answers, reachedStack } = lane(h);
    warm(h, answers);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').expect(418);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set(h.auth('wrong-token')).expect(418);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set(h.auth(alice)).expect(200);
    await h.core.repositories.apiKeys.revoke('key_alice', h.core.clock.now());
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set(h.auth(alice)).expect(418);
    const bob = await h.consumer('bob');
    await h.core.repositories.consumers.setDisabled('bob', h.core.clock.now());
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set(h.auth(bob)).expect(418);
    expect(reachedStack).toHaveLength(4);
  });

  it('in protected mode, applies the guard: a foreign Host or Origin goes to the full stack even without credentials', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    const { app, answers, reachedStack } = lane(h, { adminToken: undefined });
    warm(h, answers);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set('Host', '127.0.0.1:8080').expect(200);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set('Host', 'attacker.example').expect(418);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set('Host', 'localhost:8080').set('Origin', 'https://attacker.example').expect(418);
    await request(app).get(QUERY).set('Accept-Encoding', 'identity').set('Host', 'localhost:8080').set('X-Forwarded-For', '203.0.113.9').expect(418);
    expect(reachedStack).toHaveLength(3);
  });
});

describe('GET /api/v1/inventory through the whole app: a cache hit keeps every check of the full stack', () => {
  it('refusals on a warm cache are answered and counted once each, as on a cold one', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    await request(h.app).get(QUERY).set(h.auth(alice)).expect(200);
    await request(h.app).get(QUERY).set(h.auth(alice)).expect(200);
    for (const headers of [{}, h.auth('gs_wrong')]) {
      const res = await request(h.app).get(QUERY).set(headers).expect(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    await h.core.repositories.apiKeys.revoke('key_alice', h.core.clock.now());
    await request(h.app).get(QUERY).set(h.auth(alice)).expect(401);
    const metrics = (await request(h.app).get('/metrics').expect(200)).text;
    expect(metrics).toContain('gpu_shopper_auth_failures_total 3');
    expect(metrics).toContain('gpu_shopper_http_requests_total{method="GET",route="/api/v1/inventory",status="200"} 2');
    expect(metrics).toContain('gpu_shopper_http_requests_total{method="GET",route="/api/v1/inventory",status="401"} 3');
  });

  it('a hit answers the same bytes, ETag and headers as the miss that built it', async () => {
    const h = createAppHarness();
    const miss = await request(h.app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').expect(200);
    const hit = await request(h.app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').expect(200);
    expect(hit.text).toBe(miss.text);
    const { date: _d1, 'x-request-id': id1, ...missHeaders } = miss.headers;
    const { date: _d2, 'x-request-id': id2, ...hitHeaders } = hit.headers;
    expect(hitHeaders).toEqual(missHeaders);
    expect(id2).not.toBe(id1);
    await request(h.app).get(QUERY).set(h.admin).set('If-None-Match', hit.headers.etag as string).set('Accept-Encoding', 'identity').expect(304);
  });
});
