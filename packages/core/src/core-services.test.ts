import { createCoreHarness } from './testing/core-harness.js';

describe('createCoreServices: one wiring for the server, the harness and the performance suite', () => {
  it('the inventory leaves out an offer the failure tracker suppressed (three failures from different consumers)', async () => {
    const h = createCoreHarness();
    expect((await h.inventory.query({ provider: 'vastai' })).offers.map((o) => o.id)).toContain('vastai-1');
    for (const consumerId of ['a', 'b', 'c']) {
      await h.failures.record({
        id: h.ids.next('offerFailure'),
        offerId: 'vastai-1',
        provider: 'vastai',
        gpuType: 'RTX 4090',
        hostId: null,
        failureType: 'ssh_auth_failed',
        reason: 'the node rejected the key',
        sessionId: null,
        consumerId,
        occurredAt: h.clock.now(),
      });
    }
    const offers = (await h.inventory.query({ provider: 'vastai' })).offers.map((o) => o.id);
    expect(offers).not.toContain('vastai-1');
    expect(offers).toContain('vastai-2');
  });

  it('a session that ends is accrued to the ledger by the terminator (final cost up to the verified stop)', async () => {
    const h = createCoreHarness();
    const requested = await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' });
    if (!requested.ok) throw requested.err;
    await h.provisioning.run(requested.val.session.id);
    h.clock.advanceSeconds(3600);
    await h.commands.done(requested.val.session.id);
    expect(await h.costs.sessionCost(requested.val.session.id)).toBeGreaterThanOrEqual(420_000);
  });
});
