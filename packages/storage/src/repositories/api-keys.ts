import { asc, eq } from 'drizzle-orm';

import {
  AlreadyExistsError,
  Err,
  NotFoundError,
  Ok,
  apiKeySchema,
  type ApiKey,
  type ApiKeyRepository,
  type Result,
} from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { apiKeys } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export class SqliteApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: StorageDatabase) {}

  async create(key: ApiKey): Promise<Result<ApiKey, AlreadyExistsError>> {
    try {
      this.db.insert(apiKeys).values(key).run();
      return Ok(key);
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('api key', key.id));
      throw error;
    }
  }

  async findByHash(keyHash: string): Promise<ApiKey | undefined> {
    const row = this.db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
    return row && apiKeySchema.parse(row);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const row = this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    return row && apiKeySchema.parse(row);
  }

  async listByConsumer(consumerId: string): Promise<ApiKey[]> {
    const rows = this.db.select().from(apiKeys).where(eq(apiKeys.consumerId, consumerId)).orderBy(asc(apiKeys.id)).all();
    return rows.map((row) => apiKeySchema.parse(row));
  }

  async revoke(id: string, at: Date): Promise<Result<ApiKey, NotFoundError>> {
    const row = this.db.transaction((tx) => {
      const current = tx.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
      // Revoking twice keeps the first revocation time.
      if (current && current.revokedAt === null) {
        return tx.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id)).returning().get();
      }
      return current;
    });
    return row ? Ok(apiKeySchema.parse(row)) : Err(new NotFoundError('api key', id));
  }

  async touch(id: string, at: Date): Promise<void> {
    this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
    return;
  }
}
