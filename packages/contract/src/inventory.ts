import { z } from 'zod';

import { microsSchema, providerSchema, queryInteger, queryNumber, queryString, timestampSchema, usdSchema } from './common.js';

export const offerSchema = z
  .object({
    id: z.string().meta({ description: 'Offer id to provision, e.g. `vastai-12345`' }),
    provider: providerSchema,
    provider_offer_id: z.string(),
    gpu_type: z.string().meta({ description: 'Canonical GPU SKU (`RTX 4090`, `H100 SXM`), or the tidied vendor name when unknown' }),
    gpu_name: z.string().meta({ description: "The vendor's own GPU name" }),
    gpu_known: z.boolean().meta({ description: 'False when the GPU is not in the catalogue (kept, never dropped)' }),
    gpu_count: z.number().int(),
    vram_gb: z.number().meta({ description: 'Per GPU' }),
    price_per_hour: usdSchema,
    price_per_hour_micros: microsSchema,
    location: z.string(),
    reliability: z.number().nullable(),
    cuda_version: z.string().nullable(),
    available: z.boolean(),
    fetched_at: timestampSchema,
    simulated: z.boolean().meta({ description: 'True when served by the built-in simulator' }),
    interruptible: z.boolean().meta({
      description: 'Interruptible (spot, Vast.ai): rented with a bid and stopped when a higher bid takes the machine; `price_per_hour` is the price at the minimum bid',
    }),
    min_bid: usdSchema.nullable().meta({ description: 'Lowest bid the vendor accepts now, USD per hour for the whole offer; null for on-demand offers or when the vendor states none' }),
    min_bid_micros: microsSchema.nullable(),
    capabilities: z.object({
      stop_without_destroy: z.boolean(),
      templates: z.boolean(),
      idle_detection: z.boolean(),
      async_create: z.boolean(),
    }),
  })
  .meta({ id: 'Offer' });
export type OfferDto = z.infer<typeof offerSchema>;

export const OFFER_SORTS = ['price', 'price_per_gpu', 'vram', 'reliability'] as const;
export const OFFER_PRICINGS = ['on-demand', 'spot', 'any'] as const;

export const inventoryQuerySchema = z
  .object({
    provider: z.preprocess((v) => (v === '' ? undefined : v), providerSchema.optional()),
    gpu: queryString().meta({ description: 'GPU SKU, alias or family: `RTX4090`, `A100`' }),
    gpu_type: queryString().meta({ description: 'Alias of `gpu`' }),
    min_vram: queryNumber({ min: 0, max: 1024 }).meta({ description: 'Minimum VRAM per GPU, GB' }),
    max_price: queryNumber().meta({ description: 'Maximum price per hour, USD' }),
    min_gpus: queryInteger({ min: 1, max: 64 }),
    min_cuda: queryString().meta({ description: 'Minimum CUDA version, e.g. `12.4`' }),
    template_hash_id: queryString(),
    location: queryString(),
    min_reliability: queryNumber({ min: 0, max: 1 }),
    sort: z.preprocess((v) => (v === '' ? undefined : v), z.enum(OFFER_SORTS).optional()),
    pricing: z
      .preprocess((v) => (v === '' ? undefined : v), z.enum(OFFER_PRICINGS).optional())
      .meta({ description: '`on-demand` (default), `spot` (interruptible offers only, Vast.ai) or `any`' }),
    limit: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(10_000).optional()),
  })
  .strict();
export type InventoryQuery = z.infer<typeof inventoryQuerySchema>;

export const providerInventoryStatusSchema = z.object({
  provider: providerSchema,
  state: z.enum(['ok', 'stale', 'rate_limited', 'error']),
  offer_count: z.number().int(),
  fetched_at: timestampSchema.nullable(),
  stale_since: timestampSchema.nullable(),
  rate_limited_until: timestampSchema.nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
});

export const inventoryResponseSchema = z
  .object({
    offers: z.array(offerSchema),
    count: z.number().int(),
    providers: z.array(providerInventoryStatusSchema).meta({ description: 'Per-provider status: a failing provider never hides the others' }),
  })
  .meta({ id: 'InventoryResponse' });
export type InventoryResponse = z.infer<typeof inventoryResponseSchema>;

export const offerHealthSchema = z.object({
  offer_id: z.string(),
  provider: z.string(),
  gpu_type: z.string(),
  recent_failures: z.number().int(),
  suppressed: z.boolean(),
  suppressed_until: timestampSchema.nullable(),
  last_failure_at: timestampSchema,
  last_failure_type: z.string(),
  last_failure_reason: z.string(),
});
export const offerHealthResponseSchema = z.object({ offers: z.array(offerHealthSchema) }).meta({ id: 'OfferHealthResponse' });
export type OfferHealthResponse = z.infer<typeof offerHealthResponseSchema>;
