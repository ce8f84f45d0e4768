import { lte } from 'drizzle-orm';

import { type IdempotencyRecord, type IdempotencyRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { idempotencyKey } from '../queries/idempotency.js';
import { idempotencyRecords } from '../schema.js';

export class SqliteIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: StorageDatabase) {}

  async reserve(record: IdempotencyRecord): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }> {
    // INSERT … ON CONFLICT DO NOTHING decides atomically which of two racing requests owns the key.
    const inserted = this.db.insert(idempotencyRecords).values(record).onConflictDoNothing().run();
    if (inserted.changes === 1) return { reserved: true };
    const existing = this.db.select().from(idempotencyRecords).where(idempotencyKey(idempotencyRecords, record.scope, record.key)).get();
    if (!existing) return this.reserve(record); // released between the insert and the read: try again
    return { reserved: false, existing };
  }

  async complete(scope: string, key: string, responseStatus: number, responseBody: string): Promise<void> {
    this.db.update(idempotencyRecords).set({ state: 'completed', responseStatus, responseBody }).where(idempotencyKey(idempotencyRecords, scope, key)).run();
    return;
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.db.select().from(idempotencyRecords).where(idempotencyKey(idempotencyRecords, scope, key)).get();
  }

  async release(scope: string, key: string, ifCreatedAt?: Date): Promise<void> {
    this.db.delete(idempotencyRecords).where(idempotencyKey(idempotencyRecords, scope, key, ifCreatedAt)).run();
    return;
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db.delete(idempotencyRecords).where(lte(idempotencyRecords.expiresAt, now)).run().changes;
  }
}
