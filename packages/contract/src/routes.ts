import { z } from 'zod';

import { REQUEST_ALIASES, type FieldAlias } from './aliases.js';
import {
  benchmarkComparisonSchema,
  benchmarkListQuerySchema,
  benchmarkListResponseSchema,
  benchmarkModelQuerySchema,
  benchmarkResultSchema,
  benchmarkRunListQuerySchema,
  benchmarkRunListResponseSchema,
  benchmarkRunSchema,
  benchmarkScheduleListResponseSchema,
  benchmarkScheduleSchema,
  cheapestBenchmarkQuerySchema,
  compareBenchmarkQuerySchema,
  createBenchmarkRunRequestSchema,
  createBenchmarkScheduleRequestSchema,
  deletedResponseSchema,
  rankedBenchmarkSchema,
  recommendationsQuerySchema,
  recommendationsResponseSchema,
  submitBenchmarkRequestSchema,
  updateBenchmarkScheduleRequestSchema,
} from './benchmarks.js';
import { createApiKeyResponseSchema, consumerListResponseSchema, consumerSchema, createConsumerRequestSchema, createConsumerResponseSchema, setBudgetRequestSchema } from './consumers.js';
import { costQuerySchema, costSummarySchema } from './costs.js';
import { healthResponseSchema, readyResponseSchema, whoamiResponseSchema } from './health.js';
import { providerHealthResponseSchema } from './provider-health.js';
import { reconciliationResponseSchema } from './reconciliation.js';
import { inventoryQuerySchema, inventoryResponseSchema, offerHealthResponseSchema, offerSchema } from './inventory.js';
import {
  createSessionRequestSchema,
  createSessionResponseSchema,
  diagnosticsResponseSchema,
  extendSessionRequestSchema,
  extendSessionResponseSchema,
  sessionActionResponseSchema,
  sessionEventSchema,
  sessionListQuerySchema,
  sessionListResponseSchema,
  sessionSchema,
} from './sessions.js';
import { compatibleTemplatesResponseSchema, templateListQuerySchema, templateListResponseSchema, templateSchema } from './templates.js';

/** Who may call an endpoint: anyone, any authenticated caller (consumers see their own data), or the admin only. */
export type RouteAuth = 'none' | 'consumer' | 'admin';

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path (`/api/v1/sessions/:id`). */
  readonly path: string;
  readonly summary: string;
  readonly auth: RouteAuth;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  readonly status: number;
  /** Streams (Server-Sent Events) instead of one JSON body. */
  readonly stream?: boolean;
  readonly idempotent?: boolean;
  /** Field names of the original API accepted for this route's body or query (renamed before validation). */
  readonly aliases?: readonly FieldAlias[];
}

/** Every endpoint of the API: the server registers from it, the OpenAPI document is generated from it. */
export const API_ROUTES: readonly RouteSpec[] = [
  { method: 'get', path: '/health', summary: 'Process is up', auth: 'none', response: healthResponseSchema, status: 200 },
  { method: 'get', path: '/ready', summary: 'Storage and every provider answer', auth: 'none', response: readyResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/whoami', summary: 'Who the credential is: admin, or which consumer (tools check this before acting on its answers)', auth: 'consumer', response: whoamiResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/inventory', summary: 'Offers from every provider, filtered and sorted, with per-provider status', auth: 'consumer', query: inventoryQuerySchema, response: inventoryResponseSchema, status: 200, aliases: REQUEST_ALIASES.inventoryQuery },
  { method: 'get', path: '/api/v1/inventory/:id', summary: 'One offer', auth: 'consumer', response: offerSchema, status: 200 },
  { method: 'get', path: '/api/v1/inventory/:id/compatible-templates', summary: 'Vast.ai templates whose CUDA and VRAM requirements the host of the offer meets (empty for providers without templates)', auth: 'consumer', response: compatibleTemplatesResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/templates', summary: 'Vast.ai launch templates (the recommended set, cached 1 h), filtered', auth: 'consumer', query: templateListQuerySchema, response: templateListResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/templates/:hash_id', summary: 'One template by hash id (404 when Vast has none)', auth: 'consumer', response: templateSchema, status: 200 },
  { method: 'get', path: '/api/v1/providers/health', summary: 'Read-only live check of each configured provider (authenticate, list offers, list our instances, balance): what gpu-shopper doctor reports', auth: 'admin', response: providerHealthResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/reconciliation', summary: 'What the reconciler found: orphaned instances (ours, owned by no live session) waiting out the grace period or failing to destroy, the latest destroyed, and instances it leaves alone', auth: 'admin', response: reconciliationResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/offer-health', summary: 'Offers that failed to provision, and which are suppressed', auth: 'consumer', response: offerHealthResponseSchema, status: 200 },
  { method: 'post', path: '/api/v1/sessions', summary: 'Provision a session (honours Idempotency-Key)', auth: 'consumer', body: createSessionRequestSchema, response: createSessionResponseSchema, status: 201, idempotent: true, aliases: REQUEST_ALIASES.createSession },
  { method: 'get', path: '/api/v1/sessions', summary: 'List sessions (a consumer sees its own)', auth: 'consumer', query: sessionListQuerySchema, response: sessionListResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/sessions/:id', summary: 'One session, with each instance it billed as the cost ledger records it', auth: 'consumer', response: sessionSchema, status: 200 },
  { method: 'delete', path: '/api/v1/sessions/:id', summary: 'Force destroy a session', auth: 'consumer', response: sessionActionResponseSchema, status: 200 },
  { method: 'post', path: '/api/v1/sessions/:id/done', summary: 'Signal the session is done (graceful shutdown)', auth: 'consumer', response: sessionActionResponseSchema, status: 200 },
  { method: 'post', path: '/api/v1/sessions/:id/extend', summary: 'Extend the reservation (never past the hard maximum)', auth: 'consumer', body: extendSessionRequestSchema, response: extendSessionResponseSchema, status: 200, aliases: REQUEST_ALIASES.extendSession },
  { method: 'get', path: '/api/v1/sessions/:id/events', summary: 'The session event log; Server-Sent Events with Accept: text/event-stream', auth: 'consumer', response: z.object({ events: z.array(sessionEventSchema) }), status: 200, stream: true },
  { method: 'get', path: '/api/v1/sessions/:id/diagnostics', summary: 'Live SSH probes of the node', auth: 'consumer', response: diagnosticsResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/costs', summary: 'Costs by consumer, session, provider, GPU and period; running sessions count up to now (accruing_cost says how much is not in the ledger yet)', auth: 'consumer', query: costQuerySchema, response: costSummarySchema, status: 200, aliases: REQUEST_ALIASES.costQuery },
  { method: 'get', path: '/api/v1/costs/summary', summary: 'This month\u2019s cost summary', auth: 'consumer', query: costQuerySchema, response: costSummarySchema, status: 200, aliases: REQUEST_ALIASES.costQuery },
  { method: 'post', path: '/api/v1/consumers', summary: 'Create a consumer and its first API key (shown once)', auth: 'admin', body: createConsumerRequestSchema, response: createConsumerResponseSchema, status: 201, aliases: REQUEST_ALIASES.createConsumer },
  { method: 'get', path: '/api/v1/consumers', summary: 'List consumers', auth: 'admin', response: consumerListResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/consumers/:id', summary: 'One consumer', auth: 'admin', response: consumerSchema, status: 200 },
  { method: 'post', path: '/api/v1/consumers/:id/keys', summary: 'Issue another API key (shown once)', auth: 'admin', response: createApiKeyResponseSchema, status: 201 },
  { method: 'delete', path: '/api/v1/consumers/:id/keys/:keyId', summary: 'Revoke an API key', auth: 'admin', response: consumerSchema, status: 200 },
  { method: 'put', path: '/api/v1/consumers/:id/budget', summary: 'Set the monthly budget', auth: 'admin', body: setBudgetRequestSchema, response: consumerSchema, status: 200, aliases: REQUEST_ALIASES.setBudget },
  { method: 'get', path: '/api/v1/benchmarks', summary: 'List benchmark results, newest first (every filter combines)', auth: 'consumer', query: benchmarkListQuerySchema, response: benchmarkListResponseSchema, status: 200 },
  { method: 'post', path: '/api/v1/benchmarks', summary: 'Submit a benchmark result (validated, unit-checked; honours Idempotency-Key)', auth: 'admin', body: submitBenchmarkRequestSchema, response: benchmarkResultSchema, status: 201, idempotent: true },
  { method: 'post', path: '/api/v1/benchmarks/validate', summary: 'Check a benchmark result exactly as a submission is checked, storing nothing (benchmark-loader --dry-run)', auth: 'admin', body: submitBenchmarkRequestSchema, response: benchmarkResultSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmarks/best', summary: 'Fastest GPU and provider for a model (median tokens/s of the newest 5 valid results)', auth: 'consumer', query: benchmarkModelQuerySchema, response: rankedBenchmarkSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmarks/cheapest', summary: 'Lowest $ per million tokens for a model, optionally above min_tps', auth: 'consumer', query: cheapestBenchmarkQuerySchema, response: rankedBenchmarkSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmarks/compare', summary: 'Every GPU and provider for a model against a baseline', auth: 'consumer', query: compareBenchmarkQuerySchema, response: benchmarkComparisonSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmarks/recommendations', summary: 'Live offers ranked by estimated $ per million tokens (alias of /recommendations)', auth: 'consumer', query: recommendationsQuerySchema, response: recommendationsResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmarks/:id', summary: 'One benchmark result', auth: 'consumer', response: benchmarkResultSchema, status: 200 },
  { method: 'get', path: '/api/v1/recommendations', summary: 'Offers you can rent now, ranked by estimated $ per million tokens with the benchmark evidence; unmeasured SKUs listed, never guessed', auth: 'consumer', query: recommendationsQuerySchema, response: recommendationsResponseSchema, status: 200 },
  { method: 'post', path: '/api/v1/benchmark-runs', summary: 'Start an automated benchmark run (models × GPU types [× providers])', auth: 'admin', body: createBenchmarkRunRequestSchema, response: benchmarkRunSchema, status: 201 },
  { method: 'get', path: '/api/v1/benchmark-runs', summary: 'List benchmark runs, newest first', auth: 'admin', query: benchmarkRunListQuerySchema, response: benchmarkRunListResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmark-runs/:id', summary: 'Benchmark run status with its entries and attempts', auth: 'admin', response: benchmarkRunSchema, status: 200 },
  { method: 'delete', path: '/api/v1/benchmark-runs/:id', summary: 'Cancel a benchmark run (its current session is destroyed)', auth: 'admin', response: benchmarkRunSchema, status: 200 },
  { method: 'post', path: '/api/v1/benchmark-schedules', summary: 'Create a recurring benchmark run (cron)', auth: 'admin', body: createBenchmarkScheduleRequestSchema, response: benchmarkScheduleSchema, status: 201 },
  { method: 'get', path: '/api/v1/benchmark-schedules', summary: 'List benchmark schedules', auth: 'admin', response: benchmarkScheduleListResponseSchema, status: 200 },
  { method: 'get', path: '/api/v1/benchmark-schedules/:id', summary: 'One benchmark schedule', auth: 'admin', response: benchmarkScheduleSchema, status: 200 },
  { method: 'put', path: '/api/v1/benchmark-schedules/:id', summary: 'Update a benchmark schedule', auth: 'admin', body: updateBenchmarkScheduleRequestSchema, response: benchmarkScheduleSchema, status: 200 },
  { method: 'delete', path: '/api/v1/benchmark-schedules/:id', summary: 'Delete a benchmark schedule', auth: 'admin', response: deletedResponseSchema, status: 200 },
];
