import { billingStart } from './billing.js';

describe('billingStart: one rule for when a vendor started billing', () => {
  const asked = new Date('2026-02-02T14:00:00.000Z');
  const at = (ms: number) => new Date(asked.getTime() + ms);

  it('takes the earliest plausible creation time the provider reports', () => {
    expect(billingStart(asked, [at(4000), at(2500), null])).toEqual(at(2500));
  });

  it('tolerates the vendors\' one-second rounding, and ignores times before the create was asked', () => {
    expect(billingStart(asked, [at(-900)])).toEqual(at(-900));
    expect(billingStart(asked, [at(-3_600_000), at(5000)])).toEqual(at(5000));
  });

  it('falls back to when the create was asked when nothing plausible is reported', () => {
    expect(billingStart(asked, [])).toEqual(asked);
    expect(billingStart(asked, [undefined, null, at(-2000)])).toEqual(asked);
  });
});
