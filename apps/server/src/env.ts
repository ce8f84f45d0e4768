import fs from 'node:fs';

import { z } from 'zod';

import { LOG_LEVELS, parseDurationMs } from '@gpu-shopper/core';

const HARD_MAX_RANGE = 'must be a whole number of hours from 1 to 72';

/**
 * The server's whole configuration, read once at startup. Names are the documented contract
 * (docs/configuration.md); later capabilities add their variables here, never elsewhere.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** A duration as configured (`60s`, `15m`, `12h`, `500ms`, or bare seconds), in milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDurationMs(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: `'${text}' is not a duration (use e.g. 500ms, 60s, 15m, 12h)` });
        return z.NEVER;
      }
    });

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional();
const secret = z.string().trim().min(1).optional();

export const serverEnvSchema = z.object({
  SERVER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SERVER_PORT: z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65535, 'must be a port number from 0 to 65535')
    .default(8080),
  DATABASE_PATH: z.string().trim().min(1).default('./data/gpu-shopper.db'),
  /**
   * `postgres://user:password@host:5432/database`: PostgreSQL, shared by every replica (then
   * DATABASE_PATH is not used for data). Unset: the embedded SQLite file at DATABASE_PATH.
   */
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** This process's name among the replicas (in /health, /metrics and the leader lease). Default: host name and process id. */
  REPLICA_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, dots, dashes, underscores or colons')
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  GPU_SHOPPER_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** 32 bytes (64 hex characters or base64) for encrypting retained private keys; else a key file beside the database. */
  GPU_SHOPPER_ENCRYPTION_KEY: secret,

  VASTAI_API_KEY: secret,
  BLUELOBSTER_API_KEY: secret,
  TENSORDOCK_API_TOKEN: secret,
  TENSORDOCK_AUTH_ID: secret,
  VASTAI_BASE_URL: url,
  TENSORDOCK_BASE_URL: url,
  BLUELOBSTER_BASE_URL: url,
  /** Record mode: every provider request/response pair is written here, redacted (docs/providers.md). */
  PROVIDER_RECORD_DIR: z.string().trim().min(1).optional(),

  LIFECYCLE_CHECK_INTERVAL: duration('60s'),
  // One message naming the whole range, whatever is wrong (not a number, a fraction, out of range).
  HARD_MAX_HOURS: z.coerce.number({ error: HARD_MAX_RANGE }).int(HARD_MAX_RANGE).min(1, HARD_MAX_RANGE).max(72, HARD_MAX_RANGE).default(12),
  ORPHAN_GRACE_PERIOD: duration('15m'),
  RECONCILIATION_INTERVAL: duration('5m'),
  INVENTORY_CACHE_TTL: duration('60s'),
  INVENTORY_BACKOFF_TTL: duration('300s'),

  /** Optional: budget alerts are POSTed here as JSON. */
  BUDGET_ALERT_WEBHOOK_URL: url,
  /** Spot sessions: each preemption (an instance outbid) is POSTed here as JSON when set. */
  PREEMPTION_WEBHOOK_URL: url,
  /** Simulate mode's catalogue seed (simulate mode starts when no provider credentials are set). */
  SIMULATOR_SEED: z.coerce.number().int().min(0).default(1),
  /**
   * Simulate mode: attach to an already running simulator (its control URL, as `pnpm simulator`
   * prints) instead of starting one in-process, so the marketplace outlives server restarts.
   */
  SIMULATOR_URL: url,

  /**
   * The reverse proxy in front of the server, so the failed-auth limiter and protected mode see the
   * real client address: a hop count (`1`) or the proxy's addresses/subnets (`10.0.0.5`,
   * `loopback`, `10.0.0.0/8`, comma-separated). Off by default: X-Forwarded-For is then ignored.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((text, ctx): TrustProxy => {
      if (text === '' || text === 'false' || text === '0') return false;
      if (/^\d+$/.test(text)) return Number(text);
      if (text === 'true') {
        ctx.addIssue({ code: 'custom', message: "'true' would trust any X-Forwarded-For a client sends; give the hop count (e.g. 1) or the proxy's addresses (e.g. loopback or 10.0.0.5)" });
        return z.NEVER;
      }
      const parts = text.split(',').map((part) => part.trim());
      const bad = parts.find((part) => !/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(part));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `'${bad}' is not an address, subnet or one of loopback, linklocal, uniquelocal` });
        return z.NEVER;
      }
      return parts;
    }),
  /** How long a client may take to send a whole request (headers and body); event streams are not cut by it. */
  SERVER_REQUEST_TIMEOUT: duration('60s'),
  /** Open connections at most; further ones are closed at once. */
  SERVER_MAX_CONNECTIONS: z.coerce.number({ error: 'must be a whole number from 16 to 100000' }).int('must be a whole number from 16 to 100000').min(16, 'must be a whole number from 16 to 100000').max(100_000, 'must be a whole number from 16 to 100000').default(1024),
  /**
   * What happens when a consumer's spend reaches 100 % of its monthly budget while sessions run:
   * `alert` (the 100 % alert fires; sessions run to their reservation) or `stop` (its live
   * sessions are also stopped, reason budget_exhausted). New spending is refused either way.
   */
  BUDGET_EXHAUSTED_POLICY: z.enum(['alert', 'stop'], { error: 'must be alert or stop' }).default('alert'),
});

/** Express's `trust proxy` setting: off, a hop count, or the proxies' addresses. */
export type TrustProxy = false | number | string[];
export type ServerEnv = z.infer<typeof serverEnvSchema>;

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = EnvError.name;
  }
}

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

/** TensorDock needs both of its credentials; one alone is a mistake worth stopping for. */
function tensorDockProblem(source: Record<string, string | undefined>): string | undefined {
  return Boolean(source.TENSORDOCK_API_TOKEN) === Boolean(source.TENSORDOCK_AUTH_ID)
    ? undefined
    : 'TENSORDOCK_API_TOKEN and TENSORDOCK_AUTH_ID must be set together';
}

/**
 * Replicas on PostgreSQL decrypt each other's session keys: they must share one key, which a key
 * file created by each process beside its own DATABASE_PATH cannot guarantee.
 */
function sharedKeyProblem(source: Record<string, string | undefined>): string | undefined {
  if (!source.DATABASE_URL || source.GPU_SHOPPER_ENCRYPTION_KEY) return undefined;
  return 'GPU_SHOPPER_ENCRYPTION_KEY: must be set with DATABASE_URL (every replica needs the same key; generate one with `openssl rand -hex 32`)';
}

const SECRET_NAMES = /TOKEN|KEY|AUTH_ID|DATABASE_URL/;

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
        const shown = value === undefined || SECRET_NAMES.test(name) ? '' : ` (got '${value}')`;
        return `${name}: ${issue.message}${shown}`;
      });
  for (const extra of [protectedModeProblem(source), tensorDockProblem(source), sharedKeyProblem(source)]) if (extra) problems.push(extra);
  if (!parsed.success || problems.length > 0) throw new EnvError(problems);
  return parsed.data;
}

/** True when no vendor credential is configured: the server then runs against the built-in simulator. */
export function isSimulateMode(env: ServerEnv): boolean {
  return !env.VASTAI_API_KEY && !env.BLUELOBSTER_API_KEY && !env.TENSORDOCK_API_TOKEN;
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
