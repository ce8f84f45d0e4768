import { type Router } from 'express';

import { benchmarkListQuerySchema } from '@gpu-shopper/contract';

import { type AppDeps } from '../../deps.js';
import { benchmarkResultToDto } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';
import { gpuSkuOf } from './shared.js';

const DEFAULT_LIMIT = 100;

/** `GET /api/v1/benchmarks`: results newest first; every filter combines with every other; cursor paging. */
export function registerBenchmarksList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmarks', async (req, res) => {
    const query = validate(benchmarkListQuerySchema, req.query, 'query');
    const limit = query.limit ?? DEFAULT_LIMIT;
    // One more than asked tells whether a next page exists without a count query.
    const rows = await deps.benchmarks.repositories.results.list({
      ...(query.model ? { model: query.model } : {}),
      ...(query.gpu ? { gpuSku: gpuSkuOf(query.gpu) } : {}),
      ...(query.provider ? { provider: query.provider } : {}),
      ...(query.runtime ? { runtime: query.runtime } : {}),
      ...(query.source ? { source: query.source } : {}),
      ...(query.run_id ? { runId: query.run_id } : {}),
      ...(query.since ? { since: new Date(query.since) } : {}),
      ...(query.include_invalid ? { includeInvalid: true } : {}),
      ...(query.cursor ? { beforeId: query.cursor } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    res.json({ benchmarks: page.map(benchmarkResultToDto), count: page.length, next_cursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null });
  });
}
