import { type Router } from 'express';

import { principalOf } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { sessionToDto } from '../../http/mappers.js';
import { loadSession } from '../load-session.js';

/** `POST /api/v1/sessions/:id/done`: the consumer is finished; the instance is destroyed (verified). */
export function registerSessionsDone(router: Router, deps: AppDeps): void {
  router.post('/api/v1/sessions/:id/done', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    const actor = principalOf(res).role === 'admin' ? 'admin' : 'api';
    const stopped = await deps.commands.done(session.id, actor);
    if (!stopped.ok) throw stopped.err;
    res.json({ session: sessionToDto(stopped.val, deps.clock.now(), deps.mode === 'simulate'), message: `Session ${session.id} shutdown initiated.`, session_id: session.id });
  });
}
