import { eq, sql } from 'drizzle-orm';

import { type SessionSecretRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { sessionSecrets } from '../schema.js';

export class SqliteSessionSecretRepository implements SessionSecretRepository {
  /** Read by every provisioning (its create and its readiness wait): prepared once. */
  private readonly byId;

  constructor(private readonly db: StorageDatabase) {
    this.byId = db.select({ encryptedPrivateKey: sessionSecrets.encryptedPrivateKey }).from(sessionSecrets).where(eq(sessionSecrets.sessionId, sql.placeholder('sessionId'))).prepare();
  }

  async put(sessionId: string, encryptedPrivateKey: string): Promise<void> {
    this.db
      .insert(sessionSecrets)
      .values({ sessionId, encryptedPrivateKey })
      .onConflictDoUpdate({ target: sessionSecrets.sessionId, set: { encryptedPrivateKey } })
      .run();
  }

  async get(sessionId: string): Promise<string | undefined> {
    return this.byId.get({ sessionId })?.encryptedPrivateKey;
  }

  async delete(sessionId: string): Promise<void> {
    this.db.delete(sessionSecrets).where(eq(sessionSecrets.sessionId, sessionId)).run();
  }
}
