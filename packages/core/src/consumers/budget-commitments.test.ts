import { unwrap } from '../errors/result.js';
import { ProviderOfferUnavailableError } from '../ports/provider-errors.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { buildOffer } from '../testing/fixtures.js';
import { type Repositories } from '../ports/repositories.js';

/** A consumer with a monthly budget of `usd` dollars. */
async function withBudget(repositories: Repositories, now: Date, consumerId: string, usd: number): Promise<void> {
  await repositories.consumers.create({ id: consumerId, name: consumerId, createdAt: now, disabledAt: null });
  await repositories.budgets.upsert({ consumerId, monthlyLimitMicros: usd * 1_000_000, periodStart: now, alertsSent: [], updatedAt: now });
}

const rent = (offerId: string, hours: number) => ({ consumerId: 'alice', offerId, reservationHours: hours, workloadType: 'interactive', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }) as const;

describe('invariant 11: every action that raises a consumer\'s worst case is checked against its budget', () => {
  it('finding 3: extending never overspends — $5 budget, $1.59/h for 1 h, then 3 h more is refused in dollars and changes nothing', async () => {
    const h = createCoreHarness({ offers: [buildOffer({ id: 'vastai-9', pricePerHourMicros: 1_590_000 })] });
    await withBudget(h.repositories, h.clock.now(), 'alice', 5);
    const { session } = unwrap(await h.provisioning.request(rent('vastai-9', 1)));
    const before = await h.repositories.sessions.get(session.id);
    const refused = await h.commands.extend(session.id, 3);
    expect(!refused.ok && refused.err.code).toBe('BUDGET_EXCEEDED');
    expect(!refused.ok && refused.err.message).toMatch(/would commit up to \$4\.7700 more \(worst case\), but only \$3\.4100 of the \$5\.00 monthly budget is left/);
    expect(await h.repositories.sessions.get(session.id)).toEqual(before);
    // What fits is allowed: 2 h more ($3.18 ≤ $3.41).
    expect(unwrap(await h.commands.extend(session.id, 2)).reservationHours).toBe(3);
    const again = await h.commands.extend(session.id, 1);
    expect(!again.ok && again.err.code).toBe('BUDGET_EXCEEDED');
  });

  it('concurrent creates and extends cannot spend the same headroom: the worst case never exceeds the budget', async () => {
    const h = createCoreHarness({ offers: Array.from({ length: 12 }, (_, i) => buildOffer({ id: `vastai-${i + 10}`, pricePerHourMicros: 1_000_000 })) });
    await withBudget(h.repositories, h.clock.now(), 'alice', 5);
    const { session } = unwrap(await h.provisioning.request(rent('vastai-10', 1)));
    const results = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => h.provisioning.request(rent(`vastai-${i + 11}`, 1))),
      ...Array.from({ length: 4 }, () => h.commands.extend(session.id, 1)),
    ]);
    const succeeded = results.filter((r) => r.ok).length;
    expect(succeeded).toBe(4);
    const live = await h.repositories.sessions.list({ consumerId: 'alice' });
    const worstCase = live.reduce((sum, s) => sum + s.pricePerHourMicros * s.reservationHours, 0);
    expect(worstCase).toBe(5_000_000);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && ['BUDGET_EXCEEDED', 'CONCURRENT_UPDATE', 'ALREADY_EXISTS'].includes(r.err.code))).toBe(true);
  });

  it('an auto-retry onto a pricier offer is refused when the budget cannot carry it: the session fails, nothing more is rented', async () => {
    const h = createCoreHarness({
      offers: [buildOffer({ id: 'vastai-1', pricePerHourMicros: 1_000_000 }), buildOffer({ id: 'vastai-2', pricePerHourMicros: 1_150_000 })],
    });
    await withBudget(h.repositories, h.clock.now(), 'alice', 4);
    h.provider.failNext('createInstance', new ProviderOfferUnavailableError('gone', { provider: 'vastai', operation: 'createInstance' }));
    const { session } = unwrap(await h.provisioning.request({ ...rent('vastai-1', 4), autoRetry: { maxAttempts: 3, scope: 'same_gpu' } }));
    const ended = await h.provisioning.run(session.id);
    expect(ended).toMatchObject({ status: 'failed', attempt: 1, errorType: 'offer_unavailable' });
    expect(h.provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
  });

  it('the same auto-retry within budget proceeds', async () => {
    const h = createCoreHarness({
      offers: [buildOffer({ id: 'vastai-1', pricePerHourMicros: 1_000_000 }), buildOffer({ id: 'vastai-2', pricePerHourMicros: 1_150_000 })],
    });
    await withBudget(h.repositories, h.clock.now(), 'alice', 5);
    h.provider.failNext('createInstance', new ProviderOfferUnavailableError('gone', { provider: 'vastai', operation: 'createInstance' }));
    const { session } = unwrap(await h.provisioning.request({ ...rent('vastai-1', 4), autoRetry: { maxAttempts: 3, scope: 'same_gpu' } }));
    expect(await h.provisioning.run(session.id)).toMatchObject({ status: 'running', attempt: 2, offerId: 'vastai-2' });
  });
});
