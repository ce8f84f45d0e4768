import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { consumerView, loadConsumer } from './view.js';

/** `GET /api/v1/consumers/:id` (admin). */
export function registerConsumersGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/consumers/:id', async (req, res) => {
    requireAdmin(res);
    res.json(await consumerView(deps, await loadConsumer(deps, req.params.id)));
  });
}
