import { sql } from 'drizzle-orm';
import { type PgTable } from 'drizzle-orm/pg-core';
import { type SQLiteTable } from 'drizzle-orm/sqlite-core';

import { openStorage } from './open-storage.js';
import { openPostgresStorage } from './postgres/open-postgres-storage.js';
import * as pgSchema from './postgres/schema.js';
import { redactQueryError } from './query-errors.js';
import * as schema from './schema.js';

/**
 * Tables in the order foreign keys allow. Leases are not copied: they describe processes of the old
 * deployment, and the replicas elect and own afresh.
 */
const TABLES = [
  'deploymentIdentity',
  'consumers',
  'apiKeys',
  'budgets',
  'sessions',
  'sessionEvents',
  'costEntries',
  'sessionSecrets',
  'offerFailures',
  'idempotencyRecords',
  'benchmarkResults',
  'benchmarkRuns',
  'benchmarkSchedules',
] as const satisfies readonly (keyof typeof pgSchema)[];

const BATCH = 500;

export interface CopyReport {
  readonly rows: Readonly<Record<string, number>>;
}

/**
 * Copies a SQLite deployment's data into an empty PostgreSQL database (migrated first), in one
 * PostgreSQL transaction: on any error nothing is copied. Refuses a target that already holds
 * sessions or a deployment identity, so it cannot merge two deployments. The SQLite file is only read.
 */
export async function copySqliteToPostgres(sqlitePath: string, databaseUrl: string): Promise<CopyReport> {
  const source = openStorage({ path: sqlitePath });
  let target;
  try {
    target = await openPostgresStorage({ url: databaseUrl });
  } catch (error) {
    source.close();
    throw error;
  }
  try {
    const [present] = (
      await target.db.execute<{ sessions: string; identity: string }>(
        sql`select (select count(*) from sessions) as sessions, (select count(*) from deployment_identity) as identity`,
      )
    ).rows;
    if (Number(present?.sessions) > 0 || Number(present?.identity) > 0) {
      throw new Error('the PostgreSQL database already holds a deployment (sessions or a deployment id); copy into an empty database');
    }
    const rows: Record<string, number> = {};
    await target.db.transaction(async (tx) => {
      for (const name of TABLES) {
        const from = schema[name] as SQLiteTable;
        const to = pgSchema[name] as PgTable;
        const all = source.db.select().from(from).all() as Record<string, unknown>[];
        for (let i = 0; i < all.length; i += BATCH) await tx.insert(to).values(all.slice(i, i + BATCH));
        rows[name] = all.length;
      }
      // session_events.seq was copied as is: the sequence continues after the highest one.
      await tx.execute(sql`select setval(pg_get_serial_sequence('session_events', 'seq'), coalesce((select max(seq) from session_events), 0) + 1, false)`);
    });
    return { rows };
  } catch (error) {
    // A failed insert's message would list the copied rows: keys, hashes, encrypted private keys.
    throw redactQueryError(error);
  } finally {
    source.close();
    await target.close();
  }
}
