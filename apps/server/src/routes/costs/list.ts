import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { answerCostReport } from './report.js';

/** `GET /api/v1/costs`: totals and breakdowns over any range (inclusive UTC dates). */
export function registerCostsList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/costs', async (req, res) => {
    await answerCostReport(deps, res, req.query);
  });
}
