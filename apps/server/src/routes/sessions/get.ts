import { type Router } from 'express';

import { sessionInstanceRecords } from '@gpu-shopper/core';

import { type AppDeps } from '../../deps.js';
import { instanceCostToDto, sessionToDto } from '../../http/mappers.js';
import { loadSession } from '../load-session.js';

/** `GET /api/v1/sessions/:id`, with each instance the session billed as the cost ledger records it. */
export function registerSessionsGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/sessions/:id', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    const now = deps.clock.now();
    const instances = await sessionInstanceRecords(deps.repositories.costs, { sessions: deps.repositories.sessions, now }, session.id);
    res.json({ ...sessionToDto(session, now, deps.mode === 'simulate'), instances: instances.map(instanceCostToDto) });
  });
}
