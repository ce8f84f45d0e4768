import { budgetPeriodStart, dueBudgetAlerts, remainingBudget, type Budget } from './consumer.js';

const budget: Budget = {
  consumerId: 'my-app',
  monthlyLimitMicros: 100_000_000,
  periodStart: new Date('2026-02-01T00:00:00.000Z'),
  alertsSent: [],
  updatedAt: new Date('2026-02-01T00:00:00.000Z'),
};

describe('budgets', () => {
  test.each([
    [49_999_999, []],
    [50_000_000, [50]],
    [80_000_000, [50, 80]],
    [120_000_000, [50, 80, 100]],
  ])('spent %p µUSD → alerts %p', (spent, expected) => {
    expect(dueBudgetAlerts(budget, spent)).toEqual(expected);
  });

  it('does not repeat alerts already sent in the period', () => {
    expect(dueBudgetAlerts({ ...budget, alertsSent: [50, 80] }, 90_000_000)).toEqual([]);
  });

  it('never reports a negative remainder', () => {
    expect(remainingBudget(budget, 30_000_000)).toBe(70_000_000);
    expect(remainingBudget(budget, 130_000_000)).toBe(0);
  });

  it('uses UTC calendar months', () => {
    expect(budgetPeriodStart(new Date('2026-02-28T23:59:59.000Z')).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(budgetPeriodStart(new Date('2026-03-01T00:00:00.000Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});
