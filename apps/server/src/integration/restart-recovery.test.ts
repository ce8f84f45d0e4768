import { DEFAULT_REQUEST, INTEGRATION_TIMEOUT_MS, eventually, startIntegrationWorld, type IntegrationWorld } from './test-support/integration-world.js';

/**
 * Invariant 9 (DESIGN.md §2) against the real saga, adapters, SQLite and the simulator: a restart in
 * the middle of provisioning is harmless — the session continues to `running`, nothing is destroyed
 * and nothing is rented twice.
 */
describe('restart recovery (integration: FakeClock, SQLite, simulator)', () => {
  let world: IntegrationWorld;

  beforeEach(async () => {
    // Slow enough boots that the restart surely lands while the instance is still coming up.
    world = await startIntegrationWorld({ simulator: { bootDelayMs: 1500 } });
  });
  afterEach(async () => {
    await world.close();
  });

  async function requestSession(): Promise<string> {
    const requested = await world.services.provisioning.request({ ...DEFAULT_REQUEST, offerId: await world.cheapestOfferId('vastai') });
    if (!requested.ok) throw requested.err;
    return requested.val.session.id;
  }

  it('invariant 9: restart mid-provisioning (shutdown while waiting for the instance): the session continues to running; no instance is destroyed and none is duplicated', async () => {
    const sessionId = await requestSession();
    // The saga as the server runs it: in the background, stopped by the shutdown signal.
    const shutdown = new AbortController();
    const saga = world.services.provisioning.run(sessionId, shutdown.signal);
    const recorded = await eventually(async () => {
      const current = await world.session(sessionId);
      return current.providerInstanceId ? current : undefined;
    }, 'the provider instance id to be recorded');
    const instanceId = recorded.providerInstanceId ?? '';
    // Shut down while the saga waits between two status polls (the first poll has been answered).
    await eventually(
      async () => ((await world.simulator.control.requests()).some((r) => r.operation === 'getInstance' && r.path.includes(instanceId)) ? true : undefined),
      'the first status poll',
    );
    shutdown.abort();
    const left = await saga;
    // Stopped mid-wait (on a loaded machine the instance may have booted meanwhile; the session has not moved on).
    expect(left).toMatchObject({ status: 'provisioning', providerInstanceId: instanceId });

    await world.restart();
    const recovery = await world.recover();
    expect(recovery).toMatchObject({ resumed: [sessionId], destroying: [] });
    await recovery.done;

    const running = await world.session(sessionId);
    expect(running).toMatchObject({ status: 'running', providerInstanceId: instanceId, errorType: null });
    const truth = await world.instancesLabelled(running.label);
    expect(truth).toHaveLength(1);
    expect(truth[0]).toMatchObject({ id: instanceId, state: 'running', destroyRequests: 0 });
    const events = await world.services.storage.repositories.sessions.listEvents(sessionId);
    expect(events.filter((e) => e.type === 'provider_create_sent')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'destroy_attempted')).toEqual([]);
  }, INTEGRATION_TIMEOUT_MS);

  it('invariant 9: restart mid-provisioning (crash after the create was sent, before its answer was recorded): the session continues to running with the one instance found by its label', async () => {
    const sessionId = await requestSession();
    const { label } = await world.session(sessionId);
    // The vendor creates the instance, and the answer never comes back to this process.
    await world.simulator.control.injectFault({ vendor: 'vastai', operation: 'createInstance', kind: 'create_then_fail', mode: 'hang', count: 1 });
    const crashed = world.services.provisioning.run(sessionId).catch(() => undefined);
    await eventually(async () => ((await world.instancesLabelled(label)).length === 1 ? true : undefined), 'the vendor to create the instance');
    const inFlight = await world.session(sessionId);
    expect(inFlight).toMatchObject({ status: 'provisioning', providerInstanceId: null });

    // The process dies with the create in flight; a new one starts on the same database.
    await world.restart();
    const recovery = await world.recover();
    expect(recovery.resumed).toEqual([sessionId]);
    await recovery.done;

    const running = await world.session(sessionId);
    expect(running.status).toBe('running');
    const truth = await world.instancesLabelled(label);
    expect(truth).toHaveLength(1);
    expect(truth[0]).toMatchObject({ id: running.providerInstanceId, state: 'running', destroyRequests: 0 });
    const createCalls = (await world.simulator.control.requests()).filter((r) => r.vendor === 'vastai' && r.operation === 'createInstance');
    expect(createCalls).toHaveLength(1);

    // The dead process's create is still hanging. Cut it (a simulator reset cuts hung sockets) and let
    // that saga run out: its storage is closed, so it cannot change the session any more.
    await world.simulator.control.reset();
    await crashed;
    expect(await world.session(sessionId)).toMatchObject({ status: 'running', version: running.version });
  }, INTEGRATION_TIMEOUT_MS);
});
