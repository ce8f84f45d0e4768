import { type Router } from 'express';

import { type ProviderHealth } from '@gpu-shopper/contract';
import { type ProviderDiagnosis } from '@gpu-shopper/providers';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';

function toWire(d: ProviderDiagnosis): ProviderHealth {
  return {
    provider: d.provider,
    ok: d.ok,
    reachable: d.reachable,
    authenticated: d.authenticated,
    error: d.error,
    offers: d.offers ? { received: d.offers.received, parsed: d.offers.parsed, dropped: [...d.offers.dropped], unknown_gpus: [...d.offers.unknownGpus] } : null,
    instances: d.instances ? { parsed: d.instances.parsed } : null,
    balance: d.balance ? { amount: d.balance.amount, currency: d.balance.currency } : null,
    rate_limit_headers: { ...d.rateLimitHeaders },
    clock_skew_ms: d.clockSkewMs,
    calls: d.calls.map((c) => ({ operation: c.operation, method: c.method, path: c.path, status: c.status, duration_ms: c.durationMs })),
  };
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
