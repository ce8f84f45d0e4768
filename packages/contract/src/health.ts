import { z } from 'zod';

import { timestampSchema } from './common.js';

export const healthResponseSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    mode: z.enum(['live', 'simulate']),
    deployment_id: z.string(),
    time: timestampSchema,
    simulator: z.object({ control: z.string() }).nullable().meta({ description: 'The simulator control API, in simulate mode; shown to the admin only (null for everyone else)' }),
  })
  .meta({ id: 'Health' });

export const readyResponseSchema = z
  .object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.enum(['ok', 'failing'])) })
  .meta({ id: 'Ready' });

export const whoamiResponseSchema = z
  .object({
    role: z.enum(['admin', 'consumer']).meta({ description: 'What the credential may do: the admin everything, a consumer only its own sessions and costs' }),
    consumer_id: z.string().nullable().meta({ description: 'The consumer a consumer key belongs to; null for the admin' }),
    deployment_id: z.string().meta({ description: 'The deployment this server labels its instances with' }),
  })
  .meta({ id: 'Whoami' });
export type WhoamiResponse = z.infer<typeof whoamiResponseSchema>;
