import { type Router } from 'express';

import { sessionListQuerySchema } from '@gpu-shopper/contract';

import { consumerScope } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { sessionToDto } from '../../http/mappers.js';
import { validate } from '../../http/validate.js';

/** `GET /api/v1/sessions`: oldest first, cursor-paginated; a consumer sees its own only. */
export function registerSessionsList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/sessions', async (req, res) => {
    const query = validate(sessionListQuerySchema, req.query, 'query');
    const consumerId = consumerScope(res, query.consumer_id);
    const limit = query.limit ?? 100;
    const sessions = await deps.repositories.sessions.list({
      ...(consumerId !== undefined ? { consumerId } : {}),
      ...(query.status ? { statuses: [query.status] } : {}),
      ...(query.provider ? { provider: query.provider } : {}),
      ...(query.cursor ? { afterId: query.cursor } : {}),
      limit,
    });
    const now = deps.clock.now();
    res.json({
      sessions: sessions.map((s) => sessionToDto(s, now, deps.mode === 'simulate')),
      count: sessions.length,
      next_cursor: sessions.length === limit ? (sessions.at(-1)?.id ?? null) : null,
    });
  });
}
