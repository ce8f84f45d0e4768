import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { budgetView, fitsBudget, worstCaseMicros } from '../lib/budget.js';
import { budget } from '../test-support/fixtures.js';
import { BudgetBar } from './BudgetBar.js';

describe('budget display', () => {
  it('shows spent of limit, what is left, the percentage, and the alerts sent', () => {
    render(<BudgetBar budget={budget(100, 85, [50, 80])} label="alice" />);
    expect(screen.getByText(/\$85\.00 of \$100\.00 \(85%\) · \$15\.00 left/)).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'alice budget used' }).getAttribute('aria-valuenow')).toBe('85');
    expect(screen.getByText(/sent this month: 50%, 80%/)).toBeTruthy();
  });

  it('levels follow the alert thresholds (50, 80, 100 %), and overspending caps the bar at 100 with nothing left', () => {
    expect(budgetView(budget(100, 49.99)).level).toBe('ok');
    expect(budgetView(budget(100, 50)).level).toBe('warning');
    expect(budgetView(budget(100, 80)).level).toBe('critical');
    expect(budgetView(budget(100, 100)).level).toBe('exhausted');
    const { container } = render(<BudgetBar budget={budget(10, 12)} label="bob" />);
    expect(container.querySelector('.budget-exhausted')).not.toBeNull();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByText(/\$0\.00 left/)).toBeTruthy();
  });

  it('worst case is price × hours in micro-dollars, and it must fit in what is left', () => {
    expect(worstCaseMicros(450_000, 3)).toBe(1_350_000);
    expect(fitsBudget(1_350_000, budget(10, 8.65))).toBe(true);
    expect(fitsBudget(1_350_001, budget(10, 8.65))).toBe(false);
    expect(fitsBudget(1e12, null)).toBe(true);
  });
});
