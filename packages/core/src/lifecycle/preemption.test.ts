import { costSoFar } from '../cost/billing.js';
import { buildCostReport, sessionInstanceRecords } from '../cost/cost-reports.js';
import { unwrap } from '../errors/result.js';
import { ProviderRateLimitedError, ProviderUnavailableError } from '../ports/provider-errors.js';
import { costForSeconds, elapsedSeconds } from '../money/money.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { buildOffer, buildProvisionRequest } from '../testing/fixtures.js';

/** Interruptible RTX 4090 offers: min bid + $0.01/h storage. */
const OFFERS = [
  buildOffer({ id: 'vastai-spot-1', providerOfferId: '1', pricePerHourMicros: 160_000, interruptible: true, minBidPerHourMicros: 150_000 }),
  buildOffer({ id: 'vastai-spot-2', providerOfferId: '2', pricePerHourMicros: 170_000, interruptible: true, minBidPerHourMicros: 160_000 }),
  buildOffer({ id: 'vastai-spot-3', providerOfferId: '3', pricePerHourMicros: 310_000, interruptible: true, minBidPerHourMicros: 300_000 }),
  // The same GPU on-demand: the cheapest is the reference spot savings are measured against.
  buildOffer({ id: 'vastai-od-1', providerOfferId: '11', pricePerHourMicros: 500_000 }),
  buildOffer({ id: 'vastai-od-2', providerOfferId: '12', pricePerHourMicros: 420_000 }),
  buildOffer({ id: 'vastai-od-3', providerOfferId: '13', gpuCount: 2, pricePerHourMicros: 700_000 }),
];

async function runningSpot(onPreempt: 'end' | 'reprovision', maxBidPerHourMicros = 200_000) {
  const h = createCoreHarness({ offers: OFFERS });
  const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', maxBidPerHourMicros, onPreempt })));
  const running = await h.provisioning.run(session.id);
  if (running?.status !== 'running' || !running.providerInstanceId) throw new Error('not running');
  return { h, session: running, instanceId: running.providerInstanceId };
}

/** Lets a saga started in the background run until `condition` holds. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never became true');
}

describe('spot sessions: preemption', () => {
  it('on_preempt end: one reconciliation pass records the preemption, destroys the instance and terminates; billing ends at the preemption', async () => {
    const { h, session, instanceId } = await runningSpot('end');
    h.clock.advanceSeconds(1800);
    expect(h.provider.preempt(instanceId)).toBe(true);
    const seenAt = h.clock.now();
    const report = await h.reconciler.pass();
    expect(report.preempted).toBe(1);
    const ended = await h.repositories.sessions.get(session.id);
    expect(ended).toMatchObject({ status: 'terminated', stopReason: 'preempted', preemptions: 1, stoppedAt: seenAt });
    expect(h.provider.liveInstances()).toEqual([]);
    const events = await h.repositories.sessions.listEvents(session.id);
    const lifetime = elapsedSeconds(session.billingStartedAt ?? new Date(0), seenAt);
    expect(lifetime).toBeGreaterThanOrEqual(1800);
    expect(events.find((e) => e.type === 'preempted')?.data).toMatchObject({ providerInstanceId: instanceId, bidPerHourMicros: 165_000, lifetimeSeconds: lifetime });
    // Its lifetime at bid 0.165 + storage 0.01, not a second more (the destroy came later).
    expect(await h.costs.sessionCost(session.id)).toBe(costForSeconds(175_000, lifetime));
  });

  it('on_preempt end: the session leaves running before the destroy is sent, and the instance is destroyed once', async () => {
    const { h, session, instanceId } = await runningSpot('end');
    h.provider.preempt(instanceId);
    // What a reader of the session sees while the vendor is asked to destroy the instance.
    const statusAtDestroy: (string | undefined)[] = [];
    const destroy = h.provider.destroyInstance.bind(h.provider);
    h.provider.destroyInstance = async (id) => {
      statusAtDestroy.push((await h.repositories.sessions.get(session.id))?.status);
      return destroy(id);
    };
    await h.reconciler.pass();
    expect(statusAtDestroy).toEqual(['stopping']);
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'terminated', stopReason: 'preempted' });
    expect(h.provider.liveInstances()).toEqual([]);
  });

  it('on_preempt reprovision: the old instance is destroyed and verified before another is rented; the session runs again with the same key, the ledger counts each instance at its own price', async () => {
    const { h, session, instanceId } = await runningSpot('reprovision');
    h.clock.advanceSeconds(1800);
    await h.lifecycle.tick();
    h.provider.preempt(instanceId);
    const seenAt = h.clock.now();
    await h.reconciler.pass();
    await until(async () => (await h.repositories.sessions.get(session.id))?.status === 'running');
    const moved = await h.repositories.sessions.get(session.id);
    expect(moved).toMatchObject({ status: 'running', offerId: 'vastai-spot-2', bidPerHourMicros: 176_000, pricePerHourMicros: 186_000, preemptions: 1, sshPublicKey: session.sshPublicKey });
    expect(moved?.providerInstanceId).not.toBe(instanceId);
    // Never two at once: the destroy of the old instance came before the second create.
    const calls = h.provider.calls.map((c) => `${c.operation}:${c.argument ?? ''}`);
    expect(calls.lastIndexOf(`destroyInstance:${instanceId}`)).toBeLessThan(calls.lastIndexOf(`createInstance:${session.label}`));
    expect(h.provider.liveInstances().map((i) => i.providerInstanceId)).toEqual([moved?.providerInstanceId]);
    const types = (await h.repositories.sessions.listEvents(session.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['preempted', 'reprovision_after_preemption', 'host_changed']));
    // Each instance at its own price: the first until its preemption, the second from its create on.
    const first = elapsedSeconds(session.billingStartedAt ?? new Date(0), seenAt);
    const secondStart = new Date((moved?.billingStartedAt?.getTime() ?? 0) + first * 1000);
    expect(secondStart.getTime()).toBeGreaterThanOrEqual(seenAt.getTime());
    h.clock.advanceSeconds(3600);
    await h.lifecycle.tick();
    const ledger = await h.costs.sessionCost(session.id);
    expect(ledger).toBe(costForSeconds(175_000, first) + costForSeconds(186_000, elapsedSeconds(secondStart, h.clock.now())));
    // What the API shows as cost so far is the ledger's figure, each instance at its own price.
    const current = await h.repositories.sessions.get(session.id);
    expect(current && costSoFar(current, h.clock.now())).toBe(ledger);
  });

  it('the ledger records each instance of a reprovisioned session: its bid, on-demand reference, lifetime and saving; reports total the saving', async () => {
    const { h, session, instanceId } = await runningSpot('reprovision');
    expect(session).toMatchObject({ bidPerHourMicros: 165_000, onDemandPricePerHourMicros: 420_000 });
    h.clock.advanceSeconds(1800);
    h.provider.preempt(instanceId);
    const seenAt = h.clock.now();
    await h.reconciler.pass();
    await until(async () => (await h.repositories.sessions.get(session.id))?.status === 'running');
    const moved = await h.repositories.sessions.get(session.id);
    h.clock.advanceSeconds(3600);
    await h.lifecycle.tick();
    const now = h.clock.now();
    const first = elapsedSeconds(session.billingStartedAt ?? new Date(0), seenAt);
    const records = await sessionInstanceRecords(h.repositories.costs, { sessions: h.repositories.sessions, now }, session.id);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      providerInstanceId: instanceId,
      bidPerHourMicros: 165_000,
      onDemandPricePerHourMicros: 420_000,
      startedAt: session.billingStartedAt,
      endedAt: seenAt,
      lifetimeSeconds: first,
      costMicros: costForSeconds(175_000, first),
      onDemandCostMicros: costForSeconds(420_000, first),
    });
    expect(records[1]).toMatchObject({ providerInstanceId: moved?.providerInstanceId, bidPerHourMicros: 176_000, onDemandPricePerHourMicros: 420_000, endedAt: now });
    const second = records[1]?.lifetimeSeconds ?? 0;
    expect(second).toBeGreaterThanOrEqual(3600);
    const report = unwrap(await buildCostReport(h.repositories.costs, { sessionId: session.id }, { sessions: h.repositories.sessions, now }));
    const spent = costForSeconds(175_000, first) + costForSeconds(186_000, second);
    const onDemand = costForSeconds(420_000, first) + costForSeconds(420_000, second);
    expect(report).toMatchObject({ totalMicros: spent, spotMicros: spent, spotOnDemandMicros: onDemand, spotSavingMicros: onDemand - spent });
    expect(report.spotInstances.map((r) => r.providerInstanceId)).toEqual([instanceId, moved?.providerInstanceId]);
  });

  it('a preemption whose handling was cut short after the destroy is carried on by the next pass, not taken for a vanished instance', async () => {
    const { h, session, instanceId } = await runningSpot('reprovision');
    h.provider.preempt(instanceId);
    // The destroy is sent but cannot be verified in this pass: nothing else may be rented yet.
    for (let i = 0; i < 3; i++) h.provider.failNext('getInstance', new ProviderUnavailableError('503', { provider: 'vastai', operation: 'getInstance' }));
    await h.reconciler.pass();
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'running', preemptions: 1, providerInstanceId: instanceId });
    expect(h.provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
    expect(h.provider.liveInstances()).toEqual([]);
    // The outbid instance is gone from the listing now; the next pass resumes the preemption.
    await h.reconciler.pass();
    await until(async () => (await h.repositories.sessions.get(session.id))?.status === 'running' && (await h.repositories.sessions.get(session.id))?.providerInstanceId !== instanceId);
    const moved = await h.repositories.sessions.get(session.id);
    expect(moved).toMatchObject({ status: 'running', errorType: null, preemptions: 1 });
    expect((await h.repositories.sessions.listEvents(session.id)).map((e) => e.type)).not.toContain('confirm_vanished');
  });

  it('outbid before it ever ran, on_preempt end: the saga records the preemption and ends the session; billing ends at the sighting, not at the destroy', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    h.provider.setCreatedState('starting');
    const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', onPreempt: 'end' })));
    const saga = h.provisioning.run(session.id);
    await until(async () => (await h.repositories.sessions.get(session.id))?.providerInstanceId != null);
    const recorded = await h.repositories.sessions.get(session.id);
    h.provider.preempt(recorded?.providerInstanceId ?? '');
    // The first destroy is refused: the one that ends it comes a minute later, and bills nothing more.
    h.provider.failNext('destroyInstance', new ProviderRateLimitedError('429', { provider: 'vastai', operation: 'destroyInstance' }, null));
    expect(await saga).toMatchObject({ status: 'stopping' });
    h.clock.advanceSeconds(60);
    await h.lifecycle.tick();
    const ended = await h.repositories.sessions.get(session.id);
    expect(ended).toMatchObject({ status: 'terminated', stopReason: 'preempted', preemptions: 1 });
    expect(h.provider.liveInstances()).toEqual([]);
    const preempted = (await h.repositories.sessions.listEvents(session.id)).find((e) => e.type === 'preempted');
    expect(ended?.stoppedAt?.toISOString()).toBe(preempted?.data['preemptedAt']);
  });

  it('outbid before it ever ran, on_preempt reprovision: the old instance is destroyed and verified, then the saga rents a comparable spot offer and the session runs there with the same key', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    h.provider.setCreatedState('starting');
    const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', maxBidPerHourMicros: 200_000, onPreempt: 'reprovision' })));
    const saga = h.provisioning.run(session.id);
    await until(async () => (await h.repositories.sessions.get(session.id))?.providerInstanceId != null);
    const first = (await h.repositories.sessions.get(session.id))?.providerInstanceId ?? '';
    h.clock.advanceSeconds(120);
    h.provider.preempt(first);
    const seenAt = h.clock.now();
    // The second instance comes up: once the saga created it, let it run.
    await until(async () => {
      const current = await h.repositories.sessions.get(session.id);
      if (current?.providerInstanceId && current.providerInstanceId !== first) {
        h.provider.setInstanceState(current.providerInstanceId, 'running');
        return true;
      }
      return current?.status !== 'provisioning';
    });
    const ran = await saga;
    expect(ran).toMatchObject({ status: 'running', offerId: 'vastai-spot-2', preemptions: 1, bidPerHourMicros: 176_000, sshPublicKey: session.sshPublicKey, stoppedAt: null });
    expect(ran?.providerInstanceId).not.toBe(first);
    // Never two at once: the outbid instance was destroyed (and verified) before the second create was sent.
    const calls = h.provider.calls.map((c) => `${c.operation}:${c.argument ?? ''}`);
    expect(calls.lastIndexOf(`destroyInstance:${first}`)).toBeLessThan(calls.lastIndexOf(`createInstance:${session.label}`));
    expect(h.provider.liveInstances().map((i) => i.providerInstanceId)).toEqual([ran?.providerInstanceId]);
    const types = (await h.repositories.sessions.listEvents(session.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['preempted', 'reprovision_after_preemption', 'host_changed']));
    // The outbid instance billed up to its sighting, at its own bid; the ledger keeps it as its own instance.
    const records = await sessionInstanceRecords(h.repositories.costs, { sessions: h.repositories.sessions, now: h.clock.now() }, session.id);
    expect(records[0]).toMatchObject({ providerInstanceId: first, bidPerHourMicros: 165_000, endedAt: seenAt });
    expect(records[0]?.costMicros).toBe(costForSeconds(175_000, records[0]?.lifetimeSeconds ?? -1));
  });

  it('outbid before it ran, its preemption recorded by a saga a restart cut short: the resumed saga carries on without a second preemption or a later billing end', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    h.provider.setCreatedState('starting');
    const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', maxBidPerHourMicros: 200_000, onPreempt: 'reprovision' })));
    const shutdown = new AbortController();
    const first = h.provisioning.run(session.id, shutdown.signal);
    await until(async () => (await h.repositories.sessions.get(session.id))?.providerInstanceId != null);
    shutdown.abort();
    await first;
    const cut = await h.repositories.sessions.get(session.id);
    if (!cut?.providerInstanceId) throw new Error('no instance recorded');
    h.provider.preempt(cut.providerInstanceId);
    // What the cut-short round wrote before the restart: the preemption, with its sighting as billing end.
    const seenAt = h.clock.now();
    unwrap(await h.repositories.sessions.update(cut.id, cut.version, { stoppedAt: seenAt, preemptions: 1 }, []));
    h.clock.advanceSeconds(300);
    const resumed = h.provisioning.run(session.id);
    await until(async () => {
      const current = await h.repositories.sessions.get(session.id);
      if (current?.providerInstanceId && current.providerInstanceId !== cut.providerInstanceId) h.provider.setInstanceState(current.providerInstanceId, 'running');
      return current?.status !== 'provisioning' || (current.providerInstanceId !== null && current.providerInstanceId !== cut.providerInstanceId);
    });
    expect(await resumed).toMatchObject({ status: 'running', offerId: 'vastai-spot-2', preemptions: 1 });
    const records = await sessionInstanceRecords(h.repositories.costs, { sessions: h.repositories.sessions, now: h.clock.now() }, session.id);
    expect(records[0]).toMatchObject({ providerInstanceId: cut.providerInstanceId, endedAt: seenAt });
  });

  it('on_preempt reprovision with no offer within the maximum bid ends the session instead', async () => {
    const { h, session, instanceId } = await runningSpot('reprovision', 155_000);
    h.provider.preempt(instanceId);
    await h.reconciler.pass();
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'terminated', stopReason: 'preempted' });
    expect(h.provider.liveInstances()).toEqual([]);
    expect(h.provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
  });

  it('several outbid in one listing: each is seen when the listing was taken, however long handling the others takes', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    const sessions = [];
    for (const offerId of ['vastai-spot-1', 'vastai-spot-2']) {
      const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId, pricing: 'spot', onPreempt: 'end' })));
      const running = await h.provisioning.run(session.id);
      if (running?.status !== 'running' || !running.providerInstanceId) throw new Error('not running');
      sessions.push(running);
    }
    h.clock.advanceSeconds(600);
    for (const s of sessions) expect(h.provider.preempt(s.providerInstanceId ?? '')).toBe(true);
    const seenAt = h.clock.now();
    // Verifying the first destroy takes several reads, seconds apart.
    for (let i = 0; i < 3; i++) h.provider.failNext('getInstance', new ProviderUnavailableError('503', { provider: 'vastai', operation: 'getInstance' }));
    await h.reconciler.pass();
    expect(h.clock.now().getTime()).toBeGreaterThan(seenAt.getTime());
    for (const s of sessions) {
      const after = await h.repositories.sessions.get(s.id);
      expect(after).toMatchObject({ preemptions: 1, stoppedAt: seenAt });
      // Billed at its bid up to the listing, not a second more.
      expect(await h.costs.sessionCost(s.id)).toBe(costForSeconds(s.pricePerHourMicros, elapsedSeconds(s.billingStartedAt ?? new Date(0), seenAt)));
    }
  });
});
