import { type Router } from 'express';

import { cheapestBenchmark } from '@gpu-shopper/bench';
import { cheapestBenchmarkQuerySchema } from '@gpu-shopper/contract';

import { type AppDeps } from '../../deps.js';
import { rankedToDto } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';
import { noBenchmarks, resultsForModel } from './shared.js';

/**
 * `GET /api/v1/benchmarks/cheapest?model=&min_tps=`: lowest $ per million tokens
 * (median price / (median tokens/s × 3600) × 1e6) among priced groups reaching min_tps.
 */
export function registerBenchmarksCheapest(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmarks/cheapest', async (req, res) => {
    const query = validate(cheapestBenchmarkQuerySchema, req.query, 'query');
    const cheapest = cheapestBenchmark(await resultsForModel(deps, query.model, query.provider), query.model, query.min_tps ?? 0, { now: deps.clock.now() });
    if (!cheapest) throw noBenchmarks(query.model, query.provider, query.min_tps ? ` with a price and at least ${query.min_tps} tokens/s` : ' with a price');
    res.json(rankedToDto(cheapest));
  });
}
