import express, { type Express, type NextFunction, type Request, type Response } from 'express';

import { type Clock, type Logger } from '@gpu-shopper/core';

import { registerHealth } from './routes/health.js';
import { registerReady } from './routes/ready.js';

export interface AppDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deploymentId: string;
  readonly version: string;
  /** Readiness checks by name (storage, each provider…); each resolves true when usable. */
  readonly readinessChecks: Readonly<Record<string, () => boolean | Promise<boolean>>>;
}

/** Builds the HTTP app. Pure: no environment reads, no listening; `main.ts` does both. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  registerHealth(app, deps);
  registerReady(app, deps);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${req.path}` } });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error('request failed', { error });
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
  return app;
}
