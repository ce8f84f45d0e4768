import fs from 'node:fs';

import { z } from 'zod';

import { LOG_LEVELS } from '@gpu-shopper/core';

/**
 * The server's whole configuration, read once at startup. Names are the documented contract
 * (docs/configuration.md); later capabilities add their variables here, never elsewhere.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export const serverEnvSchema = z.object({
  SERVER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SERVER_PORT: z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65535, 'must be a port number from 0 to 65535')
    .default(8080),
  DATABASE_PATH: z.string().trim().min(1).default('./data/gpu-shopper.db'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  GPU_SHOPPER_ADMIN_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
export type ServerEnv = z.infer<typeof serverEnvSchema>;

/**
 * Protected mode: without an admin token nobody can be authenticated, so the API must not be
 * reachable from other machines. Checked on the raw values so it is reported together with any
 * other problem, not only once the rest is valid.
 */
function protectedModeProblem(source: Record<string, string | undefined>): string | undefined {
  const host = source.SERVER_HOST?.trim() || '127.0.0.1';
  if (source.GPU_SHOPPER_ADMIN_TOKEN || LOOPBACK_HOSTS.has(host)) return undefined;
  return `SERVER_HOST: binding ${host} exposes the API beyond this machine; set GPU_SHOPPER_ADMIN_TOKEN or bind 127.0.0.1`;
}

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = EnvError.name;
  }
}

/** Parses the environment, reporting every bad variable at once (not just the first). */
export function parseServerEnv(raw: Record<string, string | undefined>): ServerEnv {
  // `SERVER_PORT=` in a .env file means "not set", not port 0 (which would pick a random port).
  const source = Object.fromEntries(Object.entries(raw).filter(([, value]) => value === undefined || value.trim() !== ''));
  const parsed = serverEnvSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const value = typeof issue.path[0] === 'string' ? source[issue.path[0]] : undefined;
        // Echo the offending value, except for secrets.
        const shown = value === undefined || name.includes('TOKEN') ? '' : ` (got '${value}')`;
        return `${name}: ${issue.message}${shown}`;
      });
  const protectedMode = protectedModeProblem(source);
  if (protectedMode) problems.push(protectedMode);
  if (!parsed.success || problems.length > 0) throw new EnvError(problems);
  return parsed.data;
}

/** Loads `.env` from the working directory when present; variables already set win. */
export function loadDotEnv(file = '.env'): boolean {
  if (!fs.existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}

export function readProcessEnv(): Record<string, string | undefined> {
  return process.env;
}
