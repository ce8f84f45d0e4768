import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { consumerView } from './view.js';

/** `GET /api/v1/consumers` (admin). */
export function registerConsumersList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/consumers', async (_req, res) => {
    requireAdmin(res);
    const consumers = await deps.repositories.consumers.list();
    res.json({ consumers: await Promise.all(consumers.map((c) => consumerView(deps, c))) });
  });
}
