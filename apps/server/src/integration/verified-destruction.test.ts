import { INTEGRATION_TIMEOUT_MS, startIntegrationWorld, type IntegrationWorld } from './test-support/integration-world.js';

/**
 * Invariant 3 (DESIGN.md §2) against the real services, SQLite and the simulator: terminal means
 * verified gone, and destroys are retried durably — across a restart — until the provider confirms.
 */
describe('verified destruction (integration: FakeClock, SQLite, simulator)', () => {
  let world: IntegrationWorld;

  beforeEach(async () => {
    world = await startIntegrationWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('invariant 3: destroy fails five times then succeeds; the session stays stopping until the simulator shows the instance gone, across a restart in between', async () => {
    const session = await world.provisionRunning({ offerId: await world.cheapestOfferId('vastai') });
    const instanceId = session.providerInstanceId ?? '';
    // A 4xx is not retried inside the HTTP kit, so each of the five failures is one whole destroy
    // attempt by the services (a 5xx would be retried three times within one attempt).
    await world.simulator.control.injectFault({ vendor: 'vastai', operation: 'destroyInstance', instanceId, kind: 'destroy_fail', status: 409, count: 5 });

    /** After every attempt: while the vendor still has the instance, the session is `stopping`. */
    const expectStoppingWhileInstanceExists = async (destroyRequests: number) => {
      const truth = await world.instance(instanceId);
      expect(truth).toMatchObject({ state: 'running', destroyRequests });
      const current = await world.session(session.id);
      expect(current).toMatchObject({ status: 'stopping', stopReason: 'done', stoppedAt: null, destroyAttempts: destroyRequests });
      expect(current.lastDestroyError).toEqual(expect.any(String));
      return current;
    };

    // Attempt 1: the consumer is done.
    const done = await world.services.commands.done(session.id);
    expect(done.ok).toBe(true);
    let current = await expectStoppingWhileInstanceExists(1);

    // The retry waits for its backoff: a tick just before the recorded next-attempt time sends nothing.
    expect(current.nextDestroyAt!.getTime()).toBeGreaterThan(world.clock.now().getTime());
    world.clock.set(new Date(current.nextDestroyAt!.getTime() - 1));
    expect((await world.services.lifecycle.tick()).destroyRetries).toBe(0);
    current = await expectStoppingWhileInstanceExists(1);

    // Attempt 2: the lifecycle tick retries once the backoff has passed.
    world.clock.set(current.nextDestroyAt ?? world.clock.now());
    expect((await world.services.lifecycle.tick()).destroyRetries).toBe(1);
    current = await expectStoppingWhileInstanceExists(2);
    const nextAttemptBeforeRestart = current.nextDestroyAt;

    // Restart: the attempt count and next-attempt time come back from the database.
    await world.restart();
    current = await world.session(session.id);
    expect(current).toMatchObject({ status: 'stopping', destroyAttempts: 2, nextDestroyAt: nextAttemptBeforeRestart });

    // Attempt 3: startup recovery continues destruction.
    const recovery = await world.recover();
    expect(recovery.destroying).toEqual([session.id]);
    await recovery.done;
    current = await expectStoppingWhileInstanceExists(3);

    // Attempts 4 and 5 fail; attempt 6 succeeds and is verified.
    for (let attempt = 4; attempt <= 6; attempt++) {
      world.clock.set(current.nextDestroyAt ?? world.clock.now());
      await world.services.lifecycle.tick();
      current = await world.session(session.id);
      if (attempt < 6) current = await expectStoppingWhileInstanceExists(attempt);
    }

    const truth = await world.instance(instanceId);
    expect(truth).toMatchObject({ state: 'destroyed', destroyRequests: 6 });
    expect(current).toMatchObject({ status: 'terminated', stopReason: 'done', destroyAttempts: 5, nextDestroyAt: null });
    expect(current.stoppedAt).toEqual(world.clock.now());
    expect(await world.instancesLabelled(session.label)).toHaveLength(1);

    // The event log explains every destroy call: five failures, then the one that worked.
    const events = await world.services.storage.repositories.sessions.listEvents(session.id);
    expect(events.filter((e) => e.type === 'destroy_attempted').map((e) => e.actor)).toEqual(['api', 'lifecycle', 'recovery', 'lifecycle', 'lifecycle', 'lifecycle']);
    expect(events.filter((e) => e.type === 'destroy_failed')).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({ type: 'confirm_destroyed', fromStatus: 'stopping', toStatus: 'terminated' });
  }, INTEGRATION_TIMEOUT_MS);
});
