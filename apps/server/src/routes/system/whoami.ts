import { type Router } from 'express';

import { type WhoamiResponse } from '@gpu-shopper/contract';

import { principalOf } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';

/**
 * `GET /api/v1/whoami`: the caller's role. A consumer key is told "not found" for other consumers'
 * sessions, so a tool that acts on such answers (cleanup-orphans) must know whose eyes it has.
 */
export function registerWhoami(router: Router, deps: AppDeps): void {
  router.get('/api/v1/whoami', (_req, res) => {
    const principal = principalOf(res);
    const body: WhoamiResponse = {
      role: principal.role,
      consumer_id: principal.role === 'consumer' ? principal.consumerId : null,
      deployment_id: deps.deploymentId,
    };
    res.json(body);
  });
}
