import { type Router } from 'express';

import { benchmarkRunListQuerySchema } from '@gpu-shopper/contract';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { benchmarkRunToDto } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';

/** `GET /api/v1/benchmark-runs` (admin): runs newest first, by status or schedule; cursor paging. */
export function registerBenchmarkRunsList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmark-runs', async (req, res) => {
    requireAdmin(res);
    const query = validate(benchmarkRunListQuerySchema, req.query, 'query');
    const limit = query.limit ?? 50;
    const rows = await deps.benchmarks.repositories.runs.list({
      ...(query.status ? { statuses: [query.status] } : {}),
      ...(query.schedule_id ? { scheduleId: query.schedule_id } : {}),
      ...(query.cursor ? { beforeId: query.cursor } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    res.json({ runs: page.map(benchmarkRunToDto), count: page.length, next_cursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null });
  });
}
