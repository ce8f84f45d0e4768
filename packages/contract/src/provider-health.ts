import { z } from 'zod';

import { providerSchema, timestampSchema } from './common.js';

const countSchema = z.object({ reason: z.string(), count: z.number().int().nonnegative() });

/** What one provider answered to the read-only checks of `gpu-shopper doctor` / `GET /api/v1/providers/health`. */
export const providerHealthSchema = z
  .object({
    provider: providerSchema,
    ok: z.boolean().meta({ description: 'Every check passed' }),
    reachable: z.boolean().meta({ description: 'An HTTP answer came back (any status)' }),
    authenticated: z.boolean().nullable().meta({ description: 'The key was accepted; null when unreachable' }),
    error: z.string().nullable().meta({ description: 'The first failure, naming the provider (e.g. "vastai: authentication failed (HTTP 401) …")' }),
    offers: z
      .object({
        received: z.number().int().nullable().meta({ description: 'Items in the vendor answer (bundles, location × GPU, type × region)' }),
        parsed: z.number().int(),
        dropped: z.array(countSchema).meta({ description: 'Items that did not become offers, by reason' }),
        unknown_gpus: z.array(countSchema).meta({ description: 'GPU names the catalogue does not know (listed with gpu_known: false), by name' }),
      })
      .nullable(),
    instances: z.object({ parsed: z.number().int() }).nullable().meta({ description: 'Our instances (label gpushop-…) the listing returned' }),
    balance: z.object({ amount: z.number(), currency: z.string() }).nullable().meta({ description: 'Account balance, where the vendor has an API for it' }),
    rate_limit_headers: z.record(z.string(), z.string()),
    clock_skew_ms: z.number().int().nullable().meta({ description: 'Vendor Date header minus local time (1 s resolution)' }),
    calls: z.array(
      z.object({
        operation: z.string(),
        method: z.string(),
        path: z.string(),
        status: z.number().int().nullable(),
        duration_ms: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ProviderHealth' });
export type ProviderHealth = z.infer<typeof providerHealthSchema>;

export const providerHealthResponseSchema = z
  .object({ checked_at: timestampSchema, providers: z.array(providerHealthSchema) })
  .meta({ id: 'ProviderHealthReport' });
export type ProviderHealthResponse = z.infer<typeof providerHealthResponseSchema>;
