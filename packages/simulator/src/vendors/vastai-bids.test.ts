import { type RunningSimulator } from '../simulator.js';
import { vendorRequest, waitFor } from '../testing/sim-client.js';
import { startTestSimulator, useTestSimulator } from '../testing/test-simulator.js';

/** Rents the cheapest free Vast bundle, with a bid when `price` is given; returns the instance id. */
async function rent(sim: RunningSimulator, price?: number): Promise<{ id: string; minBid: number; dphTotal: number }> {
  const search = await vendorRequest(sim, 'vastai', 'POST', '/bundles/', { body: { type: price === undefined ? 'on-demand' : 'bid', order: [['dph_total', 'asc']], limit: 1 } });
  const [bundle] = (search.body as { offers: { id: number; min_bid: number; dph_total: number }[] }).offers;
  if (!bundle) throw new Error('no Vast bundle');
  const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${bundle.id}/`, { body: { client_id: 'me', image: 'nvidia/cuda', runtype: 'ssh_proxy', ...(price === undefined ? {} : { price }) } });
  expect(created.status).toBe(200);
  return { id: String((created.body as { new_contract: number }).new_contract), minBid: bundle.min_bid, dphTotal: bundle.dph_total };
}

const instanceJson = async (sim: RunningSimulator, id: string) => (await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body as { instances: Record<string, unknown> | null };
const running = (sim: RunningSimulator, id: string) => waitFor(async () => (await instanceJson(sim, id)).instances?.actual_status === 'running');
const outbid = (sim: RunningSimulator, vendor: string, id: string) => fetch(`${sim.urls.control}/_sim/instances/${vendor}/${id}/outbid`, { method: 'POST' });

describe('Vast.ai fake: interruptible (bid) instances', () => {

  const simulator = useTestSimulator();
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
  });

  it('a bid instance bills at its bid; outbid on command it stops as Vast stops it, and its bid bills no more from there', async () => {
    // Given a running instance rented with a bid above the minimum
    const { id, minBid } = await rent(sim, 0.5);
    expect(minBid).toBeLessThan(0.5);
    await running(sim, id);

    // When another tenant outbids it through the control API
    const response = await outbid(sim, 'vastai', id);
    expect(response.status).toBe(200);
    const { instance } = (await response.json()) as { instance: { state: string; preemptedAt: string; bidPriceUsd: number; pricePerHourUsd: number } };
    expect(instance).toMatchObject({ state: 'preempted', bidPriceUsd: 0.5, pricePerHourUsd: 0.5 });

    // Then the vendor API shows a stopped container its owner still wants running, disk kept
    const read = (await instanceJson(sim, id)).instances;
    expect(read).toMatchObject({ actual_status: 'stopped', intended_status: 'running', cur_state: 'stopped', is_bid: true, ssh_port: null });

    // And the bid bills up to the outbid, not a moment after (its disk bills on: see below)
    const billedAt = async () => (await sim.control.instances()).find((i) => i.id === id);
    const first = await billedAt();
    await waitFor(async () => Date.now() - Date.parse(instance.preemptedAt) > 50);
    const later = await billedAt();
    expect(later?.billedSeconds).toBe(first?.billedSeconds);
    expect(later?.billedSeconds).toBeCloseTo((Date.parse(instance.preemptedAt) - Date.parse(later?.createdAt ?? '')) / 1000, 3);
  });

  it('a changed bid bills from the change on; an on-demand instance has no bid to change', async () => {
    const { id } = await rent(sim, 0.5);
    await running(sim, id);
    const changed = await vendorRequest(sim, 'vastai', 'PUT', `/instances/bid_price/${id}/`, { body: { client_id: 'me', price: 0.8 } });
    expect(changed).toMatchObject({ status: 200, body: { success: true } });
    expect((await instanceJson(sim, id)).instances?.dph_total).toBe(0.8);
    expect((await vendorRequest(sim, 'vastai', 'PUT', `/instances/bid_price/${id}/`, { body: { client_id: 'me', price: 0 } })).status).toBe(400);

    // Ended a second later, the bill is 0.5/h up to the change and 0.8/h after it (at 0.5/h
    // throughout it would be some 80 µUSD less).
    const changeAt = Date.parse((await sim.control.requests()).find((r) => r.operation === 'changeBid')?.at ?? '');
    await waitFor(async () => Date.now() - changeAt >= 1000, 5000);
    expect((await vendorRequest(sim, 'vastai', 'DELETE', `/instances/${id}/`)).status).toBe(200);
    const truth = (await sim.control.instances()).find((i) => i.id === id);
    const createdAt = Date.parse(truth?.createdAt ?? '');
    const endedAt = Date.parse(truth?.endedAt ?? '');
    expect(truth).toMatchObject({ bidPriceUsd: 0.8, pricePerHourUsd: 0.8 });
    const expected = Math.floor((500_000 * (changeAt - createdAt)) / 3_600_000) + Math.floor((800_000 * (endedAt - changeAt)) / 3_600_000);
    // The journal stamps the request on arrival, a moment before the change: a few ms at 0.3/h.
    expect(Math.abs((truth?.costMicroUsd ?? 0) - expected)).toBeLessThanOrEqual(10);

    const onDemand = await rent(sim);
    expect((await vendorRequest(sim, 'vastai', 'PUT', `/instances/bid_price/${onDemand.id}/`, { body: { client_id: 'me', price: 0.8 } })).status).toBe(400);
  });

  it('the owner stopping an instance sets intended_status stopped, unlike an outbid', async () => {
    const { id } = await rent(sim, 0.5);
    await running(sim, id);
    expect((await vendorRequest(sim, 'vastai', 'PUT', `/instances/${id}/`, { body: { state: 'stopped' } })).status).toBe(200);
    expect((await instanceJson(sim, id)).instances).toMatchObject({ intended_status: 'stopped' });
  });

  it('refuses to outbid an on-demand instance (409) or an unknown one (404), and an out-of-range bid is a 400', async () => {
    const { id } = await rent(sim);
    await running(sim, id);
    expect((await outbid(sim, 'vastai', id)).status).toBe(409);
    expect((await outbid(sim, 'vastai', '1')).status).toBe(404);
    expect((await outbid(sim, 'aws', id)).status).toBe(400);
    expect((await instanceJson(sim, id)).instances?.actual_status).toBe('running');
    const free = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    const tooHigh = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${free?.vendorOfferId ?? ''}/`, { body: { client_id: 'me', image: 'x', price: 40 } });
    expect(tooHigh.status).toBe(400);
  });
});

describe('Vast.ai fake: other tenants outbid at random', () => {
  it('with an outbid rate, running bid instances are outbid on their own while on-demand ones keep running', async () => {
    // A rate this high outbids a bid instance within a few ticks (100 ms each).
    const sim = await startTestSimulator({ vastOutbidRatePerHour: 36_000 });
    try {
      const onDemand = await rent(sim);
      const bid = await rent(sim, 1);
      await running(sim, onDemand.id);
      const preempted = await waitFor(async () => (await sim.control.instances()).find((i) => i.id === bid.id && i.state === 'preempted'), 10_000);
      expect(preempted.preemptedAt).not.toBeNull();
      expect((await instanceJson(sim, onDemand.id)).instances?.actual_status).toBe('running');
    } finally {
      await sim.stop();
    }
  });
});

describe('Vast.ai fake: an outbid instance keeps billing its disk until destroyed', () => {
  // Its own simulator: the clock moves an hour ahead, which the journal's real-time stamps the other tests compare with would not follow.
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('bills the stopped disk at the storage rate the listing states from the outbid until the destroy, and nothing after', async () => {
    const { id } = await rent(sim, 0.5);
    await running(sim, id);
    const response = await outbid(sim, 'vastai', id);
    expect(response.status).toBe(200);
    const { instance } = (await response.json()) as { instance: { preemptedAt: string } };
    const read = (await instanceJson(sim, id)).instances;
    // The bid bills up to the outbid, not a moment after, while the stopped disk bills on at the
    // listing's storage rate (10 GB at 0.15 USD per GB-month: 2083 µUSD an hour)
    expect(read).toMatchObject({ disk_space: 10, storage_cost: 0.15 });
    const storagePerHourMicros = Math.round(((0.15 * 10) / 720) * 1e6);
    const billedAt = async () => {
      const found = (await sim.control.instances()).find((i) => i.id === id);
      if (!found) throw new Error(`instance ${id} unknown to the simulator`);
      return found;
    };
    const first = await billedAt();
    await sim.control.advance(3_600_000);
    const later = await billedAt();
    expect(later.billedSeconds).toBe(first.billedSeconds);
    expect(later.billedSeconds).toBeCloseTo((Date.parse(instance.preemptedAt) - Date.parse(later.createdAt)) / 1000, 3);
    expect(later.storageBilledSeconds).toBeGreaterThanOrEqual(3600);
    expect(later.storageCostMicroUsd).toBe(Math.floor((storagePerHourMicros * Math.round(later.storageBilledSeconds * 1000)) / 3_600_000));
    expect(later.costMicroUsd - first.costMicroUsd).toBe(later.storageCostMicroUsd - first.storageCostMicroUsd);
    expect(later.storageCostMicroUsd - first.storageCostMicroUsd).toBeGreaterThanOrEqual(storagePerHourMicros - 1);

    // Destroyed, it bills nothing more
    expect((await vendorRequest(sim, 'vastai', 'DELETE', `/instances/${id}/`)).status).toBe(200);
    const destroyed = await billedAt();
    await sim.control.advance(3_600_000);
    expect(await billedAt()).toMatchObject({ state: 'destroyed', costMicroUsd: destroyed.costMicroUsd, storageBilledSeconds: destroyed.storageBilledSeconds });
  });
});
