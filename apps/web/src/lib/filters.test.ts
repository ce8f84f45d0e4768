import { describe, expect, it } from 'vitest';

import { offer, spotOffer } from '../test-support/fixtures.js';
import { applyFilters, cudaAtLeast, NO_FILTERS, pricesByGpu, pricingLabel } from './filters.js';

const OFFERS = [
  offer({ id: 'a', provider: 'vastai', gpu_type: 'RTX4090', gpu_name: 'RTX 4090', price_per_hour: 0.6, vram_gb: 24, location: 'US-CA', reliability: 0.99, cuda_version: '12.4' }),
  offer({ id: 'b', provider: 'tensordock', gpu_type: 'RTX4090', gpu_name: 'GeForce RTX 4090', price_per_hour: 0.4, vram_gb: 24, location: 'EU-DE', reliability: 0.9, cuda_version: '12.1' }),
  offer({ id: 'c', provider: 'bluelobster', gpu_type: 'A100_80GB', gpu_name: 'A100 80GB', price_per_hour: 1.8, vram_gb: 80, location: 'US-TX', reliability: null, cuda_version: null }),
  offer({ id: 'd', provider: 'vastai', gpu_type: 'H100', gpu_name: 'H100 SXM', price_per_hour: 4.4, gpu_count: 2, vram_gb: 80, available: false, cuda_version: '12.10' }),
];
const ids = (list: { id: string }[]) => list.map((o) => o.id);

describe('inventory filters', () => {
  it('GPU names match loosely ("rtx 4090", "4090") and the result is cheapest first', () => {
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, gpu: 'rtx 4090' }, 'price'))).toEqual(['b', 'a']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, gpu: '4090' }, 'price'))).toEqual(['b', 'a']);
  });

  it('each filter narrows: provider, VRAM, max price, location, reliability (unknown fails), CUDA', () => {
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, provider: 'vastai' }, 'price'))).toEqual(['a']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, minVram: 48 }, 'price'))).toEqual(['c']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, maxPrice: 0.5 }, 'price'))).toEqual(['b']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, location: 'us' }, 'price'))).toEqual(['a', 'c']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, minReliability: 0.95 }, 'price'))).toEqual(['a']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, minCuda: '12.2' }, 'price'))).toEqual(['a']);
  });

  it('unavailable offers show only when asked for', () => {
    expect(ids(applyFilters(OFFERS, NO_FILTERS, 'price'))).not.toContain('d');
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, availableOnly: false }, 'price'))).toContain('d');
  });

  it('sorts by VRAM and reliability descending, price per GPU ascending', () => {
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, availableOnly: false }, 'vram')).slice(0, 2).sort()).toEqual(['c', 'd']);
    expect(ids(applyFilters(OFFERS, NO_FILTERS, 'reliability'))).toEqual(['a', 'b', 'c']);
    expect(ids(applyFilters(OFFERS, { ...NO_FILTERS, availableOnly: false }, 'price_per_gpu'))).toEqual(['b', 'a', 'c', 'd']);
  });

  it('CUDA versions compare numerically, part by part', () => {
    expect(cudaAtLeast('12.10', '12.9')).toBe(true);
    expect(cudaAtLeast('12.1', '12.4')).toBe(false);
    expect(cudaAtLeast(null, '11')).toBe(false);
    expect(cudaAtLeast(null, '')).toBe(true);
  });

  it('the price chart keeps the cheapest price per GPU for each GPU type and provider', () => {
    const points = pricesByGpu([...OFFERS, offer({ id: 'e', provider: 'vastai', gpu_type: 'RTX4090', price_per_hour: 0.3 })]);
    expect(points.find((p) => p.gpuType === 'RTX4090' && p.provider === 'vastai')).toMatchObject({ min: 0.3, count: 2 });
    expect(points.find((p) => p.gpuType === 'H100')).toMatchObject({ min: 2.2 });
  });

  it('5,000 offers: filtered and sorted in one pass, cheapest first, ties in a stable order', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      offer({ id: `o${String(i).padStart(4, '0')}`, price_per_hour: (i % 97) / 10, gpu_type: i % 2 ? 'RTX4090' : 'A100', gpu_name: i % 2 ? 'RTX 4090' : 'A100' }),
    );
    const result = applyFilters(many, { ...NO_FILTERS, gpu: '4090' }, 'price');
    expect(result).toHaveLength(2500);
    for (let i = 1; i < result.length; i++) {
      const [a, b] = [result[i - 1]!, result[i]!];
      expect(a.price_per_hour_micros < b.price_per_hour_micros || (a.price_per_hour_micros === b.price_per_hour_micros && a.id < b.id)).toBe(true);
    }
  });

  it('labels an offer on-demand, or interruptible (spot) with its minimum bid to the hundredth of a cent', () => {
    expect(NO_FILTERS.pricing).toBe('on-demand');
    expect(pricingLabel(offer())).toBe('on-demand');
    expect(pricingLabel(spotOffer({ min_bid: 0.12345 }))).toBe('interruptible (spot) · min bid $0.1235/h');
    expect(pricingLabel(spotOffer({ min_bid: null, min_bid_micros: null }))).toBe('interruptible (spot)');
  });
});
