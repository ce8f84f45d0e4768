import { type Express } from 'express';

import { type AppDeps } from '../app.js';

/** `GET /ready`: every dependency answers. 503 with the failing checks named otherwise. */
export function registerReady(app: Express, deps: AppDeps): void {
  app.get('/ready', async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    for (const [name, check] of Object.entries(deps.readinessChecks)) {
      try {
        checks[name] = (await check()) ? 'ok' : 'failing';
      } catch {
        checks[name] = 'failing';
      }
    }
    const ready = Object.values(checks).every((status) => status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
