import { type Router } from 'express';

import { generateApiKey } from '../../auth/api-keys.js';
import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { loadConsumer } from './view.js';

/** `POST /api/v1/consumers/:id/keys` (admin): another key, shown once (for rotation). */
export function registerConsumersCreateKey(router: Router, deps: AppDeps): void {
  router.post('/api/v1/consumers/:id/keys', async (req, res) => {
    requireAdmin(res);
    const consumer = await loadConsumer(deps, req.params.id);
    const key = generateApiKey();
    const stored = await deps.repositories.apiKeys.create({
      id: deps.ids.next('apiKey'),
      consumerId: consumer.id,
      prefix: key.prefix,
      keyHash: key.hash,
      createdAt: deps.clock.now(),
      revokedAt: null,
      lastUsedAt: null,
    });
    if (!stored.ok) throw stored.err;
    res.status(201).json({
      api_key: key.key,
      key: { id: stored.val.id, prefix: stored.val.prefix, created_at: stored.val.createdAt.toISOString(), revoked_at: null, last_used_at: null },
    });
  });
}
