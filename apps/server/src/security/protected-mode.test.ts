import { isLoopbackHost, isLoopbackOrigin } from '../auth/protected-mode.js';
import { createAppHarness, request } from '../test-support/app-harness.js';

const CREATE = { consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 };

describe('protected mode refuses what a web page or a proxy could send (finding 2: DNS rebinding)', () => {
  it('a rebound Host with a foreign Origin cannot rent a GPU: 403 saying why, nothing written', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    const res = await request(h.app).post('/api/v1/sessions').set('Host', 'attacker.example:8080').set('Origin', 'http://attacker.example:8080').send(CREATE);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining("Host 'attacker.example:8080' is refused") });
    expect(res.body.ssh_private_key).toBeUndefined();
    expect(await h.core.repositories.sessions.list()).toEqual([]);
    expect(h.started).toEqual([]);
  });

  it('a loopback Host with a foreign Origin (a page posting to 127.0.0.1) is refused too', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    const res = await request(h.app).post('/api/v1/sessions').set('Host', '127.0.0.1:8080').set('Origin', 'https://evil.example').send(CREATE);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("Origin 'https://evil.example'");
    const nullOrigin = await request(h.app).get('/api/v1/consumers').set('Host', 'localhost:8080').set('Origin', 'null');
    expect(nullOrigin.status).toBe(403);
    expect(await h.core.repositories.sessions.list()).toEqual([]);
  });

  it('a foreign Host is refused even with a consumer key, and on unauthenticated routes', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    const alice = (await request(h.app).post('/api/v1/consumers').send({ id: 'alice' }).expect(201)).body.api_key as string;
    await request(h.app).get('/api/v1/sessions').set('Host', 'gpu.internal.example').set(h.auth(alice)).expect(403);
    await request(h.app).get('/health').set('Host', 'attacker.example').expect(403);
  });

  it('loopback names (with and without a port) and same-machine pages work as before', async () => {
    const h = createAppHarness({ overrides: { adminToken: undefined } });
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'localhost', '127.0.0.1']) {
      await request(h.app).get('/api/v1/consumers').set('Host', host).expect(200);
    }
    await request(h.app).post('/api/v1/sessions').set('Host', '127.0.0.1:8080').set('Origin', 'http://127.0.0.1:8080').send(CREATE).expect(201);
  });

  it('with an admin token the Host is not checked (a reverse proxy may use any name)', async () => {
    const h = createAppHarness();
    await request(h.app).get('/api/v1/consumers').set('Host', 'gpu.example.com').set(h.admin).expect(200);
    await request(h.app).get('/api/v1/consumers').set('Host', 'gpu.example.com').expect(401);
  });

  it.each([
    ['localhost', true],
    ['LOCALHOST:1', true],
    ['127.0.0.1:65535', true],
    ['127.255.0.9', true],
    ['[::1]:80', true],
    ['127.0.0.1.attacker.example', false],
    ['localhost.attacker.example', false],
    ['attacker.example', false],
    ['127.0.0.256', false],
    ['[::ffff:7f00:1]', false],
    ['', false],
  ])('isLoopbackHost(%j) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it.each([
    ['http://localhost:5173', true],
    ['https://127.0.0.1', true],
    ['http://[::1]:8080', true],
    ['null', false],
    ['file://', false],
    ['http://localhost.attacker.example', false],
    ['chrome-extension://abc', false],
  ])('isLoopbackOrigin(%j) = %s', (origin, expected) => {
    expect(isLoopbackOrigin(origin)).toBe(expected);
  });
});
