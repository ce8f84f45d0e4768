import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';

/** `GET /api/v1/offer-health`: offers that failed to provision recently, and which are suppressed. */
export function registerOfferHealth(router: Router, deps: AppDeps): void {
  router.get('/api/v1/offer-health', (_req, res) => {
    res.json({
      offers: deps.offerFailures.health(deps.clock.now()).map((h) => ({
        offer_id: h.offerId,
        provider: h.provider,
        gpu_type: h.gpuType,
        recent_failures: h.recentFailures,
        suppressed: h.suppressed,
        suppressed_until: h.suppressedUntil ? h.suppressedUntil.toISOString() : null,
        last_failure_at: h.lastFailureAt.toISOString(),
        last_failure_type: h.lastFailureType,
        last_failure_reason: h.lastFailureReason,
      })),
    });
  });
}
