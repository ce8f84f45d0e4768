import { z } from 'zod';

import { consumerIdSchema } from '../sessions/session.js';

/** An application or team that rents GPUs; sessions, costs and budgets belong to one. */
export const consumerSchema = z.object({
  id: consumerIdSchema,
  name: z.string().min(1).max(200),
  createdAt: z.date(),
  disabledAt: z.date().nullable(),
});
export type Consumer = z.infer<typeof consumerSchema>;

/**
 * A consumer's API key. Only a SHA-256 hash of the secret is stored; `prefix` (the first characters
 * of the key) lets people recognise a key in listings without revealing it.
 */
export const apiKeySchema = z.object({
  id: z.string().min(1),
  consumerId: consumerIdSchema,
  prefix: z.string().min(4).max(32),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256 digest'),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const BUDGET_ALERT_THRESHOLDS = [50, 80, 100] as const;
export type BudgetAlertThreshold = (typeof BUDGET_ALERT_THRESHOLDS)[number];

/**
 * A spending limit per calendar month (UTC). Provisioning is refused when the worst-case cost of the
 * reservation exceeds what is left (invariant 11); alerts fire once per threshold per period.
 */
export const budgetSchema = z.object({
  consumerId: consumerIdSchema,
  monthlyLimitMicros: z.number().int().positive(),
  /** First instant of the period `alertsSent` refers to; a new month resets it. */
  periodStart: z.date(),
  alertsSent: z.array(z.union([z.literal(50), z.literal(80), z.literal(100)])),
  updatedAt: z.date(),
});
export type Budget = z.infer<typeof budgetSchema>;

/** Start of the UTC calendar month containing `at`. */
export function budgetPeriodStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** Thresholds crossed by `spentMicros` that have not been alerted yet in the budget's period. */
export function dueBudgetAlerts(budget: Budget, spentMicros: number): BudgetAlertThreshold[] {
  const percent = (spentMicros * 100) / budget.monthlyLimitMicros;
  return BUDGET_ALERT_THRESHOLDS.filter((t) => percent >= t && !budget.alertsSent.includes(t));
}

/** What may still be spent this period (never negative). */
export function remainingBudget(budget: Budget, spentMicros: number): number {
  return Math.max(0, budget.monthlyLimitMicros - spentMicros);
}
