import { z } from 'zod';

import { microsSchema, providerSchema, queryString, timestampSchema, usdSchema } from './common.js';

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

/** One instance as the cost ledger records it; a reprovisioned spot session has one per instance. */
export const instanceCostSchema = z
  .object({
    session_id: z.string(),
    provider_instance_id: z.string().nullable(),
    provider: providerSchema,
    gpu_type: z.string(),
    interruptible: z.boolean(),
    bid: usdSchema.nullable().meta({ description: 'Spot: the bid the instance ran at, USD per hour (storage not included)' }),
    bid_micros: microsSchema.nullable(),
    on_demand_price: usdSchema.nullable().meta({ description: 'Spot: the on-demand price of the same GPU when the instance was rented (cheapest comparable on-demand offer), USD per hour; null when none was listed' }),
    on_demand_price_micros: microsSchema.nullable(),
    started_at: timestampSchema.meta({ description: 'Start of the instance\u2019s billing' }),
    ended_at: timestampSchema.meta({ description: 'End of its billing so far: its preemption or stop, or now while it runs' }),
    lifetime_seconds: z.number().int(),
    cost: usdSchema,
    cost_micros: microsSchema,
    on_demand_cost_micros: microsSchema.nullable().meta({ description: 'What the same seconds cost at on_demand_price' }),
    saving_micros: microsSchema.nullable().meta({ description: 'on_demand_cost_micros \u2212 cost_micros' }),
  })
  .meta({ id: 'InstanceCost' });
export type InstanceCostDto = z.infer<typeof instanceCostSchema>;

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
    spot_cost: usdSchema.meta({ description: 'Part of total_cost spent on spot instances whose GPU had an on-demand price when rented' }),
    spot_cost_micros: microsSchema,
    spot_on_demand_cost: usdSchema.meta({ description: 'What those spot seconds cost at the on-demand price of the same GPU, recorded at rental time' }),
    spot_on_demand_cost_micros: microsSchema,
    spot_saving: usdSchema.meta({ description: 'spot_on_demand_cost \u2212 spot_cost: what renting spot saved' }),
    spot_saving_micros: microsSchema,
    spot_instances: z.array(instanceCostSchema).meta({ description: 'Each spot instance billed in the range, with its bid, lifetime, cost and saving' }),
    start: z.string().nullable(),
    end: z.string().nullable(),
    consumer_id: z.string().nullable(),
  })
  .meta({ id: 'CostSummary' });
export type CostSummaryDto = z.infer<typeof costSummarySchema>;
