import { unwrap } from '../errors/result.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { fakeSecretCipher } from '../testing/fake-session-access.js';
import { idempotencyScope } from './provisioning-service.js';
import { buildProvisionRequest } from '../testing/fixtures.js';

/** Step 1 of the saga on its own: the request and its idempotency key, before any provider call. */
function setup() {
  const h = createCoreHarness();
  return { service: h.provisioning, repositories: h.repositories, clock: h.clock, terminator: h.terminator };
}

const request = buildProvisionRequest;

describe('ProvisioningService', () => {
  describe('idempotency', () => {
    const context = { scope: 'consumer:my-app', key: 'idem-1', requestHash: 'hash-a' } as const;

    it('ten concurrent requests with one key create exactly one session and return the same key', async () => {
      const { service, repositories } = setup();
      const results = await Promise.all(Array.from({ length: 10 }, () => service.request(request(), context)));
      const sessions = results.map((r) => unwrap(r));
      expect(new Set(sessions.map((s) => s.session.id)).size).toBe(1);
      expect(new Set(sessions.map((s) => s.privateKey)).size).toBe(1);
      expect(await repositories.sessions.list()).toHaveLength(1);
    });

    it('the same key with a different request is refused and changes nothing', async () => {
      const { service, repositories } = setup();
      unwrap(await service.request(request(), context));
      const conflict = await service.request(request({ reservationHours: 3 }), { ...context, requestHash: 'hash-b' });
      expect(!conflict.ok && conflict.err.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await repositories.sessions.list()).toHaveLength(1);
    });

    it('a rejected request releases its key so a corrected retry can use it', async () => {
      const { service } = setup();
      const rejected = await service.request(request({ offerId: 'vastai-404' }), context);
      expect(rejected.ok).toBe(false);
      expect((await service.request(request(), context)).ok).toBe(true);
    });

    it('invariant 1: a reservation its request never finished (the process died) is taken over after the lease: one session, not a 409 forever', async () => {
      const { service, repositories, clock } = setup();
      const crashedAt = clock.now();
      await repositories.idempotency.reserve({ ...context, state: 'in_progress', responseStatus: null, responseBody: null, createdAt: crashedAt, expiresAt: new Date(crashedAt.getTime() + 86_400_000) });

      // Within the lease the first request may still be running: the retry is told to come back.
      const early = await service.request(request(), context);
      expect(!early.ok && early.err.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await repositories.sessions.list()).toHaveLength(0);

      clock.advanceMs(31_000);
      const retried = unwrap(await service.request(request(), context));
      const replayed = unwrap(await service.request(request(), context));
      expect(replayed).toMatchObject({ replayed: true, session: { id: retried.session.id } });
      expect(await repositories.sessions.list()).toHaveLength(1);
    });

    it('the session and the completed reservation are written together', async () => {
      const { service, repositories } = setup();
      const first = unwrap(await service.request(request(), context));
      const record = await repositories.idempotency.get('consumer:my-app', 'idem-1');
      expect(record).toMatchObject({ state: 'completed', responseStatus: 201 });
      expect(JSON.parse(record?.responseBody ?? '{}')).toMatchObject({ sessionId: first.session.id });
    });

    it('keeps no key material in the record: a replay reads the live session\'s own encrypted key', async () => {
      const { service, repositories } = setup();
      const first = unwrap(await service.request(request(), context));
      const record = await repositories.idempotency.get('consumer:my-app', 'idem-1');
      expect(record?.responseBody).not.toContain(first.privateKey ?? 'never');
      expect(record?.responseBody).not.toContain('PRIVATE KEY');
      expect(record?.responseBody).not.toContain(fakeSecretCipher.encrypt(first.privateKey ?? ''));
      expect(unwrap(await service.request(request(), context))).toMatchObject({ replayed: true, privateKey: first.privateKey, privateKeyWithheld: null });
    });

    it('finding 7: once the session ended, a replay answers without the key and says why', async () => {
      const { service, repositories, terminator } = setup();
      const first = unwrap(await service.request(request(), context));
      await terminator.stop(first.session.id, { actor: 'api', reason: 'done', stopReason: 'done' });
      expect((await repositories.sessions.get(first.session.id))?.status).toBe('terminated');
      const replayed = unwrap(await service.request(request(), context));
      expect(replayed).toMatchObject({ replayed: true, privateKey: null, session: { id: first.session.id } });
      expect(replayed.privateKeyWithheld).toContain('terminated');
    });

    it('finding 7: an expired key is forgotten: the same key and body then make a new request, never the old key', async () => {
      const { service, repositories, clock } = setup();
      const first = unwrap(await service.request(request(), context));
      clock.advanceMs(24 * 3_600_000 + 1000);
      const again = unwrap(await service.request(request(), context));
      expect(again.replayed).toBe(false);
      expect(again.session.id).not.toBe(first.session.id);
      expect(again.privateKey).not.toBe(first.privateKey);
      expect(await repositories.sessions.list()).toHaveLength(2);
    });

    it('finding 8: scopes are prefixed by kind, so a consumer named admin never shares the admin\'s keys', async () => {
      const { service, repositories } = setup();
      const asAdmin = unwrap(await service.request(request(), { ...context, scope: idempotencyScope({ role: 'admin' }) }));
      const asConsumerAdmin = unwrap(await service.request(request({ consumerId: 'admin' }), { ...context, scope: idempotencyScope({ role: 'consumer', consumerId: 'admin' }) }));
      expect(asConsumerAdmin.replayed).toBe(false);
      expect(asConsumerAdmin.session.id).not.toBe(asAdmin.session.id);
      expect(await repositories.sessions.list()).toHaveLength(2);
    });
  });
});
