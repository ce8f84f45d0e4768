import { type Router } from 'express';

import { principalOf } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { sessionToDto } from '../../http/mappers.js';
import { loadSession } from '../load-session.js';

/** `DELETE /api/v1/sessions/:id`: destroy now (verified); idempotent. */
export function registerSessionsDelete(router: Router, deps: AppDeps): void {
  router.delete('/api/v1/sessions/:id', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    const actor = principalOf(res).role === 'admin' ? 'admin' : 'api';
    const stopped = await deps.commands.delete(session.id, actor);
    if (!stopped.ok) throw stopped.err;
    const message = stopped.val.status === 'terminated' ? `Session ${session.id} destroyed.` : `Session ${session.id} is being destroyed (${stopped.val.status}).`;
    res.json({ session: sessionToDto(stopped.val, deps.clock.now(), deps.mode === 'simulate'), message, session_id: session.id });
  });
}
