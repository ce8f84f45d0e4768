import { type Express } from 'express';

import { type AppDeps } from '../app.js';

/** `GET /health`: the process is up. Cheap, no dependencies checked (that is `/ready`). */
export function registerHealth(app: Express, deps: AppDeps): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, deployment_id: deps.deploymentId, time: deps.clock.now().toISOString() });
  });
}
