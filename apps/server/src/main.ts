#!/usr/bin/env node
/**
 * The composition root: reads the environment once, opens storage, establishes the deployment
 * identity, serves HTTP, and shuts down gracefully on SIGINT/SIGTERM (loops stop; workloads never do).
 */
import fs from 'node:fs';
import path from 'node:path';

import { UlidIdGenerator, systemClock } from '@gpu-shopper/core';
import { openStorage } from '@gpu-shopper/storage';

import { createApp } from './app.js';
import { EnvError, loadDotEnv, parseServerEnv, readProcessEnv } from './env.js';
import { JsonLogger } from './http/json-logger.js';

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

async function main(): Promise<void> {
  loadDotEnv();
  const env = parseServerEnv(readProcessEnv());
  const logger = new JsonLogger(env.LOG_LEVEL).child({ application: 'gpu-shopper-server' });
  const storage = openStorage({ path: env.DATABASE_PATH });
  const ids = new UlidIdGenerator();
  const deploymentId = await storage.repositories.deployment.getOrCreate(ids.next('deployment'), systemClock.now());

  const app = createApp({
    clock: systemClock,
    logger,
    deploymentId,
    version: packageVersion(),
    readinessChecks: { storage: () => storage.ping() },
  });
  if (!env.GPU_SHOPPER_ADMIN_TOKEN) {
    logger.warn('protected mode: no GPU_SHOPPER_ADMIN_TOKEN is set, so the API is served on loopback only', { host: env.SERVER_HOST });
  }
  const server = app.listen(env.SERVER_PORT, env.SERVER_HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.SERVER_PORT;
    logger.info('server listening', {
      url: `http://${env.SERVER_HOST}:${port}`,
      deploymentId,
      database: env.DATABASE_PATH,
      protectedMode: !env.GPU_SHOPPER_ADMIN_TOKEN,
    });
  });
  server.on('error', (error) => {
    logger.error('server failed to start', { error });
    storage.close();
    process.exitCode = 1;
  });

  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    server.close(() => {
      storage.close();
      logger.info('stopped');
    });
    // Keep-alive connections could hold close() open; they are idle by now, so drop them.
    server.closeIdleConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    process.stderr.write(`gpu-shopper-server: ${error.message}\n`);
  } else {
    process.stderr.write(`gpu-shopper-server: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
});
