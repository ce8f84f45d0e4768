import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { benchmarkRunToDto } from '../../http/benchmark-mappers.js';

/** `GET /api/v1/benchmark-runs/:id` (admin): status, entry counts, every attempt with its error_type and cost. */
export function registerBenchmarkRunsGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmark-runs/:id', async (req, res) => {
    requireAdmin(res);
    const run = await deps.benchmarks.repositories.runs.get(req.params.id);
    if (!run) throw new ApiError('NOT_FOUND', `benchmark run '${req.params.id}' not found`);
    res.json(benchmarkRunToDto(run));
  });
}
