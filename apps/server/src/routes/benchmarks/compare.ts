import { type Router } from 'express';

import { compareBenchmarks, type CompareBaseline } from '@gpu-shopper/bench';
import { compareBenchmarkQuerySchema } from '@gpu-shopper/contract';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { rankedToDto } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';
import { gpuSkuOf, noBenchmarks, resultsForModel } from './shared.js';

/**
 * `GET /api/v1/benchmarks/compare?model=[&baseline=fastest|cheapest][&baseline_gpu=&baseline_provider=]`:
 * every (GPU, provider) of a model against a baseline: speedup = tps ÷ base tps, cost efficiency =
 * tokens-per-dollar ÷ base's, memory efficiency = tps-per-GiB ÷ base's, plus each row's absolute cost.
 */
export function registerBenchmarksCompare(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmarks/compare', async (req, res) => {
    const query = validate(compareBenchmarkQuerySchema, req.query, 'query');
    if ((query.baseline_gpu === undefined) !== (query.baseline_provider === undefined) || (query.baseline_gpu !== undefined && query.baseline !== undefined)) {
      throw new ApiError('VALIDATION_FAILED', 'invalid query: name a baseline either with `baseline` or with both `baseline_gpu` and `baseline_provider`', [
        { path: 'query.baseline_gpu', message: 'needs baseline_provider, and excludes baseline' },
      ]);
    }
    const baseline: CompareBaseline =
      query.baseline_gpu !== undefined && query.baseline_provider !== undefined ? { gpu: gpuSkuOf(query.baseline_gpu), provider: query.baseline_provider } : (query.baseline ?? 'fastest');
    const comparison = compareBenchmarks(await resultsForModel(deps, query.model, query.provider), query.model, baseline, { now: deps.clock.now() });
    if (!comparison) throw noBenchmarks(query.model, query.provider, typeof baseline === 'object' ? ` for the baseline ${baseline.gpu} at ${baseline.provider}` : '');
    res.json({
      model: comparison.model,
      baseline: rankedToDto(comparison.baseline),
      comparisons: comparison.comparisons.map((row) => ({
        ...rankedToDto(row),
        speedup_factor: row.speedupFactor,
        cost_efficiency: row.costEfficiency,
        memory_efficiency: row.memoryEfficiency,
      })),
    });
  });
}
