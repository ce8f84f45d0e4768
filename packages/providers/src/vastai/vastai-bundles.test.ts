import { recorded } from '../test-support/fixtures.js';
import { isVastBundle, readVastBundles } from './vastai-bundles.js';
import { vastBundleSchema, vastBundlesResponseSchema } from './vastai-schemas.js';

const FIELDS = Object.keys(vastBundleSchema.shape);
const VALUES: unknown[] = [undefined, null, 0, -0, 1, -1, 2.5, -2.5, 2 ** 53, 1e300, '', '12', 'RTX 4090', true, false, [], [1], {}, { a: 1 }];

describe('Vast bundles checked in place', () => {
  it('accepts and refuses exactly what the bundle schema does, field by field', () => {
    const base = (recorded('vastai/bundles.json') as { offers: Record<string, unknown>[] }).offers;
    for (const bundle of base) {
      for (const field of FIELDS) {
        for (const value of VALUES) {
          const variant: Record<string, unknown> = { ...bundle, [field]: value };
          if (value === undefined) delete variant[field];
          const issues: string[] = [];
          const verdict = isVastBundle(variant, 'offers.0', issues);
          if (verdict !== vastBundleSchema.safeParse(variant).success) {
            throw new Error(`${field} = ${JSON.stringify(value)}: in place says ${verdict}, the schema says ${!verdict}`);
          }
          expect(issues.length === 0).toBe(verdict);
        }
      }
    }
    for (const value of VALUES) expect(isVastBundle(value, 'offers.0', [])).toBe(vastBundleSchema.safeParse(value).success);
  });

  it('keeps the bundles it was given (no copy) and reads a single bundle as a list of one, as the schema does', () => {
    const json = recorded('vastai/bundles.json') as { offers: unknown[] };
    const read = readVastBundles(json);
    expect(read.ok && read.bundles[0]).toBe(json.offers[0]);
    const single = { offers: json.offers[0] };
    const one = readVastBundles(single);
    expect(one.ok && one.bundles).toEqual(vastBundlesResponseSchema.parse(single).offers);
  });

  it('names the first problems with their place', () => {
    const read = readVastBundles({ offers: [{ id: 1, gpu_name: 'A', gpu_ram: 1, num_gpus: 1, dph_total: 1 }, { id: 'x', gpu_name: null, gpu_ram: 1, num_gpus: 0, dph_total: 1 }] });
    expect(read).toEqual({
      ok: false,
      issues: ['offers.1.id: expected an integer, got the string "x"', 'offers.1.gpu_name: expected a string, got null', 'offers.1.num_gpus: expected a positive integer, got number 0'],
    });
    expect(readVastBundles({ offers: 'none' })).toEqual({ ok: false, issues: ['offers: expected a list of bundles, got the string "none"'] });
    expect(readVastBundles([])).toEqual({ ok: false, issues: ['(root): expected an object, got an array'] });
  });
});
