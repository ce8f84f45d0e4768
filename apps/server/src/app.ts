import { createServer, type Server } from 'node:http';

import express, { type Express, type NextFunction, type Request, type Response, Router } from 'express';

import { AuthFailureLimiter } from './auth/auth-failure-limiter.js';
import { authenticate, type AuthOptions } from './auth/authenticate.js';
import { protectedModeGuard } from './auth/protected-mode.js';
import { type AppDeps } from './deps.js';
import { ApiError, toApiError } from './http/api-error.js';
import { consoleRouter } from './http/console.js';
import { requestIdMiddleware, requestIdOf } from './http/request-id.js';
import { routeLabel } from './observability/route-label.js';
import { registerBenchmarksBest } from './routes/benchmarks/best.js';
import { registerBenchmarksCheapest } from './routes/benchmarks/cheapest.js';
import { registerBenchmarksCompare } from './routes/benchmarks/compare.js';
import { registerBenchmarksGet } from './routes/benchmarks/get.js';
import { registerBenchmarksList } from './routes/benchmarks/list.js';
import { registerRecommendations } from './routes/benchmarks/recommendations.js';
import { registerBenchmarkRunsCancel } from './routes/benchmarks/runs-cancel.js';
import { registerBenchmarkRunsCreate } from './routes/benchmarks/runs-create.js';
import { registerBenchmarkRunsGet } from './routes/benchmarks/runs-get.js';
import { registerBenchmarkRunsList } from './routes/benchmarks/runs-list.js';
import { registerBenchmarkSchedulesCreate } from './routes/benchmarks/schedules-create.js';
import { registerBenchmarkSchedulesDelete } from './routes/benchmarks/schedules-delete.js';
import { registerBenchmarkSchedulesRead } from './routes/benchmarks/schedules-list.js';
import { registerBenchmarkSchedulesUpdate } from './routes/benchmarks/schedules-update.js';
import { registerBenchmarksSubmit, registerBenchmarksValidate } from './routes/benchmarks/submit.js';
import { registerConsumersCreate } from './routes/consumers/create.js';
import { registerConsumersCreateKey } from './routes/consumers/create-key.js';
import { registerConsumersGet } from './routes/consumers/get.js';
import { registerConsumersList } from './routes/consumers/list.js';
import { registerConsumersRevokeKey } from './routes/consumers/revoke-key.js';
import { registerConsumersSetBudget } from './routes/consumers/set-budget.js';
import { registerCostsList } from './routes/costs/list.js';
import { registerCostsSummary } from './routes/costs/summary.js';
import { registerInventoryCompatibleTemplates } from './routes/inventory/compatible-templates.js';
import { registerInventoryGet } from './routes/inventory/get.js';
import { inventoryCacheHits, InventoryAnswers } from './routes/inventory/cache-hits.js';
import { registerInventoryList } from './routes/inventory/list.js';
import { registerOfferHealth } from './routes/offer-health/list.js';
import { registerProvidersHealth } from './routes/providers/health.js';
import { registerReconciliation } from './routes/reconciliation/report.js';
import { registerSessionsCreate } from './routes/sessions/create.js';
import { registerSessionsDelete } from './routes/sessions/delete.js';
import { registerSessionsDiagnostics } from './routes/sessions/diagnostics.js';
import { registerSessionsDone } from './routes/sessions/done.js';
import { registerSessionsEvents } from './routes/sessions/events.js';
import { registerSessionsExtend } from './routes/sessions/extend.js';
import { registerSessionsGet } from './routes/sessions/get.js';
import { registerSessionsList } from './routes/sessions/list.js';
import { registerHealth } from './routes/system/health.js';
import { registerMetrics } from './routes/system/metrics.js';
import { registerOpenApi } from './routes/system/openapi.js';
import { registerReady } from './routes/system/ready.js';
import { registerWhoami } from './routes/system/whoami.js';
import { registerTemplatesGet } from './routes/templates/get.js';
import { registerTemplatesList } from './routes/templates/list.js';

export type { AppDeps } from './deps.js';

/** Builds the HTTP app. Pure: no environment reads, no listening; `main.ts` does both. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  const auth: AuthOptions = {
    adminToken: deps.adminToken,
    repositories: deps.repositories,
    clock: deps.clock,
    onRejected: () => deps.metrics.authFailures.inc(),
    failureLimiter: new AuthFailureLimiter({ clock: deps.clock }),
    trustProxy: deps.trustProxy !== undefined && deps.trustProxy !== false,
  };
  const inventoryAnswers = new InventoryAnswers();
  // First: a repeated inventory query is served from its cached bytes with the same credential and
  // protected-mode checks as below, without the rest of the stack (see inventoryCacheHits).
  app.use(inventoryCacheHits(deps, inventoryAnswers, auth));
  app.use(requestIdMiddleware(deps.ids));
  app.use(observe(deps));
  // Before anything reads the request: in protected mode a foreign Host or Origin gets nothing.
  if (!deps.adminToken) app.use(protectedModeGuard());
  app.use(express.json({ limit: '1mb' }));

  const open = Router();
  registerHealth(open, deps);
  registerReady(open, deps);
  registerMetrics(open, deps);
  registerOpenApi(open, deps);
  app.use(open);
  if (deps.consoleDir !== undefined) app.use(consoleRouter(deps.consoleDir, deps.logger));

  const api = Router();
  api.use('/api/v1', authenticate(auth));
  registerWhoami(api, deps);
  registerInventoryList(api, deps, inventoryAnswers);
  registerInventoryGet(api, deps);
  registerInventoryCompatibleTemplates(api, deps);
  registerTemplatesList(api, deps);
  registerTemplatesGet(api, deps);
  registerOfferHealth(api, deps);
  registerProvidersHealth(api, deps);
  registerReconciliation(api, deps);
  registerSessionsCreate(api, deps);
  registerSessionsList(api, deps);
  registerSessionsGet(api, deps);
  registerSessionsDelete(api, deps);
  registerSessionsDone(api, deps);
  registerSessionsExtend(api, deps);
  registerSessionsEvents(api, deps);
  registerSessionsDiagnostics(api, deps);
  registerCostsList(api, deps);
  registerCostsSummary(api, deps);
  registerConsumersCreate(api, deps);
  registerConsumersList(api, deps);
  registerConsumersGet(api, deps);
  registerConsumersCreateKey(api, deps);
  registerConsumersRevokeKey(api, deps);
  registerConsumersSetBudget(api, deps);
  // Fixed paths before `/benchmarks/:id`, so `best` is never read as an id.
  registerBenchmarksList(api, deps);
  registerBenchmarksSubmit(api, deps);
  registerBenchmarksValidate(api, deps);
  registerBenchmarksBest(api, deps);
  registerBenchmarksCheapest(api, deps);
  registerBenchmarksCompare(api, deps);
  registerRecommendations(api, deps);
  registerBenchmarksGet(api, deps);
  registerBenchmarkRunsCreate(api, deps);
  registerBenchmarkRunsList(api, deps);
  registerBenchmarkRunsGet(api, deps);
  registerBenchmarkRunsCancel(api, deps);
  registerBenchmarkSchedulesCreate(api, deps);
  registerBenchmarkSchedulesRead(api, deps);
  registerBenchmarkSchedulesUpdate(api, deps);
  registerBenchmarkSchedulesDelete(api, deps);
  app.use(api);

  app.use((req: Request) => {
    throw new ApiError('NOT_FOUND', `no route for ${req.method} ${req.path}`);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const apiError = toApiError(error);
    const requestId = requestIdOf(res);
    if (apiError.status >= 500) deps.logger.error('request failed', { requestId, method: req.method, path: req.path, error });
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(apiError.status).set(apiError.headers ?? {});
    res.json({
      error: {
        code: apiError.code,
        message: apiError.message,
        request_id: requestId,
        ...(apiError.details && apiError.details.length > 0 ? { details: apiError.details } : {}),
      },
    });
  });
  return app;
}

/** Request metrics and one access-log line per request, with the request id. */
function observe(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = routeLabel((req.route as { path?: string } | undefined)?.path, req.path);
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      deps.metrics.httpDuration.observe({ method: req.method, route }, seconds);
      deps.logger.debug('http request', { requestId: requestIdOf(res), method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 1000) });
    });
    next();
  };
}

export interface ConnectionLimits {
  /** Time a client has to send its whole request, headers and body. */
  readonly requestTimeoutMs: number;
  readonly maxConnections: number;
  /** How often Node looks for requests past their timeout. @default 30000 (Node's own) */
  readonly checkIntervalMs?: number;
}

/**
 * The HTTP server for `app`, bounding what one client can hold. `requestTimeout` ends a request
 * whose headers and body have not all arrived in time (a client trickling a body one byte at a
 * time), and only that: a response being written — an event stream, a slow create — is not cut.
 */
export function createHttpServer(app: Express, limits: ConnectionLimits): Server {
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(60_000, limits.requestTimeoutMs),
      connectionsCheckingInterval: limits.checkIntervalMs ?? Math.min(30_000, limits.requestTimeoutMs),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
