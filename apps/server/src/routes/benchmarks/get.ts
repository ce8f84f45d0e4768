import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { benchmarkResultToDto } from '../../http/benchmark-mappers.js';

/** `GET /api/v1/benchmarks/:id`: one result, invalid ones included (with their reasons). */
export function registerBenchmarksGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmarks/:id', async (req, res) => {
    const result = await deps.benchmarks.repositories.results.get(req.params.id);
    if (!result) throw new ApiError('NOT_FOUND', `benchmark '${req.params.id}' not found`);
    res.json(benchmarkResultToDto(result));
  });
}
