/**
 * Vast's paged instance listing read only as far as it must go: newest first, stopping once the
 * instances asked for have been seen — against the simulator, which pages and orders as Vast does.
 */
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { VastAiAdapter } from './vastai-adapter.js';

const AUTH = { Authorization: 'Bearer find-test', 'content-type': 'application/json' };
/** Three pages of 25 and a bit. */
const INSTANCES = 60;

describe('Vast findInstances: the listing newest first, only as far as the wanted instances', () => {
  let sim: RunningSimulator;
  let ids: string[];
  const calls: string[] = [];
  let adapter: VastAiAdapter;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, catalogSize: 1000, bootDelayMs: 50, keyPropagationMs: 10 });
    const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'vastai' && o.available).slice(0, INSTANCES);
    ids = [];
    for (const [i, offer] of offers.entries()) {
      const res = await fetch(`${sim.urls.vastai}/asks/${offer.vendorOfferId}/`, { method: 'PUT', headers: AUTH, body: JSON.stringify({ client_id: 'me', image: 'x', runtype: 'ssh', label: `shopper-find-${i}` }) });
      ids.push(String(((await res.json()) as { new_contract: number }).new_contract));
    }
    // Oldest first: ids only grow.
    ids.sort((a, b) => Number(a) - Number(b));
    adapter = new VastAiAdapter({
      apiKey: 'v'.repeat(64),
      baseUrl: sim.urls.vastai,
      simulated: true,
      rateLimit: { perSecond: 1000, burst: 1000 },
      http: { retries: 0, onCall: (call) => void calls.push(call.operation) },
    });
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => {
    calls.length = 0;
  });

  it('the newest instances are on the first page: one call, where the whole listing is three', async () => {
    const newest = ids.slice(-3);
    const found = await adapter.findInstances(newest);
    if (!found.ok) throw found.err;
    expect(newest.every((id) => found.val.some((i) => i.providerInstanceId === id))).toBe(true);
    expect(calls).toEqual(['listInstances']);

    calls.length = 0;
    const all = await adapter.listInstances('shopper-find-');
    expect(all.ok && all.val.length).toBe(INSTANCES);
    expect(calls).toHaveLength(Math.ceil(INSTANCES / 25));
  });

  it('pages down until the oldest wanted instance has been seen', async () => {
    const found = await adapter.findInstances([ids.at(-1) ?? '', ids[30] ?? '']);
    if (!found.ok) throw found.err;
    expect(found.val.some((i) => i.providerInstanceId === ids[30])).toBe(true);
    // Newest first, 25 a page: the 30th from the top is on page two.
    expect(calls).toEqual(['listInstances', 'listInstances']);
  });

  it('an instance that is gone ends the listing once it goes below it, without reading to the end', async () => {
    const gone = ids[40] ?? '';
    const res = await fetch(`${sim.urls.vastai}/instances/${gone}/`, { method: 'DELETE', headers: AUTH });
    expect(res.ok).toBe(true);
    const found = await adapter.findInstances([ids.at(-1) ?? '', gone]);
    if (!found.ok) throw found.err;
    expect(found.val.some((i) => i.providerInstanceId === gone)).toBe(false);
    // 19 newer instances on page one; the page going below the gone id is page one.
    expect(calls).toEqual(['listInstances']);
  });
});
