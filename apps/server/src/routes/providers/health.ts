import { type Router } from 'express';

import { type ProviderHealth } from '@gpu-shopper/contract';
import { diagnosisReport, type ProviderDiagnosis } from '@gpu-shopper/providers';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';

function toWire(d: ProviderDiagnosis): ProviderHealth {
  return diagnosisReport(d);
}

/**
 * `GET /api/v1/providers/health` (admin): the read-only live checks of `gpu-shopper doctor`, run with
 * the server's own provider keys. Admin only: it spends the vendors' rate limits and reveals which
 * accounts are configured.
 */
export function registerProvidersHealth(router: Router, deps: AppDeps): void {
  router.get('/api/v1/providers/health', async (_req, res) => {
    requireAdmin(res);
    const checkedAt = deps.clock.now();
    const diagnoses = deps.providerHealth ? await deps.providerHealth() : [];
    res.json({ checked_at: checkedAt.toISOString(), providers: diagnoses.map(toWire) });
  });
}
