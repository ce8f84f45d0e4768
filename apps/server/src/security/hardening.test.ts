import net from 'node:net';
import { type AddressInfo } from 'node:net';

import { createHttpServer } from '../app.js';
import { createAppHarness, request } from '../test-support/app-harness.js';

/** Distinct `route` label values in the request counter. */
async function routeLabels(h: ReturnType<typeof createAppHarness>): Promise<Set<string>> {
  const metric = await h.deps.metrics.httpRequests.get();
  return new Set(metric.values.map((v) => String(v.labels.route)));
}

describe('finding 4: metrics cardinality from unauthenticated requests', () => {
  it('random paths, refused or unmatched, all land on one `unmatched` label; refused requests to real routes keep their pattern', async () => {
    const h = createAppHarness();
    for (let i = 0; i < 30; i++) {
      const junk = `/api/v1/${'x'.repeat(200)}${i}/${i}/${i}`;
      expect([401, 429]).toContain((await request(h.app).get(junk)).status);
      await request(h.app).get(`/nowhere-${i}`).expect(404);
    }
    expect([401, 429]).toContain((await request(h.app).get('/api/v1/sessions/ses_secret_id_1')).status);
    await request(h.app).get('/api/v1/sessions/ses_secret_id_2').set(h.admin).expect(404);
    const labels = await routeLabels(h);
    expect([...labels].sort()).toEqual(['/api/v1/sessions/:id', 'unmatched']);
    const text = await h.deps.metrics.registry.metrics();
    expect(text).not.toContain('xxxxxxxx');
    expect(text).not.toContain('ses_secret_id');
  });
});

describe('finding 5: the failed-auth limiter never locks out a valid credential', () => {
  it('after 20 bad tokens from one address, the admin and a consumer still get in; bad tokens get 429 with Retry-After', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    for (let i = 0; i < 20; i++) await request(h.app).get('/api/v1/sessions').set(h.auth(`gsk_guess_${i}`)).expect(401);
    await request(h.app).get('/api/v1/consumers').set(h.admin).expect(200);
    await request(h.app).get('/api/v1/sessions').set(h.auth(alice)).expect(200);
    const blocked = await request(h.app).get('/api/v1/sessions').set(h.auth('gsk_guess_21'));
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('too many refused credentials') });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    h.core.clock.advanceMs(61_000);
    await request(h.app).get('/api/v1/sessions').set(h.auth('gsk_guess_22')).expect(401);
  });

  it('with TRUST_PROXY the limiter counts per real client: one noisy client behind the proxy does not block another', async () => {
    const h = createAppHarness({ overrides: { trustProxy: ['loopback'] } });
    for (let i = 0; i < 20; i++) await request(h.app).get('/api/v1/sessions').set('X-Forwarded-For', '203.0.113.7').set(h.auth(`gsk_guess_${i}`)).expect(401);
    await request(h.app).get('/api/v1/sessions').set('X-Forwarded-For', '203.0.113.7').set(h.auth('gsk_guess_x')).expect(429);
    await request(h.app).get('/api/v1/sessions').set('X-Forwarded-For', '198.51.100.2').set(h.auth('gsk_guess_y')).expect(401);
  });

  it('without TRUST_PROXY a forged X-Forwarded-For changes nothing: the socket address is counted', async () => {
    const h = createAppHarness();
    for (let i = 0; i < 20; i++) await request(h.app).get('/api/v1/sessions').set('X-Forwarded-For', `203.0.113.${i}`).set(h.auth(`gsk_guess_${i}`)).expect(401);
    await request(h.app).get('/api/v1/sessions').set('X-Forwarded-For', '198.51.100.99').set(h.auth('gsk_guess_z')).expect(429);
  });

  it('protected mode: a request relayed by a local proxy is not "local", so it is not admin', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    const relayed = await request(h.app).get('/api/v1/consumers').set('X-Forwarded-For', '203.0.113.7');
    expect(relayed.status).toBe(401);
    expect(relayed.body.error.message).toContain('through a proxy');
    await request(h.app).get('/api/v1/consumers').set('Via', '1.1 squid').expect(401);
    await request(h.app).get('/api/v1/consumers').expect(200);
    // Behind a trusted proxy the real client decides: a remote one is not admin, a local one is.
    const proxied = createAppHarness({ overrides: { adminToken: undefined, trustProxy: ['loopback'] } });
    await request(proxied.app).get('/api/v1/consumers').set('X-Forwarded-For', '203.0.113.7').expect(401);
    await request(proxied.app).get('/api/v1/consumers').set('X-Forwarded-For', '127.0.0.1').expect(200);
  });
});

describe('finding 6: slow request bodies cannot hold connections', () => {
  async function listen(requestTimeoutMs: number, maxConnections = 1024) {
    const h = createAppHarness();
    const server = createHttpServer(h.app, { requestTimeoutMs, maxConnections, checkIntervalMs: 50 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { h, server, port: (server.address() as AddressInfo).port };
  }

  it('a client trickling a body is cut off after the request timeout (408), while an event stream outlives it', async () => {
    const { h, server, port } = await listen(300);
    try {
      const alice = await h.consumer('alice');
      const created = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 }).expect(201);
      const sessionId = created.body.session.id as string;

      // The event stream: count keep-alives; it must stay open well past the 300 ms request timeout.
      const stream = net.connect(port, '127.0.0.1');
      let streamed = '';
      let streamClosed = false;
      stream.on('data', (chunk: Buffer) => (streamed += chunk.toString()));
      stream.on('close', () => (streamClosed = true));
      stream.write(`GET /api/v1/sessions/${sessionId}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${alice}\r\nAccept: text/event-stream\r\n\r\n`);

      const trickle = net.connect(port, '127.0.0.1');
      let answer = '';
      trickle.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const closed = new Promise<void>((resolve) => trickle.on('close', () => resolve()));
      trickle.write('POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      const dripper = setInterval(() => trickle.writable && trickle.write(' '), 20);
      const started = Date.now();
      await closed;
      clearInterval(dripper);
      const heldMs = Date.now() - started;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(heldMs).toBeLessThan(30_000);

      // By now the stream has been open longer than the request timeout and is still streaming.
      const keepAlivesBefore = streamed.split(': keep-alive').length;
      await new Promise<void>((resolve) => {
        const check = () => (streamed.split(': keep-alive').length > keepAlivesBefore + 2 ? resolve() : setTimeout(check, 10));
        check();
      });
      expect(streamClosed).toBe(false);
      expect(streamed).toMatch(/^HTTP\/1\.1 200/);
      stream.destroy();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('connections beyond the cap are closed at once', async () => {
    const { server, port } = await listen(60_000, 16);
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 16; i++) {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        held.push(socket);
      }
      await new Promise<void>((resolve) => {
        const check = () => server.getConnections((_e, n) => (n >= 16 ? resolve() : setTimeout(check, 5)));
        check();
      });
      const extra = net.connect(port, '127.0.0.1');
      let answered = '';
      extra.on('data', (chunk: Buffer) => (answered += chunk.toString()));
      extra.on('error', () => undefined);
      extra.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await new Promise<void>((resolve) => extra.on('close', () => resolve()));
      expect(answered).toBe('');
    } finally {
      for (const socket of held) socket.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('findings 7 and 8: idempotency records expire, forget the key, and never cross principals', () => {
  const body = { consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 };

  it('after expiry the same key and body do not replay the old private key', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    const first = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-1').send(body).expect(201);
    const replay = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-1').send(body).expect(201);
    expect(replay.body).toMatchObject({ replayed: true, ssh_private_key: first.body.ssh_private_key });
    h.core.clock.advanceMs(25 * 3_600_000);
    const late = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-1').send({ ...body, offer_id: 'vastai-2' });
    expect(late.status).toBe(201);
    expect(late.body.replayed).toBe(false);
    expect(late.body.ssh_private_key).not.toBe(first.body.ssh_private_key);
  });

  it('a replay after the session ended carries no key, and says why', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    const first = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-2').send(body).expect(201);
    await request(h.app).delete(`/api/v1/sessions/${first.body.session.id as string}`).set(h.auth(alice)).expect(200);
    const replay = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).set('Idempotency-Key', 'k-2').send(body).expect(201);
    expect(replay.body).toMatchObject({ replayed: true, ssh_private_key: null, ssh_private_key_withheld: expect.stringContaining('destroyed when it ended') });
    expect(JSON.stringify(await h.core.repositories.idempotency.get('consumer:alice', 'k-2'))).not.toMatch(/PRIVATE KEY|"encryptedPrivateKey"/);
  });

  it('a consumer named `admin` using the admin\'s Idempotency-Key gets its own session, not the admin\'s session and key', async () => {
    const h = createAppHarness();
    const adminsSession = await request(h.app).post('/api/v1/sessions').set(h.admin).set('Idempotency-Key', 'shared').send({ ...body, consumer_id: 'admin' }).expect(201);
    const mallory = await h.consumer('admin');
    const res = await request(h.app).post('/api/v1/sessions').set(h.auth(mallory)).set('Idempotency-Key', 'shared').send({ ...body, consumer_id: 'admin' }).expect(201);
    expect(res.body.replayed).toBe(false);
    expect(res.body.session.id).not.toBe(adminsSession.body.session.id);
    expect(res.body.ssh_private_key).not.toBe(adminsSession.body.ssh_private_key);
  });
});

describe('finding 10: /health shows the simulator control URL to the admin only', () => {
  it('anonymous and consumer callers get simulator: null; the admin sees the URL', async () => {
    const h = createAppHarness({ overrides: { mode: 'simulate', simulatorControlUrl: 'http://127.0.0.1:9999' } });
    const alice = await h.consumer('alice');
    expect((await request(h.app).get('/health').expect(200)).body).toMatchObject({ mode: 'simulate', simulator: null });
    expect((await request(h.app).get('/health').set(h.auth(alice)).expect(200)).body.simulator).toBeNull();
    expect((await request(h.app).get('/health').set(h.auth('wrong-token')).expect(200)).body.simulator).toBeNull();
    expect((await request(h.app).get('/health').set(h.admin).expect(200)).body.simulator).toEqual({ control: 'http://127.0.0.1:9999' });
    const local = createAppHarness({ overrides: { adminToken: undefined, mode: 'simulate', simulatorControlUrl: 'http://127.0.0.1:9999' } });
    expect((await request(local.app).get('/health').expect(200)).body.simulator).toEqual({ control: 'http://127.0.0.1:9999' });
  });
});

describe('GET /api/v1/whoami', () => {
  it('tells the admin from a consumer', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    expect((await request(h.app).get('/api/v1/whoami').set(h.admin).expect(200)).body).toEqual({ role: 'admin', consumer_id: null, deployment_id: h.core.deploymentId });
    expect((await request(h.app).get('/api/v1/whoami').set(h.auth(alice)).expect(200)).body).toMatchObject({ role: 'consumer', consumer_id: 'alice' });
    await request(h.app).get('/api/v1/whoami').expect(401);
  });
});

describe('finding 11: filters that can never mean anything are a 400 naming the parameter', () => {
  it.each([
    ['/api/v1/inventory?min_vram=-1', 'query.min_vram'],
    ['/api/v1/inventory?max_price=-0.5', 'query.max_price'],
    ['/api/v1/inventory?min_gpus=-2', 'query.min_gpus'],
    ['/api/v1/inventory?min_gpus=0', 'query.min_gpus'],
    ['/api/v1/inventory?min_reliability=1.5', 'query.min_reliability'],
    ['/api/v1/inventory?min_reliability=-0.1', 'query.min_reliability'],
    ['/api/v1/recommendations?model=llama3.1:8b&max_price=-1', 'query.max_price'],
    ['/api/v1/recommendations?model=llama3.1:8b&min_tps=-5', 'query.min_tps'],
    ['/api/v1/benchmarks/cheapest?model=llama3.1:8b&min_tps=-5', 'query.min_tps'],
    ['/api/v1/sessions?limit=-1', 'query.limit'],
  ])('%s', async (url, parameter) => {
    const h = createAppHarness();
    const res = await request(h.app).get(url).set(h.admin);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(parameter);
  });
});

describe('finding 9: event streams and diagnostics are capped per caller and per session', () => {
  it('a third event stream of one session is refused with 429 and Retry-After; closing one makes room', async () => {
    const h = createAppHarness({ overrides: { eventStreamLimits: { perCaller: 3, perSession: 2 } } });
    const server = createHttpServer(h.app, { requestTimeoutMs: 60_000, maxConnections: 1024 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const controllers: AbortController[] = [];
    try {
      const alice = await h.consumer('alice');
      const created = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 }).expect(201);
      const second = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-2', reservation_hours: 1 }).expect(201);
      const open = async (sessionId: string) => {
        const controller = new AbortController();
        controllers.push(controller);
        const res = await fetch(`${base}/api/v1/sessions/${sessionId}/events`, { headers: { authorization: `Bearer ${alice}`, accept: 'text/event-stream' }, signal: controller.signal });
        return { res, controller };
      };
      const a = await open(created.body.session.id as string);
      const b = await open(created.body.session.id as string);
      expect([a.res.status, b.res.status]).toEqual([200, 200]);
      const refused = await open(created.body.session.id as string);
      expect(refused.res.status).toBe(429);
      expect(refused.res.headers.get('retry-after')).toBe('5');
      expect(((await refused.res.json()) as { error: { message: string } }).error.message).toContain('2 per session');
      // Per caller: a third stream on another session is fine, a fourth anywhere is not.
      expect((await open(second.body.session.id as string)).res.status).toBe(200);
      expect((await open(second.body.session.id as string)).res.status).toBe(429);
      // Closing a stream frees its place (once the server has seen the close).
      a.controller.abort();
      let reopened = 429;
      while (reopened === 429) reopened = (await open(created.body.session.id as string)).res.status;
      expect(reopened).toBe(200);
    } finally {
      for (const c of controllers) c.abort();
      server.closeAllConnections();
      server.close();
    }
  });

  it('diagnostics run one at a time per session: a second concurrent call is 429, none opens a second SSH connection', async () => {
    let calls = 0;
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const h = createAppHarness({
      overrides: {
        diagnosticsLimits: { perCaller: 4, perSession: 1 },
        diagnostics: async (sessionId) => {
          calls++;
          await gate;
          return { session_id: sessionId, reachable: true, checked_at: new Date().toISOString(), error: null, gpus: [], driver_version: null, cuda_version: null, disk: null, oom_kills: 0, ready: true, not_ready_reason: null };
        },
      },
    });
    const alice = await h.consumer('alice');
    const created = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 }).expect(201);
    const path = `/api/v1/sessions/${created.body.session.id as string}/diagnostics`;
    const first = request(h.app).get(path).set(h.auth(alice)).then((r) => r);
    while (calls === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await request(h.app).get(path).set(h.auth(alice));
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('2');
    finish();
    expect((await first).status).toBe(200);
    await request(h.app).get(path).set(h.auth(alice)).expect(200);
    expect(calls).toBe(2);
  });
});
