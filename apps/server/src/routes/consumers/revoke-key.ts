import { type Router } from 'express';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { consumerView, loadConsumer } from './view.js';

/** `DELETE /api/v1/consumers/:id/keys/:keyId` (admin): the key stops working at once. */
export function registerConsumersRevokeKey(router: Router, deps: AppDeps): void {
  router.delete('/api/v1/consumers/:id/keys/:keyId', async (req, res) => {
    requireAdmin(res);
    const consumer = await loadConsumer(deps, req.params.id);
    const key = await deps.repositories.apiKeys.get(req.params.keyId);
    if (!key || key.consumerId !== consumer.id) throw new ApiError('NOT_FOUND', `API key ${req.params.keyId.slice(0, 64)} not found for consumer ${consumer.id}`);
    const revoked = await deps.repositories.apiKeys.revoke(key.id, deps.clock.now());
    if (!revoked.ok) throw revoked.err;
    res.json(await consumerView(deps, consumer));
  });
}
