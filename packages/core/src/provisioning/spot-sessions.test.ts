import { BudgetCommitments } from '../consumers/budget-commitments.js';
import { type Budget } from '../consumers/consumer.js';
import { unwrap } from '../errors/result.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { buildOffer, buildProvisionRequest } from '../testing/fixtures.js';

/** Two interruptible RTX 4090 offers (min bid + $0.01/h storage) beside an on-demand one. */
const OFFERS = [
  buildOffer({ id: 'vastai-1', pricePerHourMicros: 420_000 }),
  buildOffer({ id: 'vastai-spot-1', providerOfferId: '1', pricePerHourMicros: 160_000, interruptible: true, minBidPerHourMicros: 150_000 }),
  buildOffer({ id: 'vastai-spot-2', providerOfferId: '2', pricePerHourMicros: 170_000, interruptible: true, minBidPerHourMicros: 160_000 }),
];

describe('spot sessions: rented with a bid', () => {
  it('rents the offer with its minimum bid plus the 10 % margin, billed with storage on top', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', onPreempt: 'reprovision' })));
    expect(session).toMatchObject({ interruptible: true, bidPerHourMicros: 165_000, maxBidPerHourMicros: 165_000, onPreempt: 'reprovision', pricePerHourMicros: 175_000 });
    const running = await h.provisioning.run(session.id);
    expect(running).toMatchObject({ status: 'running', pricePerHourMicros: 175_000 });
    expect(h.provider.createRequests.map((r) => r.bidPricePerHourMicros)).toEqual([165_000]);
  });

  it('a maximum bid caps the bid; the cheapest spot offer of a GPU is chosen when asked by GPU', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    const { session } = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: undefined, gpu: 'RTX 4090', pricing: 'spot', maxBidPerHourMicros: 155_000 })));
    expect(session).toMatchObject({ offerId: 'vastai-spot-1', bidPerHourMicros: 155_000, maxBidPerHourMicros: 155_000, onPreempt: 'end', pricePerHourMicros: 165_000 });
  });

  it('by GPU, the cheapest spot offer whose minimum bid is within the maximum bid', async () => {
    // Cheaper in all (little storage) but with a higher minimum bid than spot-1.
    const cheaperHigherBid = buildOffer({ id: 'vastai-spot-8', providerOfferId: '8', pricePerHourMicros: 155_000, interruptible: true, minBidPerHourMicros: 154_000 });
    const h = createCoreHarness({ offers: [...OFFERS, cheaperHigherBid] });
    const uncapped = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: undefined, gpu: 'RTX 4090', pricing: 'spot' })));
    expect(uncapped.session.offerId).toBe('vastai-spot-8');
    const capped = unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: undefined, gpu: 'RTX 4090', pricing: 'spot', maxBidPerHourMicros: 152_000 })));
    expect(capped.session).toMatchObject({ offerId: 'vastai-spot-1', bidPerHourMicros: 152_000 });
  });

  it('refuses a spot offer without pricing spot, a bid on an on-demand offer and a maximum under the minimum, writing nothing', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    const refusals = [
      await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1' })),
      await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-1', pricing: 'spot' })),
      await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-1', maxBidPerHourMicros: 200_000 })),
      await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', maxBidPerHourMicros: 149_999 })),
    ];
    expect(refusals.map((r) => !r.ok && r.err.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(await h.repositories.sessions.list()).toEqual([]);
  });

  it('invariant 11: the budget counts the maximum bid plus storage for every reserved hour', async () => {
    const h = createCoreHarness({ offers: OFFERS });
    await h.repositories.consumers.create({ id: 'my-app', name: 'My App', createdAt: h.clock.now(), disabledAt: null });
    const budget: Budget = { consumerId: 'my-app', monthlyLimitMicros: 1_000_000, periodStart: h.clock.now(), alertsSent: [], updatedAt: h.clock.now() };
    await h.repositories.budgets.upsert(budget);
    // Bid 0.165 + storage 0.01 = 0.175/h, but the maximum 0.40 + 0.01 = 0.41/h is what a reprovision may reach: 3 h = 1.23 $ > 1 $.
    const refused = await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', maxBidPerHourMicros: 400_000, reservationHours: 3 }));
    expect(!refused.ok && refused.err.code).toBe('BUDGET_EXCEEDED');
    unwrap(await h.provisioning.request(buildProvisionRequest({ offerId: 'vastai-spot-1', pricing: 'spot', maxBidPerHourMicros: 400_000, reservationHours: 2 })));
    const committed = new BudgetCommitments({ repositories: h.repositories, clock: h.clock });
    expect((await committed.headroom('my-app')).committedMicros).toBe(820_000);
  });
});
