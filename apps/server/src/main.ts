#!/usr/bin/env node
/**
 * The composition root: reads the environment once, composes the services, resumes unfinished
 * sessions, serves HTTP, and shuts down gracefully on SIGINT/SIGTERM — loops stop and in-flight
 * writes finish; workloads are never destroyed because the server stops.
 */
import fs from 'node:fs';
import path from 'node:path';

import { systemClock } from '@gpu-shopper/core';

import { createApp, createHttpServer } from './app.js';
import { composeServices } from './compose.js';
import { EnvError, loadDotEnv, parseServerEnv, readProcessEnv } from './env.js';
import { WinstonLogger } from './observability/winston-logger.js';
import { BackgroundJobs } from './jobs/background-jobs.js';

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

async function main(): Promise<void> {
  loadDotEnv();
  const env = parseServerEnv(readProcessEnv());
  const root = WinstonLogger.create(env.LOG_LEVEL);
  const logger = root.child({ application: 'gpu-shopper-server' });
  const services = await composeServices({ env, clock: systemClock, logger });
  const jobs = new BackgroundJobs(services, env, logger);
  const app = createApp({
    ...services.appDeps({ version: packageVersion(), startProvisioning: (sessionId) => jobs.startProvisioning(sessionId) }),
    // The web console's build, beside this package in the workspace (apps/web/dist).
    consoleDir: path.resolve(import.meta.dirname, '..', '..', 'web', 'dist'),
  });

  if (!env.GPU_SHOPPER_ADMIN_TOKEN) {
    logger.warn('protected mode: no GPU_SHOPPER_ADMIN_TOKEN is set, so the API is served on loopback only and local requests without credentials act as admin', {
      host: env.SERVER_HOST,
    });
  }
  const server = createHttpServer(app, { requestTimeoutMs: env.SERVER_REQUEST_TIMEOUT, maxConnections: env.SERVER_MAX_CONNECTIONS });
  server.listen(env.SERVER_PORT, env.SERVER_HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.SERVER_PORT;
  logger.info('server listening', {
    url: `http://${env.SERVER_HOST}:${port}`,
    mode: services.mode,
    deploymentId: services.deploymentId,
    // The URL may carry a password: only the kind and the replica are logged for PostgreSQL.
    database: services.storage.kind === 'postgres' ? 'postgres' : env.DATABASE_PATH,
    replica: services.replica.id,
    providers: [...services.providers.keys()],
  });
  await jobs.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server.close();
    server.closeIdleConnections();
    // Event streams stay open until their session ends; give them a moment, then cut them.
    setTimeout(() => server.closeAllConnections(), 3000).unref();
    void jobs
      .stop()
      .then(() => services.close())
      .then(() => logger.info('stopped'))
      .catch((error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exitCode = 1;
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    process.stderr.write(`gpu-shopper-server: ${error.message}\n`);
  } else {
    process.stderr.write(`gpu-shopper-server: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
});
