import { type Router } from 'express';

import { callerKey } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ConcurrencyCaps } from '../../http/concurrency-caps.js';
import { loadSession } from '../load-session.js';

/**
 * `GET /api/v1/sessions/:id/diagnostics`: runs the SSH probes on the node now. Each run opens an SSH
 * connection, so a caller runs a few at once and a session one at a time (else 429).
 */
export function registerSessionsDiagnostics(router: Router, deps: AppDeps): void {
  const running = new ConcurrencyCaps('diagnostics', deps.diagnosticsLimits ?? { perCaller: 4, perSession: 1 }, 2);
  router.get('/api/v1/sessions/:id/diagnostics', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    const release = running.acquire(callerKey(res), session.id);
    try {
      res.json(await deps.diagnostics(session.id));
    } finally {
      release();
    }
  });
}
