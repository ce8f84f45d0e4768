/**
 * Interruptible (spot) rentals on Vast.ai: the bid search, a create with a bid, changing a bid, and
 * an outbid instance. Shapes follow the official CLI (see test/fixtures/real/SOURCES); the bundles
 * here are written for these cases, not recorded.
 */
import { buildOffer } from '@gpu-shopper/core/testing';

import { BlueLobsterAdapter } from '../bluelobster/bluelobster-adapter.js';
import { TensorDockAdapter } from '../tensordock/tensordock-adapter.js';
import { FAST_HTTP, NO_RATE_LIMIT, ScriptedFetch, TEST_PUBLIC_KEY } from '../test-support/scripted-fetch.js';
import { VastAiAdapter, parseVastOfferId, vastInstanceState } from './vastai-adapter.js';

const LABEL = 'gpushop-dep_A-ses_sess001';
const BUNDLES = /^\/api\/v0\/bundles\/$/;

function adapter(script: ScriptedFetch, pricing?: 'on-demand' | 'spot' | 'any') {
  return new VastAiAdapter({
    apiKey: 'a'.repeat(64),
    baseUrl: 'https://vast.test/api/v0',
    http: { ...FAST_HTTP, fetch: script.fetch },
    rateLimit: NO_RATE_LIMIT,
    ...(pricing ? { pricing } : {}),
  });
}

const bundle = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  machine_id: id + 1,
  gpu_name: 'RTX 4090',
  gpu_ram: 24564,
  num_gpus: 1,
  dph_total: 0.4,
  min_bid: 0.15,
  geolocation: 'Texas, US',
  reliability2: 0.99,
  rentable: true,
  rented: false,
  cuda_max_good: 12.4,
  ...extra,
});

/** Answers the bid search and the on-demand search from different lists, as Vast does. */
function bySearchType(script: ScriptedFetch, onDemand: unknown[], bid: unknown[], bidStatus = 200): ScriptedFetch {
  const original = script.fetch;
  const fetchBySearchType: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    script.on('POST', BUNDLES, body.type === 'bid' ? { status: bidStatus, body: bidStatus === 200 ? { offers: bid } : 'upstream error' } : { status: 200, body: { offers: onDemand } });
    return original(input, init);
  };
  return Object.assign(script, { fetch: fetchBySearchType });
}

const createRequest = (overrides: Partial<Parameters<VastAiAdapter['createInstance']>[0]> = {}) => ({
  offer: buildOffer({ id: 'vastai-12345', providerOfferId: '12345' }),
  label: LABEL,
  sshPublicKey: TEST_PUBLIC_KEY,
  workloadType: 'llm' as const,
  storagePolicy: 'destroy' as const,
  templateHashId: null,
  diskGb: null,
  onStartScript: null,
  ...overrides,
});

const spotOffer = buildOffer({ id: 'vastai-spot-12345', providerOfferId: '12345', pricePerHourMicros: 160_000, interruptible: true, minBidPerHourMicros: 150_000 });

describe('Vast.ai interruptible offers', () => {
  it('lists on-demand offers only by default, with one search of type on-demand', async () => {
    const script = bySearchType(new ScriptedFetch(), [bundle(1)], [bundle(2)]);
    const result = await adapter(script).listOffers();
    if (!result.ok) throw result.err;
    expect(result.val.map((o) => [o.id, o.interruptible ?? false])).toEqual([['vastai-1', false]]);
    expect(script.requests.map((r) => (r.body as { type: string }).type)).toEqual(['on-demand']);
  });

  it('searches with type "bid" for spot: interruptible offers priced at the minimum bid plus the disk, under their own ids', async () => {
    // storage_cost 0.144 USD/GB-month × 50 GB / 720 h = 0.01 USD/h on top of the 0.15 minimum bid.
    const script = bySearchType(new ScriptedFetch(), [bundle(1)], [bundle(2, { storage_cost: 0.144 }), bundle(3, { min_bid: null })]);
    const result = await adapter(script, 'spot').listOffers();
    if (!result.ok) throw result.err;
    expect(script.requests.map((r) => (r.body as { type: string }).type)).toEqual(['bid']);
    expect(result.val[0]).toMatchObject({ id: 'vastai-spot-2', providerOfferId: '2', interruptible: true, minBidPerHourMicros: 150_000, pricePerHourMicros: 160_000 });
    // No stated minimum bid: the on-demand price is the only safe figure.
    expect(result.val[1]).toMatchObject({ id: 'vastai-spot-3', interruptible: true, minBidPerHourMicros: null, pricePerHourMicros: 400_000 });
    expect(parseVastOfferId('vastai-spot-2')).toBe(2);
  });

  it('invariant 5: "any" runs both searches, and a failed bid search fails the listing rather than halving it', async () => {
    const ok = bySearchType(new ScriptedFetch(), [bundle(1)], [bundle(2)]);
    const both = await adapter(ok, 'any').listOffers();
    if (!both.ok) throw both.err;
    expect(both.val.map((o) => o.id)).toEqual(['vastai-1', 'vastai-spot-2']);

    const failing = bySearchType(new ScriptedFetch(), [bundle(1)], [], 400);
    const result = await adapter(failing, 'any').listOffers();
    expect(result.ok).toBe(false);
  });
});

describe('Vast.ai bids', () => {
  const created = (script: ScriptedFetch) =>
    script.on('PUT', /^\/api\/v0\/asks\/12345\/$/, { status: 200, body: { success: true, new_contract: 777 } }).on('POST', /^\/api\/v0\/instances\/777\/ssh\/$/, { status: 200, body: { success: true } });

  it('sends the bid as price (USD per hour) and bills the bid plus the disk the offer price includes', async () => {
    const script = created(new ScriptedFetch());
    const result = await adapter(script).createInstance(createRequest({ offer: spotOffer, bidPricePerHourMicros: 180_000 }));
    if (!result.ok) throw result.err;
    expect(result.val.pricePerHourMicros).toBe(190_000);
    const [put] = script.requestsTo('PUT', /asks/);
    expect((put?.body as Record<string, unknown>).price).toBe(0.18);
  });

  it('an on-demand create sends no price', async () => {
    const script = created(new ScriptedFetch());
    const result = await adapter(script).createInstance(createRequest());
    if (!result.ok) throw result.err;
    const [put] = script.requestsTo('PUT', /asks/);
    expect(put?.body).not.toHaveProperty('price');
  });

  it.each([
    ['an interruptible offer without a bid', { offer: spotOffer }, /rented with a bid/],
    ['a bid under the minimum', { offer: spotOffer, bidPricePerHourMicros: 100_000 }, /under the offer's minimum bid/],
    ['a bid over the accepted range', { offer: spotOffer, bidPricePerHourMicros: 33_000_000 }, /between/],
  ])('refuses %s before any request', async (_name, overrides, message) => {
    const script = created(new ScriptedFetch());
    const result = await adapter(script).createInstance(createRequest(overrides));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.err.code).toBe('PROVIDER_INVALID_REQUEST');
    expect(!result.ok && result.err.message).toMatch(message);
    expect(script.requests).toHaveLength(0);
  });

  it('changes a bid with PUT /instances/bid_price/{id}/; success:false is a refusal, 404 not found', async () => {
    const script = new ScriptedFetch().on('PUT', /^\/api\/v0\/instances\/bid_price\/777\/$/, { status: 200, body: { success: true } });
    const changed = await adapter(script).changeBid('777', 200_000);
    expect(changed.ok).toBe(true);
    expect(script.requests[0]?.body).toEqual({ client_id: 'me', price: 0.2 });

    const refused = await adapter(new ScriptedFetch().on('PUT', /bid_price/, { status: 200, body: { success: false, msg: 'bid too low' } })).changeBid('777', 200_000);
    expect(!refused.ok && refused.err.message).toMatch(/bid too low/);
    const gone = await adapter(new ScriptedFetch().on('PUT', /bid_price/, { status: 404, body: { success: false } })).changeBid('777', 200_000);
    expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
  });
});

describe('Vast.ai outbid instances', () => {
  it('a container stopped while its intended status is still running is preempted; one we stopped is stopped', () => {
    expect(vastInstanceState('stopped', 'running')).toBe('preempted');
    expect(vastInstanceState('stopped', 'stopped')).toBe('stopped');
    expect(vastInstanceState('stopped')).toBe('stopped');
    // A container that exited on its own is a crash, not an outbid.
    expect(vastInstanceState('exited', 'running')).toBe('stopped');
  });

  it('getInstance reports preempted for an outbid instance', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v0\/instances\/777\/$/, {
      status: 200,
      body: { instances: { id: 777, label: LABEL, actual_status: 'stopped', intended_status: 'running', cur_state: 'stopped', ssh_host: null, ssh_port: null, dph_total: 0.18 } },
    });
    const result = await adapter(script).getInstance('777');
    if (!result.ok) throw result.err;
    expect(result.val.state).toBe('preempted');
  });
});

describe('vendors without interruptible rentals', () => {
  const td = (script: ScriptedFetch) =>
    new TensorDockAdapter({ authId: 'td-auth-0123456789', apiToken: 'td-token-0123456789', baseUrl: 'https://td.test/api/v2', http: { ...FAST_HTTP, fetch: script.fetch }, rateLimit: NO_RATE_LIMIT });
  const bl = (script: ScriptedFetch) => new BlueLobsterAdapter({ apiKey: 'bl-key-0123456789abcdef', baseUrl: 'https://bl.test/api/v1', http: { ...FAST_HTTP, fetch: script.fetch }, rateLimit: NO_RATE_LIMIT });

  it.each([
    ['TensorDock', td, 'tensordock-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-geforcertx4090-pcie-24gb'],
    ['Blue Lobster', bl, 'bluelobster:v1_gpu_1x_rtx4090:us-east-1'],
  ] as const)('%s refuses a bid with an accurate error and sends nothing', async (vendor, make, offerId) => {
    const script = new ScriptedFetch();
    const offer = buildOffer({ id: offerId, provider: vendor === 'TensorDock' ? 'tensordock' : 'bluelobster' });
    const result = await make(script).createInstance(createRequest({ offer, bidPricePerHourMicros: 200_000 }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.err.message).toContain(`${vendor} has no interruptible (spot) rentals`);
    expect(script.requests).toHaveLength(0);
  });
});
