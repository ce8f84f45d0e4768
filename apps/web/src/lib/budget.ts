import type { Budget } from '@gpu-shopper/client';

/** The thresholds (percent of the monthly limit) at which the server sends a budget alert, once a month each. */
export const ALERT_THRESHOLDS = [50, 80, 100] as const;

export type BudgetLevel = 'ok' | 'warning' | 'critical' | 'exhausted';

export interface BudgetView {
  limit: number;
  spent: number;
  remaining: number;
  /** Spent / limit, 0…∞ (over 1 when overspent). */
  fraction: number;
  level: BudgetLevel;
}

export function budgetView(budget: Budget): BudgetView {
  const limit = budget.monthly_limit_micros / 1e6;
  const spent = budget.spent_this_month_micros / 1e6;
  const fraction = limit > 0 ? spent / limit : spent > 0 ? Infinity : 0;
  const level: BudgetLevel = fraction >= 1 ? 'exhausted' : fraction >= 0.8 ? 'critical' : fraction >= 0.5 ? 'warning' : 'ok';
  return { limit, spent, remaining: Math.max(0, limit - spent), fraction, level };
}

/**
 * What a rental can cost at most: the hourly price for every reserved hour (the reservation ends
 * the session; extending it is a separate, explicit step). Computed in micro-dollars, as the server does.
 */
export function worstCaseMicros(pricePerHourMicros: number, hours: number): number {
  return Math.round(pricePerHourMicros * hours);
}

/** Whether the worst case fits in what is left of the budget (no budget: nothing to exceed). */
export function fitsBudget(worstCase: number, budget: Budget | null): boolean {
  if (!budget) return true;
  return worstCase <= budget.monthly_limit_micros - budget.spent_this_month_micros;
}
