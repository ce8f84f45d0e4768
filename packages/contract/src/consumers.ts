import { z } from 'zod';

import { microsSchema, timestampSchema, usdSchema } from './common.js';

export const createConsumerRequestSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore, starting with a letter or digit'),
    name: z.string().min(1).max(200).optional(),
    monthly_budget: z.number().positive().max(1_000_000).optional().meta({ description: 'Monthly limit in USD' }),
  })
  .strict()
  .meta({ id: 'CreateConsumerRequest' });

export const apiKeySchema = z.object({
  id: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
  created_at: timestampSchema,
  revoked_at: timestampSchema.nullable(),
  last_used_at: timestampSchema.nullable(),
});

export const budgetSchema = z.object({
  monthly_limit: usdSchema,
  monthly_limit_micros: microsSchema,
  spent_this_month: usdSchema,
  spent_this_month_micros: microsSchema,
  alerts_sent: z.array(z.number().int()),
});

export const consumerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: timestampSchema,
    disabled_at: timestampSchema.nullable(),
    api_keys: z.array(apiKeySchema),
    budget: budgetSchema.nullable(),
  })
  .meta({ id: 'Consumer' });
export type ConsumerDto = z.infer<typeof consumerSchema>;

export const createConsumerResponseSchema = z
  .object({ consumer: consumerSchema, api_key: z.string().meta({ description: 'Shown once; store it now' }) })
  .meta({ id: 'CreateConsumerResponse' });
export const createApiKeyResponseSchema = z.object({ api_key: z.string(), key: apiKeySchema }).meta({ id: 'CreateApiKeyResponse' });
export const consumerListResponseSchema = z.object({ consumers: z.array(consumerSchema) }).meta({ id: 'ConsumerList' });
export const setBudgetRequestSchema = z
  .object({ monthly_limit: z.number().positive().max(1_000_000).meta({ description: 'USD per calendar month (UTC)' }) })
  .strict()
  .meta({ id: 'SetBudgetRequest' });
