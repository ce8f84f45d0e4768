import { type Router } from 'express';

import { bestBenchmark } from '@gpu-shopper/bench';
import { benchmarkModelQuerySchema } from '@gpu-shopper/contract';

import { type AppDeps } from '../../deps.js';
import { rankedToDto } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';
import { noBenchmarks, resultsForModel } from './shared.js';

/** `GET /api/v1/benchmarks/best?model=`: highest median tokens/s per (GPU, provider) over the newest 5 valid results. */
export function registerBenchmarksBest(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmarks/best', async (req, res) => {
    const query = validate(benchmarkModelQuerySchema, req.query, 'query');
    const best = bestBenchmark(await resultsForModel(deps, query.model, query.provider), query.model, { now: deps.clock.now() });
    if (!best) throw noBenchmarks(query.model, query.provider);
    res.json(rankedToDto(best));
  });
}
