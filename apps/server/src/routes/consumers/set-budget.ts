import { type Router } from 'express';

import { REQUEST_ALIASES, setBudgetRequestSchema } from '@gpu-shopper/contract';
import { budgetPeriodStart, usdToMicros } from '@gpu-shopper/core';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { validateWithAliases } from '../../http/validate.js';
import { consumerView, loadConsumer } from './view.js';

/** `PUT /api/v1/consumers/:id/budget` (admin): the monthly limit; alerts already sent this month stay sent. */
export function registerConsumersSetBudget(router: Router, deps: AppDeps): void {
  router.put('/api/v1/consumers/:id/budget', async (req, res) => {
    requireAdmin(res);
    const body = validateWithAliases(setBudgetRequestSchema, REQUEST_ALIASES.setBudget, req.body, 'body');
    const consumer = await loadConsumer(deps, req.params.id);
    const now = deps.clock.now();
    const existing = await deps.repositories.budgets.get(consumer.id);
    const period = budgetPeriodStart(now);
    await deps.repositories.budgets.upsert({
      consumerId: consumer.id,
      monthlyLimitMicros: usdToMicros(body.monthly_limit),
      periodStart: period,
      alertsSent: existing && existing.periodStart.getTime() === period.getTime() ? existing.alertsSent : [],
      updatedAt: now,
    });
    res.json(await consumerView(deps, consumer));
  });
}
