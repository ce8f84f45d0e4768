import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { sessionToDto } from '../../http/mappers.js';
import { loadSession } from '../load-session.js';

/** `GET /api/v1/sessions/:id`. */
export function registerSessionsGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/sessions/:id', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    res.json(sessionToDto(session, deps.clock.now(), deps.mode === 'simulate'));
  });
}
