import { and, eq, sql } from 'drizzle-orm';

import { type Lease, type LeaseRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { leases } from '../schema.js';

/**
 * One upsert decides the lease: insert when free; take over when expired; extend (same token) when
 * the holder already holds it. The WHERE on the conflict branch refuses a running lease of another
 * holder, and then no row comes back.
 */
export class SqliteLeaseRepository implements LeaseRepository {
  constructor(private readonly db: StorageDatabase) {}

  async acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const keeps = sql`${leases.holder} = excluded.holder and ${leases.expiresAt} > excluded.acquired_at`;
    return this.db
      .insert(leases)
      .values({ name, holder, token: 1, acquiredAt: now, expiresAt })
      .onConflictDoUpdate({
        target: leases.name,
        set: {
          holder: sql`excluded.holder`,
          token: sql`case when ${keeps} then ${leases.token} else ${leases.token} + 1 end`,
          acquiredAt: sql`case when ${keeps} then ${leases.acquiredAt} else excluded.acquired_at end`,
          expiresAt: sql`excluded.expires_at`,
        },
        setWhere: sql`${leases.holder} = excluded.holder or ${leases.expiresAt} <= excluded.acquired_at`,
      })
      .returning()
      .get();
  }

  async renew(name: string, holder: string, token: number, now: Date, ttlMs: number): Promise<Lease | undefined> {
    return this.db
      .update(leases)
      .set({ expiresAt: new Date(now.getTime() + ttlMs) })
      .where(and(eq(leases.name, name), eq(leases.holder, holder), eq(leases.token, token)))
      .returning()
      .get();
  }

  async release(name: string, holder: string, token: number, now: Date): Promise<void> {
    this.db
      .update(leases)
      .set({ expiresAt: now })
      .where(and(eq(leases.name, name), eq(leases.holder, holder), eq(leases.token, token)))
      .run();
  }

  async get(name: string): Promise<Lease | undefined> {
    return this.db.select().from(leases).where(eq(leases.name, name)).get();
  }
}
