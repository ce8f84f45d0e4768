import { z } from 'zod';

import { microsSchema, paginationQuerySchema, providerSchema, queryString, timestampSchema, usdSchema } from './common.js';
import { instanceCostSchema } from './costs.js';
import { offerSchema } from './inventory.js';

export const SESSION_STATUSES = ['pending', 'provisioning', 'running', 'stopped', 'stopping', 'terminated', 'failed'] as const;
export const WORKLOAD_TYPES = ['llm', 'llm_vllm', 'llm_tgi', 'training', 'batch', 'interactive', 'benchmark'] as const;
export const STORAGE_POLICIES = ['destroy', 'preserve'] as const;
export const RETRY_SCOPES = ['same_gpu', 'same_vram', 'any'] as const;
export const SESSION_PRICINGS = ['on-demand', 'spot'] as const;
export const ON_PREEMPT_POLICIES = ['end', 'reprovision'] as const;

const consumerId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore, starting with a letter or digit');

export const sessionSchema = z
  .object({
    id: z.string(),
    consumer_id: z.string(),
    provider: providerSchema,
    offer_id: z.string(),
    provider_instance_id: z.string().nullable(),
    gpu_type: z.string(),
    gpu_count: z.number().int(),
    status: z.enum(SESSION_STATUSES),
    workload_type: z.enum(WORKLOAD_TYPES),
    reservation_hours: z.number().int(),
    idle_timeout: z.number().int().meta({ description: 'Idle timeout in minutes; 0 = disabled' }),
    storage_policy: z.enum(STORAGE_POLICIES),
    price_per_hour: usdSchema,
    price_per_hour_micros: microsSchema,
    ssh_host: z.string().nullable(),
    ssh_port: z.number().int().nullable(),
    ssh_user: z.string().nullable(),
    ssh_command: z.string().nullable().meta({ description: '`ssh -p <port> <user>@<host>` once known' }),
    created_at: timestampSchema,
    expires_at: timestampSchema,
    hard_max_at: timestampSchema,
    stopped_at: timestampSchema.nullable(),
    stop_reason: z.string().nullable(),
    error: z.string().nullable(),
    error_type: z.string().nullable(),
    retry_suggested: z.boolean().meta({ description: 'Whether trying again (another offer) may succeed' }),
    auto_retry: z.boolean(),
    attempt: z.number().int(),
    interruptible: z.boolean().meta({ description: 'An interruptible (spot) session, rented with a bid' }),
    bid: usdSchema.nullable().meta({ description: 'Spot: the bid placed for the current instance, USD per hour (storage not included); null on-demand' }),
    max_bid: usdSchema.nullable().meta({ description: 'Spot: the highest bid the session may place, also when it reprovisions; null on-demand' }),
    on_preempt: z.enum(ON_PREEMPT_POLICIES).nullable().meta({ description: 'Spot: what a preemption (outbid) does; null on-demand' }),
    preemptions: z.number().int().meta({ description: 'How many of its instances were preempted so far' }),
    on_demand_price: usdSchema.nullable().meta({ description: 'Spot: the on-demand price of the same GPU when the current instance was rented, USD per hour (the reference for savings); null on-demand or when none was listed' }),
    on_demand_price_micros: microsSchema.nullable(),
    instances: z
      .array(instanceCostSchema)
      .optional()
      .meta({ description: 'GET /api/v1/sessions/{id} only: each instance the session billed, as the cost ledger records it (bid, on-demand reference, lifetime, cost, saving)' }),
    cost_so_far: usdSchema,
    cost_so_far_micros: microsSchema,
    simulated: z.boolean(),
  })
  .meta({ id: 'Session' });
export type SessionDto = z.infer<typeof sessionSchema>;

export const createSessionRequestSchema = z
  .object({
    consumer_id: consumerId,
    offer_id: z.string().min(1).max(200).optional(),
    gpu: z.string().min(1).max(100).optional().meta({ description: 'Instead of offer_id: the cheapest available offer of this GPU' }),
    reservation_hours: z.number().int().min(1).max(12).default(2),
    workload_type: z.enum(WORKLOAD_TYPES).default('llm'),
    idle_timeout: z.number().int().min(0).max(720).default(0),
    storage_policy: z.enum(STORAGE_POLICIES).default('destroy'),
    template_hash_id: z.string().min(1).max(100).optional(),
    disk_gb: z.number().int().min(10).max(10_000).optional(),
    auto_retry: z.boolean().default(false),
    max_retries: z.number().int().min(0).max(9).default(2).meta({ description: 'Further attempts after the first, with auto_retry' }),
    retry_scope: z.enum(RETRY_SCOPES).default('same_gpu'),
    pricing: z
      .enum(SESSION_PRICINGS)
      .default('on-demand')
      .meta({ description: '`spot` rents an interruptible offer (Vast.ai) with a bid; the offer must be listed with pricing=spot' }),
    max_bid: z
      .number()
      .positive()
      .max(128)
      .optional()
      .meta({ description: 'Spot: the highest bid, USD per hour for the instance (storage not included). Default: the offer\'s minimum bid plus 10 %' }),
    on_preempt: z
      .enum(ON_PREEMPT_POLICIES)
      .optional()
      .meta({ description: 'Spot: when outbid, `end` the session (default) or `reprovision` on a comparable spot offer within the budget and max_bid, with the same key' }),
  })
  .strict()
  .refine((body) => (body.offer_id === undefined) !== (body.gpu === undefined), {
    message: 'give exactly one of offer_id or gpu',
    path: ['offer_id'],
  })
  .meta({ id: 'CreateSessionRequest' });
export type CreateSessionRequest = z.input<typeof createSessionRequestSchema>;

export const createSessionResponseSchema = z
  .object({
    session: sessionSchema,
    offer: offerSchema,
    ssh_private_key: z.string().nullable().meta({ description: 'OpenSSH private key, returned once (and again only for a replay of the same Idempotency-Key while the session lives)' }),
    ssh_private_key_withheld: z.string().optional().meta({ description: 'On a replay without the key: why (the session ended and its key was destroyed)' }),
    replayed: z.boolean().meta({ description: 'True when this answers a repeated Idempotency-Key' }),
  })
  .meta({ id: 'CreateSessionResponse' });
export type CreateSessionResponse = z.infer<typeof createSessionResponseSchema>;

export const sessionListQuerySchema = paginationQuerySchema
  .extend({
    consumer_id: queryString(),
    status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SESSION_STATUSES).optional()),
    provider: z.preprocess((v) => (v === '' ? undefined : v), providerSchema.optional()),
  })
  .strict();

export const sessionListResponseSchema = z
  .object({ sessions: z.array(sessionSchema), count: z.number().int(), next_cursor: z.string().nullable() })
  .meta({ id: 'SessionList' });
export type SessionListResponse = z.infer<typeof sessionListResponseSchema>;

export const extendSessionRequestSchema = z.object({ hours: z.number().int().min(1).max(12).default(1) }).strict().meta({ id: 'ExtendSessionRequest' });
export const extendSessionResponseSchema = z
  .object({
    session: sessionSchema,
    extended_by_hours: z.number().int(),
    session_id: z.string().meta({ description: 'The session id (as in the original API)' }),
    new_expires_at: timestampSchema.meta({ description: 'The new `expires_at` (as in the original API)' }),
  })
  .meta({ id: 'ExtendSessionResponse' });

export const sessionActionResponseSchema = z
  .object({ session: sessionSchema, message: z.string(), session_id: z.string().meta({ description: 'The session id (as in the original API)' }) })
  .meta({ id: 'SessionActionResponse' });
export type SessionActionResponse = z.infer<typeof sessionActionResponseSchema>;

export const sessionEventSchema = z
  .object({
    id: z.string(),
    session_id: z.string(),
    type: z.string(),
    from_status: z.string().nullable(),
    to_status: z.string().nullable(),
    actor: z.string(),
    reason: z.string(),
    occurred_at: timestampSchema,
  })
  .meta({ id: 'SessionEvent' });
export type SessionEventDto = z.infer<typeof sessionEventSchema>;

export const diagnosticsResponseSchema = z
  .object({
    session_id: z.string(),
    reachable: z.boolean(),
    checked_at: timestampSchema,
    error: z.string().nullable(),
    gpus: z.array(
      z.object({
        index: z.number().int(),
        name: z.string(),
        memory_total_mib: z.number().nullable(),
        memory_used_mib: z.number().nullable(),
        utilization_percent: z.number().nullable(),
        temperature_c: z.number().nullable(),
        power_draw_w: z.number().nullable(),
      }),
    ),
    driver_version: z.string().nullable(),
    cuda_version: z.string().nullable(),
    disk: z.object({ total_gb: z.number(), used_gb: z.number(), available_gb: z.number(), mount: z.string() }).nullable(),
    oom_kills: z.number().int(),
    ready: z.boolean(),
    not_ready_reason: z.string().nullable(),
  })
  .meta({ id: 'Diagnostics' });
export type DiagnosticsResponse = z.infer<typeof diagnosticsResponseSchema>;
