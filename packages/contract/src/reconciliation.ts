import { z } from 'zod';

import { providerSchema, timestampSchema } from './common.js';
import { SESSION_STATUSES } from './sessions.js';

/** One instance with this deployment's label that no live session owns, as the reconciler last saw it. */
export const orphanInstanceSchema = z
  .object({
    provider: providerSchema,
    provider_instance_id: z.string(),
    label: z.string().nullable(),
    session_id: z.string().nullable().meta({ description: 'The session the label names, when it exists' }),
    session_status: z.enum(SESSION_STATUSES).nullable().meta({ description: 'That session\u2019s status (terminal, or a duplicate next to its recorded instance)' }),
    state: z.string().meta({ description: 'The provider\u2019s state of the instance when last listed' }),
    first_seen_at: timestampSchema,
    last_seen_at: timestampSchema,
    destroy_after: timestampSchema.meta({ description: 'When the grace period (ORPHAN_GRACE_PERIOD) ends and the reconciler destroys it' }),
    outcome: z.enum(['waiting', 'destroyed', 'destroy_failed']),
    destroyed_at: timestampSchema.nullable(),
    error: z.string().nullable().meta({ description: 'Why the last destroy failed (retried each pass)' }),
  })
  .meta({ id: 'OrphanInstance' });
export type OrphanInstance = z.infer<typeof orphanInstanceSchema>;

/** An instance the reconciler never touches: another deployment's, or not labelled by gpu-shopper. */
export const foreignInstanceSchema = z
  .object({
    provider: providerSchema,
    provider_instance_id: z.string(),
    label: z.string().nullable(),
    deployment_id: z.string().nullable().meta({ description: 'The other deployment, when the label is ours in form' }),
    state: z.string(),
  })
  .meta({ id: 'ForeignInstance' });
export type ForeignInstance = z.infer<typeof foreignInstanceSchema>;

/** `GET /api/v1/reconciliation`: what this server's reconciler found in its passes. */
export const reconciliationResponseSchema = z
  .object({
    last_pass_at: timestampSchema.nullable().meta({ description: 'The last pass of this server (null before the first, or where another replica reconciles)' }),
    providers: z.array(
      z.object({
        provider: providerSchema,
        status: z.enum(['ok', 'paused']).meta({ description: 'paused: the listing failed, so the pass changed nothing at that provider' }),
        reason: z.string().optional(),
        instances: z.number().int().nonnegative(),
      }),
    ),
    orphans: z.array(orphanInstanceSchema).meta({ description: 'Held now: waiting out the grace period, or a destroy that failed' }),
    recently_destroyed: z.array(orphanInstanceSchema).meta({ description: 'The latest orphans destroyed by this server process, newest first (at most 50)' }),
    foreign: z.array(foreignInstanceSchema),
  })
  .meta({ id: 'ReconciliationReport' });
export type ReconciliationResponse = z.infer<typeof reconciliationResponseSchema>;
