import { eq } from 'drizzle-orm';

import { type Lease, type LeaseRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { heldLease, leaseConflictUpdate, leaseRow } from '../queries/leases.js';
import { leases } from '../schema.js';

/** The lease upsert of queries/leases.ts; SQLite runs one writer at a time, so it is atomic as it stands. */
export class SqliteLeaseRepository implements LeaseRepository {
  constructor(private readonly db: StorageDatabase) {}

  async acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<Lease | undefined> {
    return this.db
      .insert(leases)
      .values(leaseRow(name, holder, now, ttlMs))
      .onConflictDoUpdate({ target: leases.name, ...leaseConflictUpdate(leases) })
      .returning()
      .get();
  }

  async renew(name: string, holder: string, token: number, now: Date, ttlMs: number): Promise<Lease | undefined> {
    return this.db
      .update(leases)
      .set({ expiresAt: new Date(now.getTime() + ttlMs) })
      .where(heldLease(leases, name, holder, token))
      .returning()
      .get();
  }

  async release(name: string, holder: string, token: number, now: Date): Promise<void> {
    this.db.update(leases).set({ expiresAt: now }).where(heldLease(leases, name, holder, token)).run();
  }

  async get(name: string): Promise<Lease | undefined> {
    return this.db.select().from(leases).where(eq(leases.name, name)).get();
  }
}
