import { costSoFar } from '../cost/billing.js';
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

  it('outbid before it ever ran: the saga records the preemption and ends the session; billing ends at the sighting, not at the destroy', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    h.provider.setCreatedState('starting');
    const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', onPreempt: 'reprovision' })));
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
