import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { benchmarkRunToDto } from '../../http/benchmark-mappers.js';

/**
 * `DELETE /api/v1/benchmark-runs/:id` (admin): cancels the run — no new attempt starts, the current
 * attempt's session is destroyed (verified), unfinished entries become `cancelled`. A finished run
 * is returned unchanged.
 */
export function registerBenchmarkRunsCancel(router: Router, deps: AppDeps): void {
  router.delete('/api/v1/benchmark-runs/:id', async (req, res) => {
    requireAdmin(res);
    const cancelled = await deps.benchmarks.runner.cancel(req.params.id);
    if (!cancelled.ok) throw new ApiError('NOT_FOUND', `benchmark run '${req.params.id}' not found`);
    deps.logger.info('benchmark run cancel requested', { requestId: res.locals.requestId, runId: req.params.id, status: cancelled.val.status });
    res.json(benchmarkRunToDto(cancelled.val));
  });
}
