import { z } from 'zod';

import { benchmarkRunRequestSchema } from './benchmark-run.js';

/**
 * A recurring benchmark run. The cron expression is validated and `nextRunAt` computed by
 * `@gpu-shopper/bench` with a cron library (core stays free of it); core only holds the record.
 * Firing is a compare-and-set on `version` that moves `nextRunAt` forward and records the run id
 * before the run is created, so two schedulers (or one restarted) never fire the same slot twice.
 */
export const benchmarkScheduleSchema = z.object({
  /** `bsc_…`. */
  id: z.string().min(1),
  /** Unique, human-chosen. */
  name: z.string().trim().min(1).max(100),
  /** 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first. */
  cronExpression: z.string().trim().min(1).max(200),
  /** IANA time zone the expression is read in, e.g. `UTC`, `Europe/Berlin`. */
  timezone: z.string().min(1).max(64),
  /** The run each firing starts. */
  runTemplate: benchmarkRunRequestSchema,
  enabled: z.boolean(),
  /** The next slot it fires at; null while disabled or when the expression has no future slot. */
  nextRunAt: z.date().nullable(),
  lastRunAt: z.date().nullable(),
  lastRunId: z.string().nullable(),
  /** Why the last slot started no run (the previous run still active, the start was refused). */
  lastSkipReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.number().int().nonnegative(),
});
export type BenchmarkSchedule = z.infer<typeof benchmarkScheduleSchema>;

export type BenchmarkScheduleChanges = Partial<Omit<BenchmarkSchedule, 'id' | 'createdAt' | 'version'>>;
