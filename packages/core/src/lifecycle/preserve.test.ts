import { unwrap } from '../errors/result.js';
import { ProviderUnavailableError } from '../ports/provider-errors.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { buildOffer } from '../testing/fixtures.js';

const GPU_PRICE = 420_000; // µUSD per hour
const STORAGE_PRICE = 7_200; // µUSD per hour: 50 GB at $0.10 per GB-month ≈ $0.0069/h

function harness(options: { storagePrice?: number | null } = {}) {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const provider = new FakeProvider('vastai', clock, [buildOffer({ id: 'vastai-1', pricePerHourMicros: GPU_PRICE })], {
    stopWithoutDestroy: true,
    templates: true,
    idleDetection: false,
    asyncCreate: true,
  });
  provider.enableStop(options.storagePrice === undefined ? STORAGE_PRICE : options.storagePrice);
  return createCoreHarness({ clock, provider });
}

async function preservedSession(h: ReturnType<typeof harness>) {
  const { session } = unwrap(
    await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'preserve' }),
  );
  const running = await h.provisioning.run(session.id);
  if (running?.status !== 'running') throw new Error(`expected running, got ${running?.status}`);
  return running;
}

describe('storage policy preserve', () => {
  it('done stops the instance without destroying it: the session is stopped (not terminal), GPU time billed at the GPU price, then storage at the storage rate', async () => {
    const h = harness();
    const session = await preservedSession(h);
    const startedAt = session.billingStartedAt?.getTime() ?? 0;
    h.clock.set(new Date(startedAt + 3_600_000));

    const stopped = unwrap(await h.commands.done(session.id));
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'done', pricePerHourMicros: STORAGE_PRICE, stoppedAt: null });
    expect(h.provider.liveInstances()).toEqual([expect.objectContaining({ state: 'stopped' })]);
    expect(h.provider.calls.filter((c) => c.operation === 'destroyInstance')).toEqual([]);
    // One hour of GPU (within the stop's few verification reads) at the GPU price.
    const gpuCost = await h.costs.sessionCost(session.id);
    expect(gpuCost).toBeGreaterThanOrEqual(GPU_PRICE);
    expect(gpuCost).toBeLessThan(GPU_PRICE + 2_000);

    // A lifecycle tick an hour later: not destroyed, and an hour of storage is billed, shown in costs.
    h.clock.advanceMs(3_600_000);
    const report = await h.lifecycle.tick();
    expect(report.stopped).toEqual([]);
    expect(await h.costs.sessionCost(session.id)).toBeCloseTo(gpuCost + STORAGE_PRICE, -2);
    // The reconciler owns its instance: a stopped session's instance is never an orphan, nor a ghost.
    h.clock.advanceMs(60 * 60_000);
    await h.reconciler.pass();
    expect(h.provider.liveInstances()).toHaveLength(1);
    expect((await h.repositories.sessions.get(session.id))?.status).toBe('stopped');

    // done again changes nothing; delete destroys it, verified gone, and billing stops there.
    expect(unwrap(await h.commands.done(session.id)).status).toBe('stopped');
    const deleted = unwrap(await h.commands.delete(session.id));
    expect(deleted).toMatchObject({ status: 'terminated', stopReason: 'deleted' });
    expect(h.provider.liveInstances()).toEqual([]);
  });

  it('invariant 4: a stopped session is destroyed at the hard maximum like any other', async () => {
    const h = harness();
    const session = await preservedSession(h);
    unwrap(await h.commands.done(session.id));
    h.clock.set(new Date(session.hardMaxAt.getTime() + 1000));
    const report = await h.lifecycle.tick();
    expect(report.stopped).toEqual([{ sessionId: session.id, reason: 'hard_max' }]);
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'terminated', stopReason: 'hard_max' });
    expect(h.provider.liveInstances()).toEqual([]);
  });

  it('a stop that fails, or a storage rate the provider does not state, destroys instead: never an unverified "stopped"', async () => {
    const failing = harness();
    const a = await preservedSession(failing);
    failing.provider.failNext('stopInstance', new ProviderUnavailableError('boom', { provider: 'vastai', operation: 'stopInstance' }));
    expect(unwrap(await failing.commands.done(a.id)).status).toBe('terminated');
    expect(failing.provider.liveInstances()).toEqual([]);

    const unpriced = harness({ storagePrice: null });
    const b = await preservedSession(unpriced);
    expect(unwrap(await unpriced.commands.done(b.id)).status).toBe('terminated');
    expect(unpriced.provider.liveInstances()).toEqual([]);
  });

  it('a destroy-policy session is destroyed on done, even where the provider can stop', async () => {
    const h = harness();
    const { session } = unwrap(
      await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }),
    );
    await h.provisioning.run(session.id);
    expect(unwrap(await h.commands.done(session.id)).status).toBe('terminated');
    expect(h.provider.calls.filter((c) => c.operation === 'stopInstance')).toEqual([]);
  });
});
