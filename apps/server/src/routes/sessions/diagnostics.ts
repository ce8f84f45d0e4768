import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { loadSession } from '../load-session.js';

/** `GET /api/v1/sessions/:id/diagnostics`: runs the SSH probes on the node now. */
export function registerSessionsDiagnostics(router: Router, deps: AppDeps): void {
  router.get('/api/v1/sessions/:id/diagnostics', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    res.json(await deps.diagnostics(session.id));
  });
}
