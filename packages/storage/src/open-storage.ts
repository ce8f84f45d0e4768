import fs from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

import { type BenchmarkRepositories, type LeaseRepository, type Repositories } from '@gpu-shopper/core';

import { type StorageDatabase } from './database.js';
import { openPostgresStorage, type PostgresStorage } from './postgres/open-postgres-storage.js';
import { guardQueryErrors, guardRepositories } from './query-errors.js';

import { SqliteApiKeyRepository } from './repositories/api-keys.js';
import { SqliteBenchmarkResultRepository, SqliteBenchmarkRunRepository, SqliteBenchmarkScheduleRepository } from './repositories/benchmarks.js';
import { SqliteBudgetRepository } from './repositories/budgets.js';
import { SqliteConsumerRepository } from './repositories/consumers.js';
import { SqliteCostLedgerRepository } from './repositories/cost-ledger.js';
import { SqliteDeploymentIdentityRepository } from './repositories/deployment-identity.js';
import { SqliteIdempotencyRepository } from './repositories/idempotency.js';
import { SqliteLeaseRepository } from './repositories/leases.js';
import { SqliteOfferFailureRepository } from './repositories/offer-failures.js';
import { SqliteSessionSecretRepository } from './repositories/session-secrets.js';
import { SqliteSessionRepository } from './repositories/sessions.js';
import * as schema from './schema.js';

export interface StorageOptions {
  /** A file path (its folder is created) or `:memory:`. */
  readonly path: string;
  /** How long a writer waits for another connection's lock before failing. @default 5000 */
  readonly busyTimeoutMs?: number;
}

export interface SqliteStorage {
  readonly kind: 'sqlite';
  readonly repositories: Repositories;
  /** Benchmark results, runs and schedules (a separate port group; see core's benchmark-repositories). */
  readonly benchmarks: BenchmarkRepositories;
  readonly leases: LeaseRepository;
  readonly db: StorageDatabase;
  /** Quick liveness probe for `/ready`: a trivial query on the open connection. */
  ping(): boolean;
  close(): void;
}

/** `drizzle/` sits beside `src/` and `dist/`, so this resolves from both. */
const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, '..', 'drizzle');

/**
 * The database holds session records, hashed keys and encrypted private keys: a directory we create
 * is 0700 and the file 0600 (SQLite gives its -wal and -shm files the database file's mode). An
 * existing file is tightened to 0600; an existing directory is left as its owner set it.
 */
function createPrivately(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
}

/**
 * Opens (creating if needed) the database, applies pending migrations, and returns the repositories.
 * WAL lets readers proceed during a write; the busy timeout makes concurrent writers wait instead of
 * failing at once; foreign keys are off by default in SQLite, so they are switched on.
 */
export function openStorage(options: StorageOptions): SqliteStorage {
  if (options.path !== ':memory:') createPrivately(path.resolve(options.path));
  const sqlite = new Database(options.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      kind: 'sqlite',
      db,
      // Errors leave storage without the queries' parameters (see query-errors.ts).
      repositories: guardRepositories({
        sessions: new SqliteSessionRepository(db),
        costs: new SqliteCostLedgerRepository(db),
        consumers: new SqliteConsumerRepository(db),
        apiKeys: new SqliteApiKeyRepository(db),
        budgets: new SqliteBudgetRepository(db),
        offerFailures: new SqliteOfferFailureRepository(db),
        idempotency: new SqliteIdempotencyRepository(db),
        deployment: new SqliteDeploymentIdentityRepository(db),
        sessionSecrets: new SqliteSessionSecretRepository(db),
      }),
      benchmarks: guardRepositories({
        results: new SqliteBenchmarkResultRepository(db),
        runs: new SqliteBenchmarkRunRepository(db),
        schedules: new SqliteBenchmarkScheduleRepository(db),
      }),
      leases: guardQueryErrors(new SqliteLeaseRepository(db)),
      ping: () => sqlite.prepare('select 1 as ok').get() !== undefined,
      close: () => sqlite.close(),
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** Either database behind the same repositories; `kind` tells which (for `/health` and logs). */
export type Storage = SqliteStorage | PostgresStorage;

export interface DatabaseSelection {
  /** `postgres://…` or `postgresql://…`: PostgreSQL, shared by every replica. */
  readonly databaseUrl?: string | undefined;
  /** The SQLite file used when no `databaseUrl` is given. */
  readonly databasePath: string;
  readonly onIdleError?: (error: Error) => void;
}

/** A database URL names PostgreSQL; without one, the embedded SQLite file is the store (one process). */
export async function openDatabase(selection: DatabaseSelection): Promise<Storage> {
  if (selection.databaseUrl) {
    return openPostgresStorage({ url: selection.databaseUrl, ...(selection.onIdleError ? { onIdleError: selection.onIdleError } : {}) });
  }
  return openStorage({ path: selection.databasePath });
}
