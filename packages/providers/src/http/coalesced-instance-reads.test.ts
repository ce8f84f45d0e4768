import { FakeClock, FakeProvider } from '@gpu-shopper/core/testing';

import { coalesceInstanceReads } from './coalesced-instance-reads.js';

function provider() {
  const fake = new FakeProvider('tensordock', new FakeClock('2026-02-02T14:00:00.000Z'));
  const calls: string[] = [];
  const counted = new Proxy(fake, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { fake, calls, adapter: coalesceInstanceReads(counted) };
}

describe('coalesced instance reads: one listing per round serves every waiting session', () => {
  it('reads issued together are answered by one listing, each with its own instance', async () => {
    const { fake, calls, adapter } = provider();
    const a = fake.addInstance('shopper-a', 'starting');
    const b = fake.addInstance('shopper-b', 'starting');
    const c = fake.addInstance('shopper-c', 'starting');
    const results = await Promise.all([a, b, c].map((i) => adapter.getInstance(i.providerInstanceId)));
    expect(results.map((r) => (r.ok ? [r.val.providerInstanceId, r.val.state] : r.err.code))).toEqual([a, b, c].map((i) => [i.providerInstanceId, 'starting']));
    expect(calls).toEqual(['listInstances']);
  });

  it('a lone read is a direct read; an instance missing from the listing is read directly (not found stays not found)', async () => {
    const { fake, calls, adapter } = provider();
    const a = fake.addInstance('shopper-a', 'starting');
    expect((await adapter.getInstance(a.providerInstanceId)).ok).toBe(true);
    expect(calls).toEqual(['getInstance']);
    calls.length = 0;
    const [found, gone] = await Promise.all([adapter.getInstance(a.providerInstanceId), adapter.getInstance('404404')]);
    expect(found.ok).toBe(true);
    expect(gone.ok ? 'ok' : gone.err.code).toBe('PROVIDER_NOT_FOUND');
    expect(calls.sort()).toEqual(['getInstance', 'listInstances']);
  });

  it('reads arriving while a round is in flight share the next round', async () => {
    const { fake, calls, adapter } = provider();
    const ids = Array.from({ length: 6 }, (_, i) => fake.addInstance(`shopper-${i}`, 'starting').providerInstanceId);
    const first = Promise.all(ids.slice(0, 3).map((id) => adapter.getInstance(id)));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all(ids.slice(3).map((id) => adapter.getInstance(id)));
    const all = [...(await first), ...(await second)];
    expect(all.every((r) => r.ok)).toBe(true);
    expect(calls).toEqual(['listInstances', 'listInstances']);
  });

  it('a running instance the listing shows without SSH is read directly (a listing may carry less than a read)', async () => {
    const { fake, calls, adapter } = provider();
    const a = fake.addInstance('shopper-a', 'starting');
    const b = fake.addInstance('shopper-b', 'starting');
    const listInstances = fake.listInstances.bind(fake);
    fake.listInstances = async (prefix) => {
      const listed = await listInstances(prefix);
      return listed.ok ? { ok: true, val: listed.val.map((i) => ({ ...i, state: 'running' as const, ssh: null })) } : listed;
    };
    await Promise.all([a, b].map((i) => adapter.getInstance(i.providerInstanceId)));
    expect(calls.sort()).toEqual(['getInstance', 'getInstance', 'listInstances']);
  });

  it('an adapter with findInstances (a paged listing) is asked for the round\'s instances, not for the whole listing', async () => {
    const { fake, calls, adapter } = provider();
    const a = fake.addInstance('shopper-a', 'starting');
    const b = fake.addInstance('shopper-b', 'starting');
    fake.addInstance('shopper-other', 'running');
    const asked: string[][] = [];
    const listInstances = fake.listInstances.bind(fake);
    Object.assign(fake, {
      findInstances: async (ids: readonly string[]) => {
        asked.push([...ids]);
        const listed = await listInstances('');
        return listed.ok ? { ok: true, val: listed.val.filter((i) => ids.includes(i.providerInstanceId)) } : listed;
      },
    });
    const results = await Promise.all([a, b].map((i) => adapter.getInstance(i.providerInstanceId)));
    expect(results.map((r) => r.ok && r.val.providerInstanceId)).toEqual([a.providerInstanceId, b.providerInstanceId]);
    expect(calls).toEqual(['findInstances']);
    expect(asked).toEqual([[a.providerInstanceId, b.providerInstanceId]]);
  });

  it('other operations pass through untouched', async () => {
    const { calls, adapter } = provider();
    expect(adapter.name).toBe('tensordock');
    await adapter.listOffers();
    expect(calls).toEqual(['listOffers']);
  });
});
