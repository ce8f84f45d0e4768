/**
 * The shared contract every adapter must pass, run against the simulator's vendor fakes (written
 * from the vendor contracts, not from these adapters): list, create, get until running with an SSH
 * endpoint, list by label, destroy, verified gone — and each injected fault mapped to the right error.
 */
import { sessionLabel, type Offer, type ProviderAdapter, type ProviderName } from '@gpu-shopper/core';
import { generateSshKeyPair, startSimulator, type FaultSpec, type RunningSimulator } from '@gpu-shopper/simulator';

import { BlueLobsterAdapter } from './bluelobster/bluelobster-adapter.js';
import { TensorDockAdapter } from './tensordock/tensordock-adapter.js';
import { VastAiAdapter } from './vastai/vastai-adapter.js';

const FAST = { minBackoffMs: 1, maxBackoffMs: 5, timeoutMs: 2000, retries: 2 } as const;
const RATE = { perSecond: 1000, burst: 1000 } as const;
const DEPLOYMENT = 'dep_01JDEPLOY00000000000000000';

function adapterFor(vendor: ProviderName, sim: RunningSimulator, timeoutMs = 2000): ProviderAdapter {
  const http = { ...FAST, timeoutMs };
  switch (vendor) {
    case 'vastai':
      return new VastAiAdapter({ apiKey: 'v'.repeat(64), baseUrl: sim.urls.vastai, minReliability: 0, simulated: true, http, rateLimit: RATE });
    case 'tensordock':
      return new TensorDockAdapter({ authId: 'td-auth-id', apiToken: 'td-api-token', baseUrl: sim.urls.tensordock, simulated: true, http, rateLimit: RATE, createTimeoutMs: 2000 });
    case 'bluelobster':
      return new BlueLobsterAdapter({ apiKey: 'bl-api-key', baseUrl: sim.urls.bluelobster, simulated: true, taskPollIntervalMs: 50, taskTimeoutMs: 3000, http, rateLimit: RATE });
  }
}

let sessionCounter = 0;
function nextLabel(): string {
  sessionCounter++;
  return sessionLabel(DEPLOYMENT, `ses_01JSESSION${String(sessionCounter).padStart(16, '0')}`);
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(['vastai', 'tensordock', 'bluelobster'] as const)('%s adapter against the simulator', (vendor) => {
  let sim: RunningSimulator;
  let adapter: ProviderAdapter;
  let offers: Offer[];
  const keys = generateSshKeyPair();

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, catalogSize: 200, bootDelayMs: 200, keyPropagationMs: 50, blueLobsterDpkgLockMs: 200 });
    adapter = adapterFor(vendor, sim);
    const listed = await adapter.listOffers();
    if (!listed.ok) throw listed.err;
    offers = listed.val;
  });
  afterAll(async () => {
    await sim.stop();
  });
  afterEach(async () => {
    await sim.control.clearFaults();
  });

  const request = (offer: Offer, label = nextLabel()) => ({
    offer,
    label,
    sshPublicKey: keys.publicKey,
    workloadType: 'llm' as const,
    storagePolicy: 'destroy' as const,
    templateHashId: null,
    diskGb: null,
    onStartScript: null,
  });
  const cheapest = () => {
    const sorted = [...offers].sort((a, b) => a.pricePerHourMicros - b.pricePerHourMicros);
    const offer = sorted[sessionCounter % Math.max(1, Math.min(5, sorted.length))] ?? sorted[0];
    if (!offer) throw new Error('no offers');
    return offer;
  };
  // Faults are described as the simulator's control API takes them, for this adapter's vendor.
  const fault = (spec: Record<string, unknown>) => sim.control.injectFault({ ...spec, vendor } as FaultSpec);

  it('lists a realistic, valid catalogue marked as simulated', () => {
    expect(offers.length).toBeGreaterThan(5);
    for (const offer of offers) {
      expect(offer.provider).toBe(vendor);
      expect(offer.pricePerHourMicros).toBeGreaterThan(0);
      expect(offer.simulated).toBe(true);
    }
    expect(offers.filter((o) => o.gpuKnown).length / offers.length).toBeGreaterThan(0.9);
  });

  it('creates, runs with an SSH endpoint, lists by label, destroys, and verifies the instance is gone', async () => {
    const label = nextLabel();
    const created = await adapter.createInstance(request(cheapest(), label));
    if (!created.ok) throw created.err;
    const id = created.val.providerInstanceId;

    const running = await until(async () => {
      const read = await adapter.getInstance(id);
      return read.ok && read.val.state === 'running' && read.val.ssh ? read.val : undefined;
    });
    expect(running.label).toBe(label);
    expect(running.ssh).toMatchObject({ host: '127.0.0.1' });
    const truth = (await sim.control.instances()).find((i) => i.id === id);
    expect(running.ssh?.port).toBe(truth?.sshPort);

    const listed = await adapter.listInstances(label);
    expect(listed.ok && listed.val.map((i) => i.providerInstanceId)).toEqual([id]);

    // The first destroy stops the billing; a repeat finds nothing and says so (the ledger relies on it).
    expect(await adapter.destroyInstance(id)).toMatchObject({ ok: true, val: { alreadyGone: false, requestSentAt: expect.any(Date) } });
    const gone = await adapter.getInstance(id);
    expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
    expect(await adapter.destroyInstance(id)).toMatchObject({ ok: true, val: { alreadyGone: true } });
    expect((await sim.control.instances()).find((i) => i.id === id)?.endedAt).not.toBeNull();
  });

  it('maps a persistent 5xx on listing to a retryable unavailable error (never an empty catalogue)', async () => {
    await fault({ operation: 'listOffers', kind: 'http_error', status: 503 });
    const result = await adapter.listOffers();
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('retries a transient 5xx on a read and succeeds', async () => {
    await fault({ operation: 'listOffers', kind: 'http_error', status: 502, count: 1 });
    expect((await adapter.listOffers()).ok).toBe(true);
  });

  it('maps 429 to rate limited with Retry-After', async () => {
    await fault({ operation: 'listInstances', kind: 'rate_limit', retryAfterSec: 120 });
    const result = await adapter.listInstances('gpushop-');
    expect(!result.ok && result.err).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', retryAfterMs: 120_000 });
  });

  it('maps a rejected credential to an auth error', async () => {
    await fault({ operation: 'listOffers', kind: 'unauthorized' });
    const result = await adapter.listOffers();
    expect(!result.ok && result.err.code).toBe('PROVIDER_AUTH_FAILED');
  });

  it.each(['truncated', 'html', 'not_json', 'schema_drift'] as const)('maps a malformed listing (%s) to an error, never "no instances"', async (mode) => {
    // With an instance to list, drifted field types are visible.
    const created = await adapter.createInstance(request(cheapest()));
    if (!created.ok) throw created.err;
    await fault({ operation: 'listInstances', kind: 'malformed', mode });
    const result = await adapter.listInstances('gpushop-');
    expect(result.ok).toBe(false);
    await sim.control.clearFaults();
    expect((await adapter.destroyInstance(created.val.providerInstanceId)).ok).toBe(true);
  });

  it('maps an empty list sent with a 5xx to an error', async () => {
    await fault({ operation: 'listInstances', kind: 'empty_list_5xx' });
    const result = await adapter.listInstances('gpushop-');
    expect(result.ok).toBe(false);
  });

  it('times out a hanging read as unavailable', async () => {
    await fault({ operation: 'getInstance', kind: 'hang' });
    const result = await adapterFor(vendor, sim, 200).getInstance('does-not-matter-1');
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('reports a create that failed but still created the instance as an unknown outcome; the instance is found by label', async () => {
    const label = nextLabel();
    await fault({ kind: 'create_then_fail', mode: 'drop', count: 1 });
    const created = await adapter.createInstance(request(cheapest(), label));
    expect(!created.ok && created.err.code).toBe('PROVIDER_UNKNOWN_OUTCOME');
    const found = await until(async () => {
      const listed = await adapter.listInstances(label);
      return listed.ok && listed.val.length > 0 ? listed.val : undefined;
    });
    expect(found).toHaveLength(1);
    expect((await adapter.destroyInstance(found[0]?.providerInstanceId ?? '')).ok).toBe(true);
  });

  it('maps a stale offer to offer-unavailable', async () => {
    await fault({ kind: 'stale_offer', count: 1 });
    const created = await adapter.createInstance(request(cheapest()));
    expect(!created.ok && created.err.code).toBe('PROVIDER_OFFER_UNAVAILABLE');
  });

  it('reports a destroy that fails, and succeeds once the fault clears', async () => {
    const created = await adapter.createInstance(request(cheapest()));
    if (!created.ok) throw created.err;
    await fault({ kind: 'destroy_fail', count: 10 });
    const failed = await adapter.destroyInstance(created.val.providerInstanceId);
    expect(failed.ok).toBe(false);
    await sim.control.clearFaults();
    expect((await adapter.destroyInstance(created.val.providerInstanceId)).ok).toBe(true);
    const gone = await adapter.getInstance(created.val.providerInstanceId);
    expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('reports an instance that vanished as not found', async () => {
    const created = await adapter.createInstance(request(cheapest()));
    if (!created.ok) throw created.err;
    await fault({ kind: 'vanish', instanceId: created.val.providerInstanceId });
    const gone = await until(async () => {
      const read = await adapter.getInstance(created.val.providerInstanceId);
      return !read.ok ? read.err : undefined;
    });
    expect(gone.code).toBe('PROVIDER_NOT_FOUND');
  });
});

describe('Vast.ai interruptible rentals against the simulator', () => {
  let sim: RunningSimulator;
  const keys = generateSshKeyPair();

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, catalogSize: 120, bootDelayMs: 200, keyPropagationMs: 50 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('lists spot offers with their minimum bid, rents one with a bid billed at the bid, and reads the outbid instance as preempted', async () => {
    const adapter = new VastAiAdapter({ apiKey: 'v'.repeat(64), baseUrl: sim.urls.vastai, minReliability: 0, simulated: true, pricing: 'any', http: FAST, rateLimit: RATE });
    const listed = await adapter.listOffers();
    if (!listed.ok) throw listed.err;
    const spot = listed.val.filter((o) => o.interruptible === true);
    const onDemand = listed.val.filter((o) => o.interruptible !== true);
    expect(spot.length).toBeGreaterThan(0);
    expect(onDemand.length).toBe(spot.length);
    const offer = [...spot].sort((a, b) => a.pricePerHourMicros - b.pricePerHourMicros)[0];
    if (!offer?.minBidPerHourMicros) throw new Error('no spot offer with a minimum bid');
    const twin = onDemand.find((o) => o.providerOfferId === offer.providerOfferId);
    expect(offer.pricePerHourMicros).toBeLessThan(twin?.pricePerHourMicros ?? 0);

    const bid = offer.minBidPerHourMicros + 10_000;
    const created = await adapter.createInstance({
      offer,
      label: nextLabel(),
      sshPublicKey: keys.publicKey,
      workloadType: 'llm',
      storagePolicy: 'destroy',
      templateHashId: null,
      diskGb: null,
      onStartScript: null,
      bidPricePerHourMicros: bid,
    });
    if (!created.ok) throw created.err;
    const id = created.val.providerInstanceId;
    expect(created.val.pricePerHourMicros).toBe(bid);
    await until(async () => {
      const read = await adapter.getInstance(id);
      return read.ok && read.val.state === 'running' ? read.val : undefined;
    });
    expect((await sim.control.instances()).find((i) => i.id === id)?.pricePerHourMicroUsd).toBe(bid);
    // A raised bid is what Vast bills from then on.
    expect((await adapter.changeBid?.(id, bid + 5_000))?.ok).toBe(true);
    expect((await sim.control.instances()).find((i) => i.id === id)?.pricePerHourMicroUsd).toBe(bid + 5_000);

    const outbid = await sim.control.outbid('vastai', id);
    expect(outbid.ok).toBe(true);
    const read = await adapter.getInstance(id);
    expect(read.ok && read.val.state).toBe('preempted');
    // Preempted is not gone: it is still listed, and destroying it is what ends it.
    const mine = await adapter.listInstances(read.ok ? (read.val.label ?? '') : '');
    expect(mine.ok && mine.val.map((i) => [i.providerInstanceId, i.state])).toEqual([[id, 'preempted']]);
    expect(await adapter.destroyInstance(id)).toMatchObject({ ok: true, val: { alreadyGone: false } });
  });
});
