import { type Budget } from '../consumers/consumer.js';
import { unwrap } from '../errors/result.js';
import { SequentialIdGenerator } from '../testing/sequential-id-generator.js';
import { InventoryService } from '../inventory/inventory-service.js';
import { OfferFailureTracker } from '../inventory/offer-failure-tracker.js';
import { ProviderOfferUnavailableError, ProviderUnknownOutcomeError } from '../ports/provider-errors.js';
import { type SecretCipher } from '../ports/session-access.js';
import { type ProviderName } from '../providers/provider-name.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { FakeKeyGenerator, FakeReadinessProbe, fakeSecretCipher } from '../testing/fake-session-access.js';
import { buildOffer, buildProvisionRequest } from '../testing/fixtures.js';
import { createInMemoryRepositories } from '../testing/in-memory-repositories.js';
import { ProvisioningService } from './provisioning-service.js';
import { SessionTerminator } from './session-terminator.js';

const TIMING = { sshInitialDelayMs: 0, provisioningTimeoutMs: 20 * 60_000 };

function setup(options: { readonly cipher?: SecretCipher } = {}) {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  let pauses = 0;
  // Sleeping moves the fake clock, so deadlines and waits play out without real time passing.
  const sleep = async (ms: number, signal?: AbortSignal) => {
    pauses++;
    clock.advanceMs(ms);
    // Yield to the event loop so a test can act between two polls.
    await new Promise((resolve) => setImmediate(resolve));
    // Like the real sleep, a shutdown cuts the wait short with an error.
    if (signal?.aborted) throw new Error('aborted');
  };
  const repositories = createInMemoryRepositories();
  const ids = new SequentialIdGenerator();
  const provider = new FakeProvider('vastai', clock, [
    buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }),
    buildOffer({ id: 'vastai-2', gpuType: 'A100 80GB SXM', pricePerHourMicros: 1_500_000 }),
  ]);
  provider.setCreatedState('running');
  const providers = new Map<ProviderName, FakeProvider>([['vastai', provider]]);
  const inventory = new InventoryService({ providers: [provider], clock, cacheTtlMs: 60_000, backoffTtlMs: 300_000 });
  const terminator = new SessionTerminator({ repositories, providers, clock, ids, verifyDelayMs: 1000, sleep });
  const failures = new OfferFailureTracker({ repository: repositories.offerFailures, clock });
  const readiness = new FakeReadinessProbe();
  const service = new ProvisioningService({
    repositories,
    providers,
    inventory,
    terminator,
    keys: new FakeKeyGenerator(),
    cipher: options.cipher ?? fakeSecretCipher,
    readiness,
    clock,
    ids,
    deploymentId: 'dep_00000000000000000000000001',
    hardMaxHours: 12,
    timing: { vastai: TIMING, tensordock: TIMING, bluelobster: TIMING },
    failures,
    pollIntervalMs: 5000,
    sleep,
  });
  return { clock, repositories, provider, service, terminator, readiness, failures, inventory, pauses: () => pauses };
}

/** The fake cipher, counting its decryptions. */
class CountingCipher implements SecretCipher {
  decryptions = 0;
  encrypt(plaintext: string): string {
    return fakeSecretCipher.encrypt(plaintext);
  }
  decrypt(ciphertext: string): string {
    this.decryptions++;
    return fakeSecretCipher.decrypt(ciphertext);
  }
}

/** Lets the saga run until `condition` holds (it yields to the event loop at every poll). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never became true');
}

const request = buildProvisionRequest;

describe('ProvisioningService', () => {
  it('takes a session pending → provisioning → running, recording every step', async () => {
    const { service, repositories, provider, readiness } = setup();
    const { session, privateKey } = unwrap(await service.request(request()));
    expect(session.status).toBe('pending');
    expect(privateKey).toContain('PRIVATE KEY');

    const running = await service.run(session.id);
    expect(running).toMatchObject({ status: 'running', providerInstanceId: 'vastai-i-1', sshHost: '127.0.0.1', sshPort: 22, sshUser: 'root' });
    expect(running?.billingStartedAt).not.toBeNull();
    expect(provider.liveInstances().map((i) => i.label)).toEqual([session.label]);
    // Readiness must pass twice in a row, using the session's own key.
    expect(readiness.checks).toHaveLength(2);
    expect(readiness.checks[0]?.privateKey).toBe(privateKey);
    const events = (await repositories.sessions.listEvents(session.id)).map((e) => e.type);
    expect(events).toEqual(['created', 'request_create', 'provider_create_sent', 'provider_instance_recorded', 'verify_ready']);
  });

  it('reads the instance until its SSH details show, then asks only the node; a node it cannot reach sends it back to the provider', async () => {
    const { service, provider, readiness } = setup();
    readiness.script({ ready: false, reason: 'dpkg lock held', hostKeyFingerprint: null }, { ready: false, reason: 'dpkg lock held', hostKeyFingerprint: null }, 'refused', { ready: true, reason: 'ready', hostKeyFingerprint: null });
    const { session } = unwrap(await service.request(request()));
    const running = await service.run(session.id);
    expect(running?.status).toBe('running');
    // not ready, not ready, refused, ready, ready: five checks; the instance read when first seen and after the refusal.
    expect(readiness.checks).toHaveLength(5);
    expect(provider.calls.filter((c) => c.operation === 'getInstance')).toHaveLength(2);
  });

  it('invariant 1: the session row, label and key are committed before the create call', async () => {
    const { service, repositories, provider } = setup();
    const { session } = unwrap(await service.request(request()));
    expect(provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(0);
    expect(await repositories.sessions.get(session.id)).toMatchObject({ status: 'pending', label: `gpushop-dep_00000000000000000000000001-${session.id}` });
    const stored = await repositories.sessionSecrets.get(session.id);
    expect(stored).toMatch(/^enc:/);
  });

  it('auto-selects the cheapest offer of a GPU', async () => {
    const { service } = setup();
    const { offer } = unwrap(await service.request(request({ offerId: undefined, gpu: 'RTX4090' })));
    expect(offer.id).toBe('vastai-1');
  });

  it('a rented offer leaves the cached catalogue, so the next cheapest-of-a-GPU request does not pick it again', async () => {
    const { service, provider } = setup();
    provider.setOffers([buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }), buildOffer({ id: 'vastai-3', pricePerHourMicros: 450_000 })]);
    const first = unwrap(await service.request(request({ offerId: undefined, gpu: 'RTX4090' })));
    expect((await service.run(first.session.id))?.status).toBe('running');
    const second = unwrap(await service.request(request({ offerId: undefined, gpu: 'RTX4090' })));
    expect(second.offer.id).toBe('vastai-3');
  });

  describe('a rejected request writes nothing', () => {
    test.each([
      ['unknown offer', request({ offerId: 'vastai-404' }), 'NOT_FOUND'],
      ['both offer and gpu', request({ gpu: 'A100' }), 'VALIDATION_FAILED'],
      ['13 hours', request({ reservationHours: 13 }), 'VALIDATION_FAILED'],
      ['preserve on a provider that cannot stop', request({ storagePolicy: 'preserve' }), 'UNSUPPORTED_BY_PROVIDER'],
      ['bad consumer id', request({ consumerId: 'has space' }), 'VALIDATION_FAILED'],
    ])('%s', async (_name, input, code) => {
      const { service, repositories, provider } = setup();
      provider.setOffers([buildOffer({ id: 'vastai-1', capabilities: { stopWithoutDestroy: false, templates: false, idleDetection: false, asyncCreate: false } })]);
      const result = await service.request(input);
      expect(!result.ok && result.err.code).toBe(code);
      expect(await repositories.sessions.list()).toEqual([]);
    });
  });

  it('refuses storage policy "preserve" where the provider cannot stop without destroying, and says why', async () => {
    const { service, provider } = setup();
    provider.setOffers([buildOffer({ id: 'vastai-1', capabilities: { stopWithoutDestroy: false, templates: true, idleDetection: false, asyncCreate: true } })]);
    const refused = await service.request(request({ storagePolicy: 'preserve' }));
    expect(refused.ok ? '' : refused.err.message).toBe(
      'vastai does not support storage policy "preserve": it cannot stop an instance without destroying it; use "destroy", and copy what must be kept off the instance first (gpu-shopper transfer download)',
    );
  });

  it('registers an unknown consumer id on its first session, and refuses a disabled consumer', async () => {
    const { service, repositories, clock } = setup();
    unwrap(await service.request(request({ consumerId: 'batch-job-7' })));
    expect(await repositories.consumers.get('batch-job-7')).toMatchObject({ id: 'batch-job-7', name: 'batch-job-7', disabledAt: null });
    unwrap(await service.request(request({ consumerId: 'batch-job-7' })));

    await repositories.consumers.create({ id: 'gone', name: 'Gone', createdAt: clock.now(), disabledAt: clock.now() });
    const refused = await service.request(request({ consumerId: 'gone' }));
    expect(!refused.ok && refused.err.message).toBe("consumer 'gone' is disabled");
    expect((await repositories.sessions.list()).map((s) => s.consumerId)).toEqual(['batch-job-7', 'batch-job-7']);
  });

  it('invariant 11: refuses a reservation whose worst case exceeds the remaining budget, counting live reservations', async () => {
    const { service, repositories, clock } = setup();
    await repositories.consumers.create({ id: 'my-app', name: 'My App', createdAt: clock.now(), disabledAt: null });
    const budget: Budget = { consumerId: 'my-app', monthlyLimitMicros: 2_000_000, periodStart: clock.now(), alertsSent: [], updatedAt: clock.now() };
    await repositories.budgets.upsert(budget);
    unwrap(await service.request(request({ reservationHours: 4 }))); // 1.68 $ committed
    const refused = await service.request(request({ reservationHours: 1 })); // 0.42 $ > 0.32 $ left
    expect(!refused.ok && refused.err.code).toBe('BUDGET_EXCEEDED');
    expect(await repositories.sessions.list()).toHaveLength(1);
  });

  it('invariant 8: an unknown create outcome is resolved by label — one instance, owned by the session', async () => {
    const { service, provider } = setup();
    provider.failNext('createInstance', new ProviderUnknownOutcomeError('timeout', { provider: 'vastai', operation: 'createInstance' }), { stillCreate: true });
    const { session } = unwrap(await service.request(request()));
    const running = await service.run(session.id);
    expect(running?.status).toBe('running');
    expect(provider.liveInstances()).toHaveLength(1);
    expect(provider.liveInstances()[0]?.providerInstanceId).toBe(running?.providerInstanceId);
    expect(provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
  });

  it('an unknown outcome with no instance found ends failed, verified, without a second create', async () => {
    const { service, provider } = setup();
    provider.failNext('createInstance', new ProviderUnknownOutcomeError('timeout', { provider: 'vastai', operation: 'createInstance' }));
    const { session } = unwrap(await service.request(request()));
    const ended = await service.run(session.id);
    expect(ended).toMatchObject({ status: 'failed', errorType: 'unknown_create_outcome', stopReason: 'provisioning_failed' });
    expect(provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
    expect(provider.liveInstances()).toEqual([]);
  });

  it('a stale offer fails the session, evicts the offer and records the failure', async () => {
    const { service, provider, failures, inventory } = setup();
    provider.failNext('createInstance', new ProviderOfferUnavailableError('no_such_ask', { provider: 'vastai', operation: 'createInstance', httpStatus: 400 }));
    const { session } = unwrap(await service.request(request()));
    expect(await service.run(session.id)).toMatchObject({ status: 'failed', errorType: 'offer_unavailable' });
    expect(failures.health()[0]).toMatchObject({ offerId: 'vastai-1', lastFailureType: 'offer_unavailable' });
    expect(await inventory.getOffer('vastai-1')).toBeUndefined();
  });

  it("records the offer's host with its failure, so a retry can avoid the machine", async () => {
    const { service, provider, failures } = setup();
    provider.setOffers([buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000, hostId: 'vastai-machine-178' })]);
    provider.failNext('createInstance', new ProviderOfferUnavailableError('no_such_ask', { provider: 'vastai', operation: 'createInstance', httpStatus: 404 }));
    const { session } = unwrap(await service.request(request()));
    await service.run(session.id);
    expect([...failures.recentlyFailedHosts()]).toEqual(['vastai-machine-178']);
  });

  it('waits while the instance is starting and SSH is refused, then runs', async () => {
    const { service, provider, readiness, clock } = setup();
    provider.setCreatedState('starting');
    readiness.script('refused', 'refused', { ready: false, reason: 'dpkg lock held', hostKeyFingerprint: null }, { ready: true, reason: 'ready', hostKeyFingerprint: 'SHA256:x' });
    const { session } = unwrap(await service.request(request()));
    const started = clock.now().getTime();
    const run = service.run(session.id);
    // The instance comes up only after a while.
    await until(() => provider.liveInstances().length === 1);
    provider.setInstanceState('vastai-i-1', 'running');
    const running = await run;
    expect(running).toMatchObject({ status: 'running', hostKeyFingerprint: 'SHA256:x' });
    expect(clock.now().getTime()).toBeGreaterThan(started);
  });

  it('reads and decrypts the session key once per wait, however many readiness checks it makes', async () => {
    const cipher = new CountingCipher();
    const { service, readiness, repositories } = setup({ cipher });
    readiness.script('refused', 'refused', { ready: false, reason: 'dpkg lock held', hostKeyFingerprint: null }, { ready: true, reason: 'ready', hostKeyFingerprint: 'SHA256:x' });
    const { session, privateKey } = unwrap(await service.request(request()));
    const secrets = repositories.sessionSecrets;
    let secretReads = 0;
    const counted = Object.assign(Object.create(secrets) as typeof secrets, {
      get: async (id: string) => {
        secretReads++;
        return secrets.get(id);
      },
    });
    Object.assign(repositories, { sessionSecrets: counted });
    const running = await service.run(session.id);
    expect(running?.status).toBe('running');
    expect(readiness.checks.length).toBeGreaterThanOrEqual(4);
    expect(readiness.checks.every((check) => check.privateKey === privateKey)).toBe(true);
    // One read by the create (the key must be stored before it), one by the whole wait.
    expect(secretReads).toBe(2);
    expect(cipher.decryptions).toBe(1);
  });

  it('starts the wait from the session the saga just wrote, and after every pause checks its stored version instead of reading it', async () => {
    const { service, readiness, repositories, pauses } = setup();
    readiness.script('refused', { ready: true, reason: 'ready', hostKeyFingerprint: 'SHA256:x' });
    const { session } = unwrap(await service.request(request()));
    const sessions = repositories.sessions;
    let reads = 0;
    let versionChecks = 0;
    const get = sessions.get.bind(sessions);
    const versionOf = sessions.versionOf.bind(sessions);
    Object.assign(sessions, {
      get: async (id: string) => {
        reads++;
        return get(id);
      },
      versionOf: async (id: string) => {
        versionChecks++;
        return versionOf(id);
      },
    });
    const running = await service.run(session.id);
    expect(running?.status).toBe('running');
    expect(pauses()).toBeGreaterThan(0);
    // One read when the run starts; after each pause a version check, the session unchanged.
    expect(reads).toBe(1);
    expect(versionChecks).toBe(pauses());
  });

  it('reads the session again after a pause in which someone else changed it, and carries on from that copy', async () => {
    const { service, provider, readiness, repositories } = setup();
    provider.setCreatedState('starting');
    readiness.script({ ready: true, reason: 'ready', hostKeyFingerprint: 'SHA256:x' });
    const { session } = unwrap(await service.request(request()));
    const run = service.run(session.id);
    // Once the saga has recorded the instance it waits for, another writer (an extension, say)
    // moves the deadline while the saga pauses.
    let stored = await repositories.sessions.get(session.id);
    for (let i = 0; i < 1000 && !stored?.providerInstanceId; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      stored = await repositories.sessions.get(session.id);
    }
    if (!stored?.providerInstanceId) throw new Error('the saga never recorded its instance');
    const later = new Date(stored.provisioningDeadline.getTime() + 60_000);
    unwrap(await repositories.sessions.update(session.id, stored.version, { provisioningDeadline: later }, []));
    provider.setInstanceState('vastai-i-1', 'running');
    const running = await run;
    expect(running?.status).toBe('running');
    expect(running?.provisioningDeadline.getTime()).toBe(later.getTime());
    expect(running?.version).toBe(stored.version + 2);
  });

  it('fails at the provisioning deadline and destroys the instance (verified)', async () => {
    const { service, provider, readiness } = setup();
    readiness.script({ ready: false, reason: 'dpkg lock held', hostKeyFingerprint: null });
    const { session } = unwrap(await service.request(request()));
    const ended = await service.run(session.id);
    expect(ended).toMatchObject({ status: 'failed', errorType: 'provisioning_timeout', stopReason: 'provisioning_timeout' });
    expect(provider.liveInstances()).toEqual([]);
    expect(ended?.stoppedAt).not.toBeNull();
  });

  it('gives up a host that rejects the key three times in a row', async () => {
    const { service, provider, readiness, failures } = setup();
    readiness.script('auth');
    const { session } = unwrap(await service.request(request()));
    expect(await service.run(session.id)).toMatchObject({ status: 'failed', errorType: 'ssh_auth_failed' });
    expect(readiness.checks).toHaveLength(3);
    expect(provider.liveInstances()).toEqual([]);
    expect(failures.health()[0]?.lastFailureType).toBe('ssh_auth_failed');
  });

  it('fails an instance that vanishes while provisioning', async () => {
    const { service, provider } = setup();
    provider.setCreatedState('starting');
    const { session } = unwrap(await service.request(request()));
    const run = service.run(session.id);
    await until(() => provider.liveInstances().length === 1);
    provider.vanish('vastai-i-1');
    expect(await run).toMatchObject({ status: 'failed', errorType: 'instance_vanished' });
  });

  it('invariant 9: resumes after a crash between asking and recording, adopting the instance found by label', async () => {
    const { service, repositories, provider } = setup();
    const { session } = unwrap(await service.request(request()));
    // Simulate the crash: status moved to provisioning and the create reached the provider, but the id was never recorded.
    const current = await repositories.sessions.get(session.id);
    unwrap(
      await repositories.sessions.update(session.id, current?.version ?? 0, { status: 'provisioning', statusChangedAt: new Date() }, [
        { id: 'evt_crash', sessionId: session.id, type: 'request_create', fromStatus: 'pending', toStatus: 'provisioning', actor: 'provisioner', reason: 'x', occurredAt: new Date(), data: {} },
      ]),
    );
    provider.addInstance(session.label, 'running');
    const resumed = await service.run(session.id);
    expect(resumed?.status).toBe('running');
    expect(provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(0);
    expect(provider.liveInstances()).toHaveLength(1);
  });

  it('invariant 9: a shutdown while the saga waits for the instance leaves the session provisioning and the instance alive', async () => {
    const { service, provider } = setup();
    provider.setCreatedState('starting');
    const { session } = unwrap(await service.request(request()));
    const shutdown = new AbortController();
    const run = service.run(session.id, shutdown.signal);
    await until(() => provider.liveInstances().length === 1);
    shutdown.abort();
    expect(await run).toMatchObject({ status: 'provisioning', providerInstanceId: 'vastai-i-1', errorType: null });
    expect(provider.liveInstances()).toHaveLength(1);
    expect(provider.calls.filter((c) => c.operation === 'destroyInstance')).toEqual([]);
  });

  it('steps back when the session is stopped while provisioning; the instance is destroyed', async () => {
    const { service, provider, terminator } = setup();
    provider.setCreatedState('starting');
    const { session } = unwrap(await service.request(request()));
    const run = service.run(session.id);
    await until(() => provider.liveInstances().length === 1);
    const stopped = unwrap(await terminator.stop(session.id, { actor: 'api', reason: 'deleted by the consumer', stopReason: 'deleted' }));
    const final = await run;
    expect(stopped).toMatchObject({ status: 'terminated', stopReason: 'deleted' });
    expect(final?.status).toBe('terminated');
    expect(provider.liveInstances()).toEqual([]);
  });

  describe('auto-retry', () => {
    const retrying = request({ autoRetry: { maxAttempts: 3, scope: 'same_gpu' } });

    function withComparableOffers(provider: FakeProvider) {
      provider.setOffers([
        buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }),
        buildOffer({ id: 'vastai-3', pricePerHourMicros: 450_000 }),
        buildOffer({ id: 'vastai-4', pricePerHourMicros: 480_000 }),
        buildOffer({ id: 'vastai-5', pricePerHourMicros: 900_000 }),
        buildOffer({ id: 'vastai-6', gpuType: 'RTX 3090', pricePerHourMicros: 100_000 }),
      ]);
    }

    it('moves to the next comparable offer after a stale offer, keeping the session id and key', async () => {
      const { service, provider, repositories } = setup();
      withComparableOffers(provider);
      provider.failNext('createInstance', new ProviderOfferUnavailableError('no_such_ask', { provider: 'vastai', operation: 'createInstance', httpStatus: 400 }));
      const { session, privateKey } = unwrap(await service.request(retrying));
      const running = await service.run(session.id);
      expect(running).toMatchObject({ id: session.id, status: 'running', offerId: 'vastai-3', attempt: 2, triedOfferIds: ['vastai-1'], label: session.label });
      expect(await repositories.sessionSecrets.get(session.id)).toBe(fakeSecretCipher.encrypt(privateKey ?? ''));
      const failedAttempt = (await repositories.sessions.listEvents(session.id)).find((e) => e.type === 'attempt_failed');
      expect(failedAttempt?.data).toMatchObject({ attempt: 1, offerId: 'vastai-1', errorType: 'offer_unavailable', nextOfferId: 'vastai-3' });
      expect(provider.liveInstances()).toHaveLength(1);
    });

    it('destroys the failed attempt\'s instance (verified) before renting the next one', async () => {
      const { service, provider, readiness } = setup();
      withComparableOffers(provider);
      readiness.script('auth', 'auth', 'auth', { ready: true, reason: 'ready', hostKeyFingerprint: null });
      const { session } = unwrap(await service.request(retrying));
      const running = await service.run(session.id);
      expect(running).toMatchObject({ status: 'running', attempt: 2, providerInstanceId: 'vastai-i-2' });
      expect(provider.liveInstances().map((i) => i.providerInstanceId)).toEqual(['vastai-i-2']);
    });

    it('ends failed when every allowed attempt failed, leaving nothing behind', async () => {
      const { service, provider, readiness } = setup();
      withComparableOffers(provider);
      readiness.script('auth');
      const { session } = unwrap(await service.request(retrying));
      const ended = await service.run(session.id);
      expect(ended).toMatchObject({ status: 'failed', errorType: 'ssh_auth_failed', attempt: 3, triedOfferIds: ['vastai-1', 'vastai-3'] });
      expect(provider.liveInstances()).toEqual([]);
      expect(provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(3);
    });

    it('never retries on a different GPU or a much pricier offer under same_gpu', async () => {
      const { service, provider } = setup();
      provider.setOffers([buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }), buildOffer({ id: 'vastai-5', pricePerHourMicros: 900_000 }), buildOffer({ id: 'vastai-6', gpuType: 'RTX 3090', pricePerHourMicros: 100_000 })]);
      provider.failNext('createInstance', new ProviderOfferUnavailableError('gone', { provider: 'vastai', operation: 'createInstance' }));
      const { session } = unwrap(await service.request(retrying));
      expect(await service.run(session.id)).toMatchObject({ status: 'failed', errorType: 'offer_unavailable', attempt: 1 });
    });
  });
});
