import { budgetPeriodStart, microsToUsd } from '@gpu-shopper/core';

import { DEFAULT_REQUEST, INTEGRATION_TIMEOUT_MS, VAST_OFFER_AT_42_CENTS, startIntegrationWorld, type IntegrationWorld } from './test-support/integration-world.js';

/**
 * Invariants 10 and 11 (DESIGN.md §2) against the real services, SQLite ledger and the simulator.
 * The simulator bills in real time; the services bill on the FakeClock, so amounts come from the ledger.
 */
describe('costs and budgets (integration: FakeClock, SQLite, simulator)', () => {
  let world: IntegrationWorld;
  const consumerId = 'budget-team';

  beforeEach(async () => {
    world = await startIntegrationWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('invariant 10: a 90-minute session at $0.42/h costs exactly $0.63 in the ledger', async () => {
    const offer = await world.services.inventory.getOffer(VAST_OFFER_AT_42_CENTS);
    expect(offer?.offer.pricePerHourMicros).toBe(420_000);

    const session = await world.provisionRunning({ offerId: VAST_OFFER_AT_42_CENTS, consumerId, reservationHours: 2 });
    expect(session.pricePerHourMicros).toBe(420_000);
    expect(session.billingStartedAt).toEqual(world.clock.now());
    world.clock.advanceMinutes(45);
    await world.services.lifecycle.tick(); // accrues the first half while running
    world.clock.advanceMinutes(45);
    const done = await world.services.commands.done(session.id);
    expect(done.ok && done.val.status).toBe('terminated');
    const ended = await world.session(session.id);
    expect(ended.stoppedAt!.getTime() - ended.billingStartedAt!.getTime()).toBe(90 * 60_000);
    expect((await world.instancesLabelled(session.label)).map((i) => i.state)).toEqual(['destroyed']);

    const repositories = world.services.storage.repositories;
    const lines = await repositories.costs.list({ sessionId: session.id });
    expect(lines.map((l) => l.amountMicros)).toEqual([315_000, 315_000]);
    expect(await world.services.costs.sessionCost(session.id)).toBe(630_000);
    expect(microsToUsd(await world.services.costs.sessionCost(session.id))).toBe(0.63);
    expect(await repositories.costs.accruedSeconds(session.id)).toBe(90 * 60);
    // Ledger totals equal the sum of the session costs; later ticks add nothing to an ended session.
    world.clock.advanceHours(1);
    await world.services.lifecycle.tick();
    expect((await repositories.costs.totals({ consumerId })).totalMicros).toBe(630_000);
  }, INTEGRATION_TIMEOUT_MS);

  it('invariant 11: a consumer with $1 left cannot reserve 4 h at $0.42/h (BUDGET_EXCEEDED, nothing rented)', async () => {
    const repositories = world.services.storage.repositories;
    const now = world.clock.now();
    await repositories.consumers.create({ id: consumerId, name: consumerId, createdAt: now, disabledAt: null });
    await repositories.budgets.upsert({ consumerId, monthlyLimitMicros: 1_000_000, periodStart: budgetPeriodStart(now), alertsSent: [], updatedAt: now });

    const refused = await world.services.provisioning.request({ ...DEFAULT_REQUEST, offerId: VAST_OFFER_AT_42_CENTS, consumerId, reservationHours: 4 });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.err.code).toBe('BUDGET_EXCEEDED');
    expect(refused.err.context).toMatchObject({ consumerId, worstCaseMicros: 1_680_000, remainingMicros: 1_000_000 });
    // Refused before spending: no session row, nothing sent to the vendor, nothing rented.
    expect(await repositories.sessions.list({ consumerId })).toEqual([]);
    expect((await world.simulator.control.requests()).filter((r) => r.operation === 'createInstance')).toEqual([]);
    expect(await world.simulator.control.instances()).toEqual([]);

    // What does fit ($0.84 for 2 h) is accepted — and cancelled here before anything is rented.
    const fits = await world.services.provisioning.request({ ...DEFAULT_REQUEST, offerId: VAST_OFFER_AT_42_CENTS, consumerId, reservationHours: 2 });
    expect(fits.ok).toBe(true);
    if (!fits.ok) return;
    expect((await world.services.commands.delete(fits.val.session.id)).ok).toBe(true);
    expect(await world.session(fits.val.session.id)).toMatchObject({ status: 'terminated', providerInstanceId: null });
    expect(await world.simulator.control.instances()).toEqual([]);
  }, INTEGRATION_TIMEOUT_MS);
});

describe('BUDGET_EXHAUSTED_POLICY (integration)', () => {
  const consumerId = 'policy-team';

  /** A running session at $0.42/h for a consumer whose budget ($0.90) covers 2 h, spent past 100 %. */
  async function exhaust(world: IntegrationWorld) {
    const repositories = world.services.storage.repositories;
    const now = world.clock.now();
    await repositories.consumers.create({ id: consumerId, name: consumerId, createdAt: now, disabledAt: null });
    await repositories.budgets.upsert({ consumerId, monthlyLimitMicros: 900_000, periodStart: budgetPeriodStart(now), alertsSent: [], updatedAt: now });
    const session = await world.provisionRunning({ offerId: VAST_OFFER_AT_42_CENTS, consumerId, reservationHours: 2 });
    // 2 h 10 min at $0.42/h = $0.91: the reservation ran over (the lifecycle ends it at expiry; hold it there).
    world.clock.advanceMinutes(130);
    await world.services.costs.accrue(await world.session(session.id));
    await world.services.costs.checkBudget(consumerId);
    return session;
  }

  it('stop: at 100 % the consumer\'s running sessions are stopped (reason budget) and their instances destroyed', async () => {
    const world = await startIntegrationWorld({ env: { BUDGET_EXHAUSTED_POLICY: 'stop' } });
    try {
      const session = await exhaust(world);
      const ended = await world.session(session.id);
      expect(ended).toMatchObject({ status: 'terminated', stopReason: 'budget' });
      expect((await world.instancesLabelled(session.label)).map((i) => i.state)).toEqual(['destroyed']);
    } finally {
      await world.close();
    }
  }, INTEGRATION_TIMEOUT_MS);

  it('alert (the default): the 100 % alert fires and running sessions are left to their reservation', async () => {
    const world = await startIntegrationWorld();
    try {
      const session = await exhaust(world);
      expect((await world.session(session.id)).status).toBe('running');
    } finally {
      await world.close();
    }
  }, INTEGRATION_TIMEOUT_MS);
});
