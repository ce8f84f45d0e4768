import { eq } from 'drizzle-orm';

import { type SessionSecretRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { sessionSecrets } from '../schema.js';

export class SqliteSessionSecretRepository implements SessionSecretRepository {
  constructor(private readonly db: StorageDatabase) {}

  async put(sessionId: string, encryptedPrivateKey: string): Promise<void> {
    this.db
      .insert(sessionSecrets)
      .values({ sessionId, encryptedPrivateKey })
      .onConflictDoUpdate({ target: sessionSecrets.sessionId, set: { encryptedPrivateKey } })
      .run();
  }

  async get(sessionId: string): Promise<string | undefined> {
    return this.db.select().from(sessionSecrets).where(eq(sessionSecrets.sessionId, sessionId)).get()?.encryptedPrivateKey;
  }

  async delete(sessionId: string): Promise<void> {
    this.db.delete(sessionSecrets).where(eq(sessionSecrets.sessionId, sessionId)).run();
  }
}
