import fs from 'node:fs';

import { z } from 'zod';

import { LOG_LEVELS } from '@gpu-shopper/core';

/**
 * The server's whole configuration, read once at startup. Names are the documented contract
 * (README "Configuration"); later capabilities add their variables here, never elsewhere.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export const serverEnvSchema = z
  .object({
    SERVER_HOST: z.string().trim().min(1).default('127.0.0.1'),
    SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    DATABASE_PATH: z.string().trim().min(1).default('./data/gpu-shopper.db'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    GPU_SHOPPER_ADMIN_TOKEN: z
      .string()
      .min(24, 'must be at least 24 characters')
      .optional()
      .or(z.literal('').transform(() => undefined)),
  })
  .superRefine((env, ctx) => {
    // Protected mode: without an admin token nobody can be authenticated, so the API must not be
    // reachable from other machines.
    if (!env.GPU_SHOPPER_ADMIN_TOKEN && !LOOPBACK_HOSTS.has(env.SERVER_HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SERVER_HOST'],
        message: `binding ${env.SERVER_HOST} exposes the API beyond this machine; set GPU_SHOPPER_ADMIN_TOKEN or bind 127.0.0.1`,
      });
    }
  });
export type ServerEnv = z.infer<typeof serverEnvSchema>;

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = EnvError.name;
  }
}

/** Parses the environment, reporting every bad variable at once (not just the first). */
export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = serverEnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  throw new EnvError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
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
