import { z } from 'zod';

import { microsSchema, queryString, usdSchema } from './common.js';

const date = z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').optional());

export const costQuerySchema = z
  .object({
    consumer_id: queryString(),
    session_id: queryString(),
    provider: queryString(),
    period: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['daily', 'monthly']).optional()),
    start: date.meta({ description: 'First day included (UTC)' }),
    end: date.meta({ description: 'Last day included (UTC)' }),
  })
  .strict();

export const costSummarySchema = z
  .object({
    total_cost: usdSchema,
    total_cost_micros: microsSchema,
    session_count: z.number().int(),
    hours_used: z.number(),
    accruing_cost: usdSchema.meta({ description: 'Part of total_cost still accruing: running sessions since their last ledger line, up to now' }),
    accruing_cost_micros: microsSchema,
    accruing_sessions: z.number().int().meta({ description: 'Running sessions with an accruing part' }),
    by_provider: z.record(z.string(), usdSchema),
    by_gpu_type: z.record(z.string(), usdSchema),
    by_period: z.array(z.object({ period: z.string(), cost: usdSchema, cost_micros: microsSchema })),
    start: z.string().nullable(),
    end: z.string().nullable(),
    consumer_id: z.string().nullable(),
  })
  .meta({ id: 'CostSummary' });
export type CostSummaryDto = z.infer<typeof costSummarySchema>;
