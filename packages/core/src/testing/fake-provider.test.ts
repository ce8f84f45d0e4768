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
});
