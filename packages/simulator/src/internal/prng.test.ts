import { mulberry32, Prng } from './prng.js';

describe('seeded PRNG', () => {
  it('repeats the same sequence for a seed and stream, and differs across them', () => {
    const a = new Prng(7, 'catalog');
    const b = new Prng(7, 'catalog');
    const sequence = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(sequence);
    expect(new Prng(7, 'ids').float()).not.toBe(sequence[0]);
    expect(new Prng(8, 'catalog').float()).not.toBe(sequence[0]);
    expect(mulberry32(1)()).toBeCloseTo(0.6270739405881613, 12);
  });

  it('stays within its ranges and produces UUID-shaped ids', () => {
    const rng = new Prng(1);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rng.sample([1, 2, 3, 4], 2)).toHaveLength(2);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});
