import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { benchmarkScheduleToDto } from '../../http/benchmark-mappers.js';
import { scheduleNotFound } from './schedules.js';

/** `GET /api/v1/benchmark-schedules` and `GET /api/v1/benchmark-schedules/:id` (admin). */
export function registerBenchmarkSchedulesRead(router: Router, deps: AppDeps): void {
  router.get('/api/v1/benchmark-schedules', async (_req, res) => {
    requireAdmin(res);
    const schedules = await deps.benchmarks.scheduler.list();
    res.json({ schedules: schedules.map(benchmarkScheduleToDto), count: schedules.length });
  });
  router.get('/api/v1/benchmark-schedules/:id', async (req, res) => {
    requireAdmin(res);
    const schedule = await deps.benchmarks.scheduler.get(req.params.id);
    if (!schedule) throw scheduleNotFound(req.params.id);
    res.json(benchmarkScheduleToDto(schedule));
  });
}
