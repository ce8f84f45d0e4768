import { z } from 'zod';

import { timestampSchema } from './common.js';

export const healthResponseSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    mode: z.enum(['live', 'simulate']),
    deployment_id: z.string(),
    time: timestampSchema,
    simulator: z.object({ control: z.string() }).nullable().meta({ description: 'The simulator control API, in simulate mode' }),
  })
  .meta({ id: 'Health' });

export const readyResponseSchema = z
  .object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.enum(['ok', 'failing'])) })
  .meta({ id: 'Ready' });
