import { buildOffer } from '../testing/fixtures.js';
import { OFFER_SORTS, compareVersions, mergeSortedOffers, offerComparator, parseOfferFilter, selectOffers, sortOffers } from './offer-filter.js';

const offers = [
  buildOffer({ id: 'vastai-1', gpuType: 'RTX 4090', pricePerHourMicros: 420_000, location: 'US-West', reliability: 0.99, cudaVersion: '12.4' }),
  buildOffer({ id: 'vastai-2', gpuType: 'RTX 4090', pricePerHourMicros: 450_000, location: 'US-East', reliability: 0.9, cudaVersion: '12.2' }),
  buildOffer({
    id: 'tensordock-3',
    provider: 'tensordock',
    gpuType: 'RTX 4090',
    pricePerHourMicros: 480_000,
    location: 'EU-West',
    reliability: null,
    cudaVersion: null,
    capabilities: { stopWithoutDestroy: false, templates: false, idleDetection: false, asyncCreate: false },
  }),
  buildOffer({ id: 'vastai-4', gpuType: 'A100 80GB SXM', gpuCount: 8, vramGbPerGpu: 80, pricePerHourMicros: 8_500_000, location: 'US-Central', cudaVersion: '12.10' }),
  buildOffer({ id: 'tensordock-5', provider: 'tensordock', gpuType: 'A100 40GB PCIe', gpuCount: 4, vramGbPerGpu: 40, pricePerHourMicros: 4_800_000, location: 'US-East' }),
  buildOffer({ id: 'vastai-6', gpuType: 'RTX 3090', pricePerHourMicros: 80_000, vramGbPerGpu: 24, available: false }),
  buildOffer({ id: 'vastai-7', gpuType: 'RTX 4090 D', pricePerHourMicros: 300_000 }),
];
const ids = (list: { id: string }[]): string[] => list.map((o) => o.id);

describe('offer filtering', () => {
  it('never returns unavailable offers and sorts by price by default', () => {
    expect(ids(selectOffers(offers, {}))).toEqual(['vastai-7', 'vastai-1', 'vastai-2', 'tensordock-3', 'tensordock-5', 'vastai-4']);
  });

  it('filters by GPU alias without merging different SKUs', () => {
    expect(ids(selectOffers(offers, { gpu: 'RTX4090', maxPricePerHourMicros: 500_000 }))).toEqual(['vastai-1', 'vastai-2', 'tensordock-3']);
  });

  it('matches a family query against every SKU of the family', () => {
    expect(ids(selectOffers(offers, { gpu: 'A100', minGpus: 4, minVramGb: 40 }))).toEqual(['tensordock-5', 'vastai-4']);
  });

  test.each([
    [{ provider: 'tensordock' as const }, ['tensordock-3', 'tensordock-5']],
    [{ minVramGb: 48 }, ['vastai-4']],
    [{ maxPricePerHourMicros: 420_000 }, ['vastai-7', 'vastai-1']],
    [{ minGpus: 8 }, ['vastai-4']],
    [{ minCudaVersion: '12.3' }, ['vastai-7', 'vastai-1', 'tensordock-5', 'vastai-4']],
    [{ location: 'us-east' }, ['vastai-2', 'tensordock-5']],
    [{ minReliability: 0.95 }, ['vastai-7', 'vastai-1', 'tensordock-5', 'vastai-4']],
    // No offer lists the template: none passes (a template never widens to every capable offer).
    [{ templateHashId: 'abc' }, []],
  ])('filter %p', (filter, expected) => {
    const tensordockTemplates = offers.map((o) => (o.id === 'tensordock-5' ? { ...o, capabilities: { ...o.capabilities, templates: true } } : o));
    expect(ids(selectOffers(tensordockTemplates, filter))).toEqual(expected);
  });

  it('sorts by price per GPU, VRAM and reliability', () => {
    const available = offers.filter((o) => o.available);
    expect(ids(sortOffers(available, 'price_per_gpu')).slice(0, 3)).toEqual(['vastai-7', 'vastai-1', 'vastai-2']);
    expect(ids(sortOffers(available, 'vram'))[0]).toBe('vastai-4');
    expect(ids(sortOffers(available, 'reliability'))[0]).toBe('vastai-1');
    expect(ids(sortOffers(available, 'reliability')).at(-1)).toBe('tensordock-3');
  });

  it('lists on-demand offers unless interruptible ones are asked for, so no caller rents a spot offer by accident', () => {
    const spot = buildOffer({ id: 'vastai-spot-1', providerOfferId: '1', gpuType: 'RTX 4090', pricePerHourMicros: 150_000, interruptible: true, minBidPerHourMicros: 150_000 });
    const catalogue = [...offers, spot];
    expect(ids(selectOffers(catalogue, { gpu: 'RTX4090' }))).toEqual(['vastai-1', 'vastai-2', 'tensordock-3']);
    expect(ids(selectOffers(catalogue, { gpu: 'RTX4090', pricing: 'on-demand' }))).toEqual(['vastai-1', 'vastai-2', 'tensordock-3']);
    expect(ids(selectOffers(catalogue, { gpu: 'RTX4090', pricing: 'spot' }))).toEqual(['vastai-spot-1']);
    expect(ids(selectOffers(catalogue, { gpu: 'RTX4090', pricing: 'any' }))).toEqual(['vastai-spot-1', 'vastai-1', 'vastai-2', 'tensordock-3']);
  });

  it('does not modify the catalogue it filters', () => {
    const before = structuredClone(offers);
    selectOffers(offers, { gpu: 'A100', sort: 'vram' });
    expect(offers).toEqual(before);
  });
});

describe('parseOfferFilter', () => {
  it('accepts a complete filter', () => {
    expect(parseOfferFilter({ provider: 'vastai', gpu: 'A100', minCudaVersion: '12.4', sort: 'vram' }).ok).toBe(true);
  });

  test.each([{ provider: 'aws' }, { minCudaVersion: 'twelve' }, { minReliability: 2 }, { sort: 'cheapest' }, { pricing: 'cheap' }, { unknownField: 1 }, { minGpus: 0 }])(
    'rejects %p with a validation error naming the field',
    (input) => {
      const result = parseOfferFilter(input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.err.code).toBe('VALIDATION_FAILED');
        expect(result.err.context.issues.length).toBeGreaterThan(0);
      }
    },
  );
});

describe('compareVersions', () => {
  it('compares numerically, not as text', () => {
    expect(compareVersions('12.10', '12.9')).toBeGreaterThan(0);
    expect(compareVersions('12', '12.0')).toBe(0);
    expect(compareVersions('11.8', '12.0')).toBeLessThan(0);
  });
});

describe('merging sorted lists', () => {
  it('gives exactly the stable sort of the lists put together, for every sort, duplicates and ties included', () => {
    let state = 42;
    const next = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    const providers = ['vastai', 'tensordock', 'bluelobster'] as const;
    for (let round = 0; round < 50; round++) {
      const lists = Array.from({ length: 1 + next(6) }, () =>
        Array.from({ length: next(40) }, () =>
          // Few distinct values: equal prices, equal ids, and offers equal in every compared field.
          buildOffer({ id: `o-${next(8)}`, provider: providers[next(3)], gpuCount: 1 + next(3), vramGbPerGpu: 24 * (1 + next(2)), pricePerHourMicros: 100_000 * (1 + next(3)), reliability: next(3) === 0 ? null : 0.9 }),
        ),
      );
      for (const sort of OFFER_SORTS) {
        const merged = mergeSortedOffers(lists.map((list) => sortOffers(list, sort)), offerComparator(sort));
        const expected = sortOffers(lists.flat(), sort);
        expect(merged).toHaveLength(expected.length);
        // The same objects in the same order (identity, so equal-looking duplicates are told apart).
        merged.forEach((offer, i) => expect(offer).toBe(expected[i]));
      }
    }
  });

  it('returns a new array, also for one list or none', () => {
    const list = sortOffers(offers);
    expect(mergeSortedOffers([list])).not.toBe(list);
    expect(mergeSortedOffers([list])).toEqual(list);
    expect(mergeSortedOffers([])).toEqual([]);
  });
});
