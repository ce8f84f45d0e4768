import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';

/** `GET /ready`: storage and every provider answer. 503 naming the failing checks otherwise. */
export function registerReady(router: Router, deps: AppDeps): void {
  router.get('/ready', async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      Object.entries(deps.readinessChecks).map(async ([name, check]) => {
        try {
          checks[name] = (await check()) ? 'ok' : 'failing';
        } catch {
          checks[name] = 'failing';
        }
      }),
    );
    const ready = Object.values(checks).every((status) => status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
