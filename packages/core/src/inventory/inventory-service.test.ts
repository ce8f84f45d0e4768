import { Ok, type Result } from '../errors/result.js';
import { ProviderAuthError, ProviderRateLimitedError, ProviderUnavailableError, type ProviderError } from '../ports/provider-errors.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { buildOffer } from '../testing/fixtures.js';
import { InventoryService } from './inventory-service.js';
import { selectOffers } from './offer-filter.js';
import { type Offer } from './offer.js';

const TTL = 60_000;
const BACKOFF = 300_000;

function setup() {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const vast = new FakeProvider('vastai', clock, [
    buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }),
    buildOffer({ id: 'vastai-2', gpuType: 'A100 80GB SXM', vramGbPerGpu: 80, pricePerHourMicros: 1_500_000 }),
  ]);
  const td = new FakeProvider('tensordock', clock, [buildOffer({ id: 'tensordock-1', provider: 'tensordock', pricePerHourMicros: 380_000 })]);
  const inventory = new InventoryService({ providers: [vast, td], clock, cacheTtlMs: TTL, backoffTtlMs: BACKOFF, errorRetryMs: 10_000 });
  return { clock, vast, td, inventory };
}

const listCalls = (provider: FakeProvider) => provider.calls.filter((c) => c.operation === 'listOffers').length;
const unavailable = (provider: 'vastai' | 'tensordock') => new ProviderUnavailableError('HTTP 503', { provider, operation: 'listOffers', httpStatus: 503 });

describe('InventoryService', () => {
  it('merges every provider, sorted by price, with an ok status each', async () => {
    const { inventory } = setup();
    const answer = await inventory.query({});
    expect(answer.offers.map((o) => o.id)).toEqual(['tensordock-1', 'vastai-1', 'vastai-2']);
    expect(answer.providers.map((p) => [p.provider, p.state, p.offerCount])).toEqual([
      ['vastai', 'ok', 2],
      ['tensordock', 'ok', 1],
    ]);
  });

  it('caches the whole catalogue: different filters within the TTL make no new provider call', async () => {
    const { inventory, vast } = setup();
    await inventory.query({ gpu: 'A100' });
    const cheap = await inventory.query({ maxPricePerHourMicros: 500_000 });
    const all = await inventory.query({});
    expect(cheap.offers.map((o) => o.id)).toEqual(['tensordock-1', 'vastai-1']);
    expect(all.offers).toHaveLength(3);
    expect(listCalls(vast)).toBe(1);
  });

  it('serves the stale catalogue while it refreshes once the TTL has passed', async () => {
    const { inventory, vast, clock } = setup();
    await inventory.query({});
    clock.advanceMs(TTL + 1);
    vast.setOffers([buildOffer({ id: 'vastai-9' })]);
    const during = await inventory.query({ provider: 'vastai' });
    expect(during.offers.map((o) => o.id)).toEqual(['vastai-1', 'vastai-2']);
    expect(during.providers[0]?.state).toBe('stale');
    await Promise.resolve();
    const after = await inventory.query({ provider: 'vastai' });
    expect(after.offers.map((o) => o.id)).toEqual(['vastai-9']);
    expect(after.providers[0]?.state).toBe('ok');
  });

  it('refreshes single-flight: concurrent queries share one provider call', async () => {
    const clock = new FakeClock();
    let release: (value: Result<Offer[], ProviderError>) => void = () => undefined;
    let calls = 0;
    class SlowProvider extends FakeProvider {
      override listOffers(): Promise<Result<Offer[], ProviderError>> {
        calls++;
        return new Promise((resolve) => (release = resolve));
      }
    }
    const slow = new SlowProvider('vastai', clock);
    const inventory = new InventoryService({ providers: [slow], clock, cacheTtlMs: TTL, backoffTtlMs: BACKOFF });
    const queries = Promise.all([inventory.query({}), inventory.query({ gpu: 'RTX 4090' }), inventory.query({})]);
    await Promise.resolve();
    release(Ok([buildOffer({ id: 'vastai-1' })]));
    const answers = await queries;
    expect(calls).toBe(1);
    expect(answers.map((a) => a.offers.length)).toEqual([1, 1, 1]);
  });

  it('a provider failing with 5xx leaves the others\' offers and reports its error; it is backed off', async () => {
    const { inventory, vast, td, clock } = setup();
    td.failNext('listOffers', unavailable('tensordock'));
    const answer = await inventory.query({});
    expect(answer.offers.map((o) => o.id)).toEqual(['vastai-1', 'vastai-2']);
    expect(answer.providers.find((p) => p.provider === 'tensordock')).toMatchObject({ state: 'error', errorCode: 'PROVIDER_UNAVAILABLE', offerCount: 0 });
    expect(answer.providers.find((p) => p.provider === 'vastai')?.state).toBe('ok');

    clock.advanceMs(BACKOFF - 1);
    await inventory.query({});
    expect(listCalls(td)).toBe(1);
    clock.advanceMs(2);
    const recovered = await inventory.query({});
    expect(listCalls(td)).toBe(2);
    expect(recovered.offers).toHaveLength(3);
    expect(listCalls(vast)).toBe(2);
  });

  it('reports a rate-limited provider with its until time, honouring a longer Retry-After', async () => {
    const { inventory, vast, clock } = setup();
    vast.failNext('listOffers', new ProviderRateLimitedError('429', { provider: 'vastai', operation: 'listOffers', httpStatus: 429 }, 600_000));
    const answer = await inventory.query({});
    const status = answer.providers.find((p) => p.provider === 'vastai');
    expect(status).toMatchObject({ state: 'rate_limited', errorCode: 'PROVIDER_RATE_LIMITED' });
    expect(status?.rateLimitedUntil?.getTime()).toBe(clock.now().getTime() + 600_000);
  });

  it('keeps serving the last good catalogue when a refresh fails, marked with the error', async () => {
    const { inventory, vast, clock } = setup();
    await inventory.query({});
    clock.advanceMs(TTL + 1);
    vast.failNext('listOffers', unavailable('vastai'));
    await inventory.query({});
    await Promise.resolve();
    const answer = await inventory.query({ provider: 'vastai' });
    expect(answer.offers.map((o) => o.id)).toEqual(['vastai-1', 'vastai-2']);
    expect(answer.providers[0]).toMatchObject({ state: 'error', staleSince: new Date(clock.now().getTime() - 1) });
  });

  it('does not cache other errors for minutes: an auth failure is retried after the short pause', async () => {
    const { inventory, vast, clock } = setup();
    vast.failNext('listOffers', new ProviderAuthError('401', { provider: 'vastai', operation: 'listOffers', httpStatus: 401 }));
    await inventory.query({});
    clock.advanceMs(10_001);
    const answer = await inventory.query({});
    expect(listCalls(vast)).toBe(2);
    expect(answer.providers.find((p) => p.provider === 'vastai')?.state).toBe('ok');
  });

  it('lists interruptible offers only when asked, but finds one named by id', async () => {
    const { inventory, vast } = setup();
    vast.setOffers([buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }), buildOffer({ id: 'vastai-spot-1', providerOfferId: '1', pricePerHourMicros: 150_000, interruptible: true, minBidPerHourMicros: 150_000 })]);
    expect((await inventory.query({ provider: 'vastai' })).offers.map((o) => o.id)).toEqual(['vastai-1']);
    expect((await inventory.query({ provider: 'vastai', pricing: 'spot' })).offers.map((o) => o.id)).toEqual(['vastai-spot-1']);
    expect((await inventory.getOffer('vastai-spot-1'))?.offer).toMatchObject({ interruptible: true, minBidPerHourMicros: 150_000 });
  });

  it('evicts an offer the provider refused, until the next refresh', async () => {
    const { inventory } = setup();
    await inventory.query({});
    inventory.evictOffer('vastai-1');
    expect((await inventory.query({})).offers.map((o) => o.id)).toEqual(['tensordock-1', 'vastai-2']);
    expect(await inventory.getOffer('vastai-1')).toBeUndefined();
  });

  it('a rented offer leaves the "cheapest" choice, but named by id it is re-listed at its provider and found while capacity is left', async () => {
    const { inventory, td } = setup();
    await inventory.query({});
    inventory.markRented('tensordock-1');
    // The next "cheapest RTX 4090" goes to another host.
    expect((await inventory.query({ gpu: 'RTX4090' })).offers.map((o) => o.id)).toEqual(['vastai-1']);
    // The provider still lists it (a host with GPUs left): asked by id, it is found again.
    const callsBefore = listCalls(td);
    expect((await inventory.getOffer('tensordock-1'))?.offer.id).toBe('tensordock-1');
    expect(listCalls(td)).toBe(callsBefore + 1);
    expect((await inventory.query({})).offers.map((o) => o.id)).toContain('tensordock-1');
    // Once the provider stops listing it (full), it is gone.
    inventory.markRented('tensordock-1');
    td.setOffers([]);
    expect(await inventory.getOffer('tensordock-1')).toBeUndefined();
    // An unknown id never makes a provider call.
    const calls = listCalls(td);
    expect(await inventory.getOffer('tensordock-unknown')).toBeUndefined();
    expect(listCalls(td)).toBe(calls);
  });

  it('leaves suppressed offers out', async () => {
    const clock = new FakeClock();
    const vast = new FakeProvider('vastai', clock, [buildOffer({ id: 'vastai-1' }), buildOffer({ id: 'vastai-2' })]);
    const inventory = new InventoryService({ providers: [vast], clock, cacheTtlMs: TTL, backoffTtlMs: BACKOFF, isSuppressed: (offer) => offer.id === 'vastai-2' });
    expect((await inventory.query({})).offers.map((o) => o.id)).toEqual(['vastai-1']);
  });

  it('finds one offer by id as a query would (a suppressed offer is not found) and asks about the suppression of that offer only', async () => {
    const clock = new FakeClock();
    const offers = Array.from({ length: 50 }, (_, i) => buildOffer({ id: `vastai-${i + 1}` }));
    const vast = new FakeProvider('vastai', clock, offers);
    const asked: string[] = [];
    const isSuppressed = (offer: Offer): boolean => {
      asked.push(offer.id);
      return offer.id === 'vastai-2';
    };
    const inventory = new InventoryService({ providers: [vast], clock, cacheTtlMs: TTL, backoffTtlMs: BACKOFF, isSuppressed });
    expect((await inventory.getOffer('vastai-7'))?.offer.id).toBe('vastai-7');
    expect(await inventory.getOffer('vastai-2')).toBeUndefined();
    expect(await inventory.getOffer('vastai-unknown')).toBeUndefined();
    expect(asked).toEqual(['vastai-7', 'vastai-2']);
  });

  it('finds one offer by id and says whether its catalogue is fresh', async () => {
    const { inventory, clock } = setup();
    expect(await inventory.getOffer('vastai-2')).toMatchObject({ offer: { id: 'vastai-2' }, fresh: true });
    clock.advanceMs(TTL + 1);
    expect(await inventory.getOffer('vastai-2')).toMatchObject({ fresh: false });
  });
});

describe('InventoryService order', () => {
  /** A provider whose listing answers when the test says so (a slow vendor still in flight). */
  class HeldProvider extends FakeProvider {
    private release: (() => void) | null = null;
    private readonly held: Promise<void>;
    constructor(name: 'vastai' | 'tensordock' | 'bluelobster', clock: FakeClock, private readonly listing: Offer[]) {
      super(name, clock);
      this.held = new Promise((resolve) => (this.release = resolve));
    }
    override async listOffers(): Promise<Result<Offer[], ProviderError>> {
      await this.held;
      return Ok(this.listing);
    }
    answer(): void {
      this.release?.();
    }
  }

  /** A seeded stream of offers with many equal prices, so the tie-breaks decide most of the order. */
  function catalogue(provider: 'vastai' | 'tensordock' | 'bluelobster', count: number, seed: number): Offer[] {
    let state = seed;
    const next = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    const types = ['RTX 4090', 'RTX 3090', 'A100 80GB SXM', 'A100 40GB PCIe', 'H100 80GB SXM'];
    return Array.from({ length: count }, (_, i) =>
      buildOffer({
        id: `${provider}-${next(count * 2)}-${i % 3}`,
        provider,
        gpuType: types[next(types.length)] ?? 'RTX 4090',
        gpuCount: 1 + next(4),
        vramGbPerGpu: [24, 40, 80][next(3)] ?? 24,
        pricePerHourMicros: 100_000 * (1 + next(6)),
        reliability: next(4) === 0 ? null : 0.9 + next(10) / 100,
        interruptible: next(5) === 0 ? true : undefined,
      }),
    );
  }

  it('answers in exactly the order of one sort over every catalogue, ties included, for every sort and filter', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const listings = { vastai: catalogue('vastai', 400, 7), tensordock: catalogue('tensordock', 300, 11), bluelobster: catalogue('bluelobster', 50, 13) };
    const providers = (['vastai', 'tensordock', 'bluelobster'] as const).map((name) => new FakeProvider(name, clock, listings[name]));
    const inventory = new InventoryService({ providers, clock, cacheTtlMs: TTL, backoffTtlMs: BACKOFF });
    const everything = [...listings.vastai, ...listings.tensordock, ...listings.bluelobster];
    for (const sort of [undefined, 'price', 'price_per_gpu', 'vram', 'reliability'] as const) {
      for (const rest of [{}, { gpu: 'A100' }, { gpu: 'RTX4090', pricing: 'any' as const }, { provider: 'tensordock' as const, minGpus: 2 }, { pricing: 'spot' as const }]) {
        const filter = sort === undefined ? rest : { ...rest, sort };
        const answer = await inventory.query(filter);
        // What the answer was before catalogues were kept sorted: one stable sort of all matches.
        expect(answer.offers.map((o) => o.id)).toEqual(selectOffers(everything, filter).map((o) => o.id));
      }
    }
  });

  it('sorts a catalogue when it arrives, so after the slowest provider answers the others are only merged', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    let priceReads = 0;
    // The fast provider's offers count how often their price is read.
    const counted = catalogue('tensordock', 2000, 5).map((offer) => {
      const price = offer.pricePerHourMicros;
      return Object.defineProperty({ ...offer }, 'pricePerHourMicros', { get: () => (priceReads++, price), enumerable: true });
    });
    const fast = new HeldProvider('tensordock', clock, counted);
    const slow = new HeldProvider('vastai', clock, catalogue('vastai', 10, 3));
    const inventory = new InventoryService({ providers: [slow, fast], clock, cacheTtlMs: TTL, backoffTtlMs: BACKOFF });
    const answering = inventory.query({ pricing: 'any' });
    const before = inventory.version();
    fast.answer();
    while (inventory.version() === before) await Promise.resolve();
    priceReads = 0;
    slow.answer();
    const answer = await answering;
    expect(answer.offers).toHaveLength(2010);
    // A merge compares each offer about once (two price reads per comparison); sorting the 2,000
    // offers here would read their prices over 20,000 times.
    expect(priceReads).toBeLessThanOrEqual(2 * 2010);
  });
});
