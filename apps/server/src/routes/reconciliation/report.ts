import { type Router } from 'express';

import { type OrphanInstance, type ReconciliationResponse } from '@gpu-shopper/contract';
import { type OrphanRecord } from '@gpu-shopper/core';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';

function orphanToWire(o: OrphanRecord): OrphanInstance {
  return {
    provider: o.provider,
    provider_instance_id: o.providerInstanceId,
    label: o.label,
    session_id: o.sessionId,
    session_status: o.sessionStatus,
    state: o.state,
    first_seen_at: o.firstSeenAt.toISOString(),
    last_seen_at: o.lastSeenAt.toISOString(),
    destroy_after: o.destroyAfter.toISOString(),
    outcome: o.outcome,
    destroyed_at: o.destroyedAt ? o.destroyedAt.toISOString() : null,
    error: o.error,
  };
}

/**
 * `GET /api/v1/reconciliation` (admin): what this server's reconciler found in its passes — the
 * orphans it holds, the latest it destroyed, and the instances it leaves alone. Read from memory:
 * it asks no provider anything, so it costs no rate limit. Admin only: it names every instance on
 * the accounts, whoever's session they belonged to.
 */
export function registerReconciliation(router: Router, deps: AppDeps): void {
  router.get('/api/v1/reconciliation', (_req, res) => {
    requireAdmin(res);
    const s = deps.reconciler.snapshot();
    const body: ReconciliationResponse = {
      last_pass_at: s.lastPassAt ? s.lastPassAt.toISOString() : null,
      providers: s.providers.map((p) => ({ provider: p.provider, status: p.status, ...(p.reason !== undefined ? { reason: p.reason } : {}), instances: p.instances })),
      orphans: s.orphans.map(orphanToWire),
      recently_destroyed: s.recentlyDestroyed.map(orphanToWire),
      foreign: s.foreign.map((f) => ({ provider: f.provider, provider_instance_id: f.providerInstanceId, label: f.label, deployment_id: f.deploymentId, state: f.state })),
    };
    res.json(body);
  });
}
