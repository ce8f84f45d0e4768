import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { answerCostReport } from './report.js';

/** `GET /api/v1/costs/summary`: this calendar month (UTC) unless a range is given, by day. */
export function registerCostsSummary(router: Router, deps: AppDeps): void {
  router.get('/api/v1/costs/summary', async (req, res) => {
    const now = deps.clock.now();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
    const query = req.query as Record<string, unknown>;
    await answerCostReport(deps, res, { start: monthStart, period: 'daily', ...query });
  });
}
