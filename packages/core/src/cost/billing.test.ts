import { unwrap } from '../errors/result.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { billedSeconds, billingStart, costSoFar } from './billing.js';

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

describe('costSoFar: the one cost formula of a session, as the ledger computes it', () => {
  const start = new Date('2026-02-02T14:00:00.000Z');
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const session = { billingStartedAt: start, stoppedAt: null, pricePerHourMicros: 3_600_000 };

  it('nothing before billing started', () => {
    expect(costSoFar({ ...session, billingStartedAt: null }, at(100))).toBe(0);
    expect(billedSeconds({ ...session, billingStartedAt: null }, at(100))).toBe(0);
  });

  it('whole seconds from the billing start to now while it bills', () => {
    expect(billedSeconds(session, at(90.9))).toBe(90);
    expect(costSoFar(session, at(90.9))).toBe(90_000);
  });

  it('up to where billing ended once stopped, however late it is asked', () => {
    expect(costSoFar({ ...session, stoppedAt: at(60) }, at(10_000))).toBe(60_000);
  });

  it('equals what the accountant has written to the ledger once accrual caught up', async () => {
    const h = createCoreHarness();
    const { session } = unwrap(
      await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }),
    );
    await h.provisioning.run(session.id);
    for (const seconds of [37, 3601, 1234]) {
      h.clock.advanceSeconds(seconds);
      const current = await h.repositories.sessions.get(session.id);
      if (!current) throw new Error('session missing');
      await h.costs.accrue(current);
      expect(await h.costs.sessionCost(session.id)).toBe(costSoFar(current, h.clock.now()));
    }
  });
});
