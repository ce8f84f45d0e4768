import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { scheduleNotFound } from './schedules.js';

/** `DELETE /api/v1/benchmark-schedules/:id` (admin): stops future firings; runs it already started are kept. */
export function registerBenchmarkSchedulesDelete(router: Router, deps: AppDeps): void {
  router.delete('/api/v1/benchmark-schedules/:id', async (req, res) => {
    requireAdmin(res);
    if (!(await deps.benchmarks.scheduler.delete(req.params.id))) throw scheduleNotFound(req.params.id);
    res.json({ id: req.params.id, deleted: true });
  });
}
