/** The idempotency records' key condition, which reads the same on SQLite and PostgreSQL. */
import { and, eq, type AnyColumn, type SQL } from 'drizzle-orm';

/** The columns of `idempotency_records` that key a record, whichever dialect's table holds them. */
export interface IdempotencyKeyColumns {
  readonly scope: AnyColumn;
  readonly key: AnyColumn;
  readonly createdAt: AnyColumn;
}

/** The record of `scope` and `key`; with `ifCreatedAt`, only while it is still the reservation made then. */
export function idempotencyKey(columns: IdempotencyKeyColumns, scope: string, key: string, ifCreatedAt?: Date): SQL | undefined {
  const byScopeAndKey = and(eq(columns.scope, scope), eq(columns.key, key));
  return ifCreatedAt ? and(byScopeAndKey, eq(columns.createdAt, ifCreatedAt)) : byScopeAndKey;
}
