import path from 'node:path';

import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

import { type BenchmarkRepositories, type LeaseRepository, type RateBudgetStore, type Repositories } from '@gpu-shopper/core';

import { type PostgresDatabase } from '../database.js';
import { PostgresBenchmarkResultRepository, PostgresBenchmarkRunRepository, PostgresBenchmarkScheduleRepository } from './repositories/benchmarks.js';
import { PostgresCostLedgerRepository } from './repositories/cost-ledger.js';
import { PostgresRateBudgetStore } from './repositories/rate-budgets.js';
import { PostgresSessionRepository } from './repositories/sessions.js';
import {
  PostgresApiKeyRepository,
  PostgresBudgetRepository,
  PostgresConsumerRepository,
  PostgresDeploymentIdentityRepository,
  PostgresIdempotencyRepository,
  PostgresLeaseRepository,
  PostgresOfferFailureRepository,
  PostgresSessionSecretRepository,
} from './repositories/small.js';
import { guardQueryErrors, guardRepositories } from '../query-errors.js';
import * as schema from './schema.js';

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://…`); the password never reaches a log. */
  readonly url: string;
  /** Connections this process keeps at most. @default 10 */
  readonly maxConnections?: number;
  /** An idle pooled connection failed (the server restarted, the network dropped); the pool replaces it. */
  readonly onIdleError?: (error: Error) => void;
}

export interface PostgresStorage {
  readonly kind: 'postgres';
  readonly repositories: Repositories;
  readonly benchmarks: BenchmarkRepositories;
  readonly leases: LeaseRepository;
  /** The vendors' call budgets shared by the replicas (one token bucket per vendor). */
  readonly rateBudgets: RateBudgetStore;
  readonly db: PostgresDatabase;
  /** Quick liveness probe for `/ready`: a trivial query on a pooled connection. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** `drizzle-postgres/` sits beside `src/` and `dist/`, so this resolves from both (this file is one level deeper). */
const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, '..', '..', 'drizzle-postgres');

/** Any constant works; it only has to be the same in every replica. */
const MIGRATION_LOCK = 0x67707573; // "gpus"

/** The URL without its password, for error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/**
 * Connects to PostgreSQL, applies pending migrations, and returns the repositories. Several replicas
 * may start at once: migrations run under a session-level advisory lock, so one applies them and
 * the others wait, then find nothing left to do.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, application_name: 'gpu-shopper' });
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    const db = drizzle({ client: pool, schema });
    const lock = await pool.connect().catch((error: unknown) => {
      throw new Error(`PostgreSQL at ${redactDatabaseUrl(options.url)} is not reachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    try {
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      lock.release();
    }
    return {
      kind: 'postgres',
      db,
      // Errors leave storage without the queries' parameters (see query-errors.ts).
      repositories: guardRepositories({
        sessions: new PostgresSessionRepository(db),
        costs: new PostgresCostLedgerRepository(db),
        consumers: new PostgresConsumerRepository(db),
        apiKeys: new PostgresApiKeyRepository(db),
        budgets: new PostgresBudgetRepository(db),
        offerFailures: new PostgresOfferFailureRepository(db),
        idempotency: new PostgresIdempotencyRepository(db),
        deployment: new PostgresDeploymentIdentityRepository(db),
        sessionSecrets: new PostgresSessionSecretRepository(db),
      }),
      benchmarks: guardRepositories({
        results: new PostgresBenchmarkResultRepository(db),
        runs: new PostgresBenchmarkRunRepository(db),
        schedules: new PostgresBenchmarkScheduleRepository(db),
      }),
      leases: guardQueryErrors(new PostgresLeaseRepository(db)),
      rateBudgets: guardQueryErrors(new PostgresRateBudgetStore(db)),
      ping: async () => {
        try {
          const result = await db.execute(sql`select 1 as ok`);
          return result.rows.length === 1;
        } catch {
          return false;
        }
      },
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
