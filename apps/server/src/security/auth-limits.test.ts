import { FakeClock } from '@gpu-shopper/core/testing';

import { AuthFailureLimiter } from '../auth/auth-failure-limiter.js';
import { createAppHarness, request } from '../test-support/app-harness.js';

describe('failed-auth rate limiting', () => {
  it('forgets the stalest addresses beyond its memory bound', () => {
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const limiter = new AuthFailureLimiter({ clock, maxFailures: 2, maxClients: 2 });
    for (const client of ['a', 'a', 'b', 'b', 'c', 'c']) limiter.recordFailure(client);
    expect(['a', 'b', 'c'].map((c) => limiter.blockedForMs(c) > 0)).toEqual([false, true, true]);
  });
});

describe('request limits', () => {
  it('refuses a body over 1 MiB with 413 and the error envelope, changing nothing', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    const huge = { consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1, padding: 'x'.repeat(1_100_000) };
    const res = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send(huge);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await h.core.repositories.sessions.list()).toEqual([]);
  });
});

describe('secrets at rest', () => {
  it('stores API keys hashed and retained private keys encrypted', async () => {
    const h = createAppHarness();
    const alice = await h.consumer('alice');
    const created = await request(h.app).post('/api/v1/sessions').set(h.auth(alice)).send({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1 }).expect(201);
    const stored = JSON.stringify(await h.core.repositories.apiKeys.get('key_alice'));
    expect(stored).not.toContain(alice);
    const secret = await h.core.repositories.sessionSecrets.get(created.body.session.id as string);
    expect(secret).toBeDefined();
    expect(secret).not.toContain('PRIVATE KEY');
    expect(created.body.ssh_private_key).toMatch(/PRIVATE KEY/);
  });
});
