import { type Router } from 'express';

import { updateBenchmarkScheduleRequestSchema } from '@gpu-shopper/contract';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { benchmarkScheduleToDto, runTemplateFromWire } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';
import { scheduleNotFound, scheduleValidationError } from './schedules.js';

/** `PUT /api/v1/benchmark-schedules/:id` (admin): partial update; the next slot is recomputed when the timing changes. */
export function registerBenchmarkSchedulesUpdate(router: Router, deps: AppDeps): void {
  router.put('/api/v1/benchmark-schedules/:id', async (req, res) => {
    requireAdmin(res);
    const body = validate(updateBenchmarkScheduleRequestSchema, req.body, 'body');
    const updated = await deps.benchmarks.scheduler.update(req.params.id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.cron_expression !== undefined ? { cronExpression: body.cron_expression } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(body.run_template !== undefined ? { runTemplate: runTemplateFromWire(body.run_template) } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    });
    if (!updated.ok) {
      if (updated.err.code === 'NOT_FOUND') throw scheduleNotFound(req.params.id);
      throw updated.err.code === 'VALIDATION_FAILED' ? scheduleValidationError(updated.err) : updated.err;
    }
    res.json(benchmarkScheduleToDto(updated.val));
  });
}
