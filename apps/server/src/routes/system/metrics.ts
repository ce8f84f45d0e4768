import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';

/** `GET /metrics`: Prometheus text format. */
export function registerMetrics(router: Router, deps: AppDeps): void {
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
}
