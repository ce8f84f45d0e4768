import { UlidIdGenerator, sessionLabel, type Session } from '@gpu-shopper/core';

import { INTEGRATION_TIMEOUT_MS, startIntegrationWorld, type IntegrationWorld } from './test-support/integration-world.js';

/**
 * Invariants 5 and 6 (DESIGN.md §2) against the real reconciler, adapters, SQLite and the simulator.
 */
describe('reconciliation (integration: FakeClock, SQLite, simulator)', () => {
  let world: IntegrationWorld;

  beforeEach(async () => {
    world = await startIntegrationWorld({ env: { ORPHAN_GRACE_PERIOD: '15m' } });
  });
  afterEach(async () => {
    await world.close();
  });

  /** Rents a Vast bundle directly through the vendor API, as a crashed process or another tool would. */
  async function rentAtVast(label: string | null): Promise<string> {
    const catalog = await world.simulator.control.catalog();
    const rented = new Set((await world.simulator.control.instances()).map((i) => i.vendorOfferId));
    const bundle = catalog.find((offer) => offer.vendor === 'vastai' && offer.available && !rented.has(offer.vendorOfferId));
    if (!bundle) throw new Error('no free Vast bundle');
    const response = await fetch(`${world.simulator.urls.vastai}/asks/${bundle.vendorOfferId}/`, {
      method: 'PUT',
      headers: { Authorization: 'Bearer someone-elses-key', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'me', image: 'vastai/base-image:cuda-12.4', runtype: 'ssh', ...(label === null ? {} : { label }) }),
    });
    const body = (await response.json()) as { success: boolean; new_contract?: number };
    if (!body.success || body.new_contract === undefined) throw new Error(`Vast create failed: ${JSON.stringify(body)}`);
    return String(body.new_contract);
  }

  it('invariant 5: a TensorDock listing that answers 5xx with an empty list pauses that provider: no session changes state and nothing is destroyed', async () => {
    const onTensorDock = await world.provisionRunning({ offerId: await world.cheapestOfferId('tensordock') });
    const onVast = await world.provisionRunning({ offerId: await world.cheapestOfferId('vastai') });
    const sessions = [onTensorDock, onVast];
    // A healthy pass first: both sessions are matched, nothing is an orphan.
    const healthy = await world.services.reconciler.pass();
    expect(healthy.providers.filter((p) => p.status === 'paused')).toEqual([]);
    expect(healthy.orphansFound).toBe(0);
    const before = await Promise.all(sessions.map((s) => world.session(s.id)));

    await world.simulator.control.injectFault({ vendor: 'tensordock', operation: 'listInstances', kind: 'empty_list_5xx', status: 503 });
    const requestsBefore = (await world.simulator.control.requests()).length;
    // One pass (a failed listing is retried inside the HTTP kit for a few real seconds first).
    const report = await world.services.reconciler.pass();

    expect(report.providers.find((p) => p.provider === 'tensordock')).toMatchObject({ status: 'paused', instances: 0 });
    expect(report.providers.find((p) => p.provider === 'tensordock')?.reason).toMatch(/503/);
    expect(report.providers.find((p) => p.provider === 'vastai')).toMatchObject({ status: 'ok', instances: 1 });
    expect(report).toMatchObject({ orphansFound: 0, orphansDestroyed: 0, ghostsConfirmed: 0 });
    // No session changed at all (same status, same version).
    const after = await Promise.all(sessions.map((s) => world.session(s.id)));
    expect(after.map((s) => [s.id, s.status, s.version])).toEqual(before.map((s) => [s.id, s.status, s.version]));
    // Ground truth: every instance still runs and no destroy reached any vendor.
    const truth = await world.simulator.control.instances();
    expect(truth.map((i) => [i.label, i.state, i.destroyRequests])).toEqual(
      expect.arrayContaining([
        [onTensorDock.label, 'running', 0],
        [onVast.label, 'running', 0],
      ]),
    );
    expect(truth).toHaveLength(2);
    // A paused provider is not examined at all: after its failed listing, no direct reads and no destroys.
    const tensorDockCalls = (await world.simulator.control.requests())
      .slice(requestsBefore)
      .filter((r) => r.vendor === 'tensordock')
      .map((r) => r.operation);
    expect(new Set(tensorDockCalls)).toEqual(new Set(['listInstances']));
    // The pause is loud.
    expect(world.logger.records.filter((r) => r.level === 'error' && r.message.includes('reconciliation paused'))).not.toHaveLength(0);
  }, INTEGRATION_TIMEOUT_MS);

  it('invariant 6: an instance with our label whose session row was never committed is destroyed as an orphan after the grace period; other deployments’ and unlabelled instances survive', async () => {
    const live: Session = await world.provisionRunning({ offerId: await world.cheapestOfferId('vastai') });
    // A crash between the vendor's create and the commit of the session row: our label, no row.
    const ids = new UlidIdGenerator();
    const orphanLabel = sessionLabel(world.services.deploymentId, ids.next('session'));
    const foreignLabel = sessionLabel(ids.next('deployment'), ids.next('session'));
    const orphan = await rentAtVast(orphanLabel);
    const foreign = await rentAtVast(foreignLabel);
    const unlabelled = await rentAtVast(null);

    const first = await world.services.reconciler.pass();
    expect(first).toMatchObject({ orphansFound: 1, orphansDestroyed: 0 });
    expect(first.foreign.map((f) => [f.providerInstanceId, f.deploymentId]).sort()).toEqual(
      [
        [foreign, foreignLabel.split('-')[1]],
        [unlabelled, null],
      ].sort(),
    );

    // Still inside the grace period one second before it ends.
    world.clock.advanceMs(world.env.ORPHAN_GRACE_PERIOD - 1000);
    expect(await world.services.reconciler.pass()).toMatchObject({ orphansFound: 1, orphansDestroyed: 0 });
    expect(await world.instance(orphan)).toMatchObject({ destroyRequests: 0 });
    expect((await world.instance(orphan)).state).not.toBe('destroyed');

    world.clock.advanceMs(1000);
    const due = await world.services.reconciler.pass();
    expect(due).toMatchObject({ orphansFound: 1, orphansDestroyed: 1 });

    // Ground truth: only the orphan was destroyed.
    expect(await world.instance(orphan)).toMatchObject({ state: 'destroyed', destroyRequests: 1 });
    for (const survivor of [foreign, unlabelled, live.providerInstanceId ?? '']) {
      const truth = await world.instance(survivor);
      expect(truth.destroyRequests).toBe(0);
      expect(truth.state).not.toBe('destroyed');
    }
    expect(await world.session(live.id)).toMatchObject({ status: 'running', version: live.version });

    // Later passes keep reporting the foreign instances and never touch them.
    world.clock.advanceHours(2);
    const later = await world.services.reconciler.pass();
    expect(later).toMatchObject({ orphansFound: 0, orphansDestroyed: 0 });
    expect(later.foreign.map((f) => f.providerInstanceId).sort()).toEqual([foreign, unlabelled].sort());
    expect((await world.instance(foreign)).destroyRequests).toBe(0);
    expect((await world.instance(unlabelled)).destroyRequests).toBe(0);
  }, INTEGRATION_TIMEOUT_MS);
});
