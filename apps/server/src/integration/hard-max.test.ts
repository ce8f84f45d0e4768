import { INTEGRATION_TIMEOUT_MS, startIntegrationWorld, type IntegrationWorld } from './test-support/integration-world.js';

/**
 * Invariant 4 (DESIGN.md §2) against the real services, SQLite and the simulator: no session outlives
 * `created_at + HARD_MAX_HOURS` by more than one lifecycle interval plus destroy time.
 */
describe('hard max (integration: FakeClock, SQLite, simulator)', () => {
  let world: IntegrationWorld;

  beforeEach(async () => {
    world = await startIntegrationWorld({ env: { HARD_MAX_HOURS: '12', LIFECYCLE_CHECK_INTERVAL: '60s' } });
  });
  afterEach(async () => {
    await world.close();
  });

  it('invariant 4: a session reaching the hard max is destroyed, verified gone at the simulator and terminated with reason hard_max within one lifecycle tick', async () => {
    const offerId = await world.cheapestOfferId('vastai');
    // Reserved for the whole hard max, so nothing but the hard max can end it.
    const session = await world.provisionRunning({ offerId, reservationHours: 12 });
    const instanceId = session.providerInstanceId ?? '';
    expect(session.hardMaxAt.getTime() - session.createdAt.getTime()).toBe(12 * 3_600_000);

    // One second before the hard max: the tick leaves it alone.
    world.clock.set(new Date(session.hardMaxAt.getTime() - 1000));
    const before = await world.services.lifecycle.tick();
    expect(before.stopped).toEqual([]);
    expect((await world.session(session.id)).status).toBe('running');
    expect((await world.instance(instanceId)).state).toBe('running');

    // The next tick, one LIFECYCLE_CHECK_INTERVAL later, is past the hard max.
    world.clock.advanceMs(world.env.LIFECYCLE_CHECK_INTERVAL);
    const report = await world.services.lifecycle.tick();

    expect(report.stopped).toEqual([{ sessionId: session.id, reason: 'hard_max' }]);
    const ended = await world.session(session.id);
    expect(ended).toMatchObject({ status: 'terminated', stopReason: 'hard_max', errorType: null });
    expect(ended.stoppedAt?.getTime()).toBeLessThanOrEqual(session.hardMaxAt.getTime() + world.env.LIFECYCLE_CHECK_INTERVAL);
    // Ground truth: the instance is destroyed at the vendor, not merely stopped, and it is the only one.
    const truth = await world.instancesLabelled(session.label);
    expect(truth).toHaveLength(1);
    expect(truth[0]).toMatchObject({ id: instanceId, state: 'destroyed', destroyRequests: 1 });
    // The event log explains the destroy: who, why, and the verification before `terminated`.
    const events = await world.services.storage.repositories.sessions.listEvents(session.id);
    expect(events.map((e) => [e.type, e.actor, e.toStatus])).toEqual(
      expect.arrayContaining([
        ['request_destroy', 'lifecycle', 'stopping'],
        ['destroy_attempted', 'lifecycle', null],
        ['confirm_destroyed', 'lifecycle', 'terminated'],
      ]),
    );
  }, INTEGRATION_TIMEOUT_MS);
});
