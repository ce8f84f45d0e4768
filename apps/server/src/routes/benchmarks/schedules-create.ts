import { type Router } from 'express';

import { createBenchmarkScheduleRequestSchema } from '@gpu-shopper/contract';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { benchmarkScheduleToDto, runTemplateFromWire } from '../../http/benchmark-mappers.js';
import { validate } from '../../http/validate.js';
import { scheduleValidationError } from './schedules.js';

/** `POST /api/v1/benchmark-schedules` (admin): a recurring run; the cron expression and time zone are validated. */
export function registerBenchmarkSchedulesCreate(router: Router, deps: AppDeps): void {
  router.post('/api/v1/benchmark-schedules', async (req, res) => {
    requireAdmin(res);
    const body = validate(createBenchmarkScheduleRequestSchema, req.body, 'body');
    const created = await deps.benchmarks.scheduler.create({
      name: body.name,
      cronExpression: body.cron_expression,
      timezone: body.timezone,
      runTemplate: runTemplateFromWire(body.run_template),
      enabled: body.enabled,
    });
    if (!created.ok) throw created.err.code === 'VALIDATION_FAILED' ? scheduleValidationError(created.err) : created.err;
    deps.logger.info('benchmark schedule created', { requestId: res.locals.requestId, scheduleId: created.val.id, cron: created.val.cronExpression });
    res.status(201).json(benchmarkScheduleToDto(created.val));
  });
}
