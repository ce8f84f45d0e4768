import { asc, gte, lt } from 'drizzle-orm';

import { offerFailureSchema, type OfferFailure, type OfferFailureRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { offerFailures } from '../schema.js';

export class SqliteOfferFailureRepository implements OfferFailureRepository {
  constructor(private readonly db: StorageDatabase) {}

  async record(failure: OfferFailure): Promise<void> {
    this.db.insert(offerFailures).values(failure).run();
    return;
  }

  async listSince(since: Date): Promise<OfferFailure[]> {
    const rows = this.db
      .select()
      .from(offerFailures)
      .where(gte(offerFailures.occurredAt, since))
      .orderBy(asc(offerFailures.occurredAt), asc(offerFailures.id))
      .all();
    return rows.map((row) => offerFailureSchema.parse(row));
  }

  async prune(before: Date): Promise<number> {
    return this.db.delete(offerFailures).where(lt(offerFailures.occurredAt, before)).run().changes;
  }
}
