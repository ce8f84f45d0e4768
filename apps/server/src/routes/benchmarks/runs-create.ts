import { type Router } from 'express';

import { createBenchmarkRunRequestSchema } from '@gpu-shopper/contract';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { benchmarkRunToDto, runTemplateFromWire } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';

/**
 * `POST /api/v1/benchmark-runs` (admin: a run rents GPUs with real money). Persists the run with its
 * entries and works it in the background; `max_budget` (USD) caps the real accrued cost.
 */
export function registerBenchmarkRunsCreate(router: Router, deps: AppDeps): void {
  router.post('/api/v1/benchmark-runs', async (req, res) => {
    requireAdmin(res);
    const body = validate(createBenchmarkRunRequestSchema, req.body, 'body');
    const created = await deps.benchmarks.runner.createAndStart(runTemplateFromWire(body));
    if (!created.ok) {
      const details = created.err.context.issues.map((i) => ({ path: `body.${snake(i.path)}`, message: i.message }));
      throw new ApiError('VALIDATION_FAILED', created.err.message, details);
    }
    deps.logger.info('benchmark run started', { requestId: res.locals.requestId, runId: created.val.id, entries: created.val.entries.length });
    res.status(201).json(benchmarkRunToDto(created.val));
  });
}

/** The runner names fields in camelCase (`gpuTypes`); the caller sent snake_case. */
function snake(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/_micros$/, '');
}
