/**
 * The lease upsert, which reads the same on SQLite and PostgreSQL (both have INSERT … ON CONFLICT DO
 * UPDATE … WHERE and the `excluded` row). One statement decides the lease: insert when free; take
 * over when expired; extend (same token) when the holder already holds it. The WHERE on the conflict
 * branch refuses a running lease of another holder, and then no row comes back.
 */
import { and, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** The columns of `leases`, whichever dialect's table holds them. */
export interface LeaseColumns {
  readonly name: AnyColumn;
  readonly holder: AnyColumn;
  readonly token: AnyColumn;
  readonly acquiredAt: AnyColumn;
  readonly expiresAt: AnyColumn;
}

/** The row an acquire inserts when the name is free. */
export function leaseRow(name: string, holder: string, now: Date, ttlMs: number) {
  return { name, holder, token: 1, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
}

/** The conflict branch of an acquire (`target` is the name column, which each dialect passes typed as its own). */
export function leaseConflictUpdate(columns: LeaseColumns) {
  const keeps = sql`${columns.holder} = excluded.holder and ${columns.expiresAt} > excluded.acquired_at`;
  return {
    set: {
      holder: sql`excluded.holder`,
      token: sql`case when ${keeps} then ${columns.token} else ${columns.token} + 1 end`,
      acquiredAt: sql`case when ${keeps} then ${columns.acquiredAt} else excluded.acquired_at end`,
      expiresAt: sql`excluded.expires_at`,
    },
    setWhere: sql`${columns.holder} = excluded.holder or ${columns.expiresAt} <= excluded.acquired_at`,
  };
}

/** The lease row as held: renew and release touch it only while name, holder and token all still match. */
export function heldLease(columns: LeaseColumns, name: string, holder: string, token: number): SQL | undefined {
  return and(eq(columns.name, name), eq(columns.holder, holder), eq(columns.token, token));
}
