import { ProviderUnknownOutcomeError } from '../ports/provider-errors.js';
import { FakeClock } from './fake-clock.js';
import { FakeProvider } from './fake-provider.js';
import { buildOffer } from './fixtures.js';

const request = (label: string) => ({
  offer: buildOffer(),
  label,
  sshPublicKey: 'ssh-ed25519 AAAA',
  workloadType: 'llm' as const,
  storagePolicy: 'destroy' as const,
  templateHashId: null,
  diskGb: null,
  onStartScript: null,
});

describe('FakeProvider', () => {
  it('creates, lists by label prefix and destroys instances', async () => {
    const provider = new FakeProvider('vastai', new FakeClock());
    const created = await provider.createInstance(request('gpushop-dep_a-ses_1'));
    provider.addInstance('someone-else');
    expect(created.ok).toBe(true);
    const listed = await provider.listInstances('gpushop-');
    expect(listed.ok && listed.val.map((i) => i.label)).toEqual(['gpushop-dep_a-ses_1']);
    if (created.ok) {
      expect((await provider.destroyInstance(created.val.providerInstanceId)).ok).toBe(true);
      const gone = await provider.getInstance(created.val.providerInstanceId);
      expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
    }
  });

  it('can fail a create that still created the instance (unknown outcome)', async () => {
    const provider = new FakeProvider('vastai', new FakeClock());
    provider.failNext('createInstance', new ProviderUnknownOutcomeError('timeout', { provider: 'vastai', operation: 'createInstance' }), { stillCreate: true });
    const created = await provider.createInstance(request('gpushop-dep_a-ses_2'));
    expect(!created.ok && created.err.code).toBe('PROVIDER_UNKNOWN_OUTCOME');
    expect(provider.liveInstances().map((i) => i.label)).toEqual(['gpushop-dep_a-ses_2']);
  });

  it('rents with a bid at the bid, preempts only interruptible instances, and refuses what the real adapters refuse', async () => {
    const provider = new FakeProvider('vastai', new FakeClock());
    const spotOffer = buildOffer({ id: 'vastai-spot-1', interruptible: true, minBidPerHourMicros: 100_000, pricePerHourMicros: 100_000 });
    const spot = await provider.createInstance({ ...request('gpushop-dep_a-ses_3'), offer: spotOffer, bidPricePerHourMicros: 120_000 });
    const onDemand = await provider.createInstance(request('gpushop-dep_a-ses_4'));
    if (!spot.ok || !onDemand.ok) throw new Error('create failed');
    expect(spot.val.pricePerHourMicros).toBe(120_000);
    expect(provider.createRequests.map((r) => r.bidPricePerHourMicros ?? null)).toEqual([120_000, null]);
    expect(provider.preempt(onDemand.val.providerInstanceId)).toBe(false);
    expect(provider.preempt(spot.val.providerInstanceId)).toBe(true);
    const read = await provider.getInstance(spot.val.providerInstanceId);
    expect(read.ok && [read.val.state, read.val.ssh]).toEqual(['preempted', null]);

    const noBid = await provider.createInstance({ ...request('gpushop-dep_a-ses_5'), offer: spotOffer });
    expect(!noBid.ok && noBid.err.code).toBe('PROVIDER_INVALID_REQUEST');
    const elsewhere = await new FakeProvider('tensordock', new FakeClock()).createInstance({ ...request('gpushop-dep_a-ses_6'), bidPricePerHourMicros: 120_000 });
    expect(!elsewhere.ok && elsewhere.err.message).toMatch(/no interruptible \(spot\) rentals/);
  });
});
