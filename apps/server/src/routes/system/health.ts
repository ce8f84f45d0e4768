import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';

/** `GET /health`: the process is up, in which mode. Cheap: no dependency is checked (that is `/ready`). */
export function registerHealth(router: Router, deps: AppDeps): void {
  router.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      version: deps.version,
      mode: deps.mode,
      deployment_id: deps.deploymentId,
      time: deps.clock.now().toISOString(),
      simulator: deps.simulatorControlUrl ? { control: deps.simulatorControlUrl } : null,
    });
  });
}
