import { eq } from 'drizzle-orm';

import { type DeploymentIdentityRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { deploymentIdentity } from '../schema.js';

export class SqliteDeploymentIdentityRepository implements DeploymentIdentityRepository {
  constructor(private readonly db: StorageDatabase) {}

  async getOrCreate(candidate: string, now: Date): Promise<string> {
    // The singleton row's primary key makes the first writer win, even across processes.
    this.db.insert(deploymentIdentity).values({ singleton: 1, deploymentId: candidate, createdAt: now }).onConflictDoNothing().run();
    const row = this.db.select().from(deploymentIdentity).where(eq(deploymentIdentity.singleton, 1)).get();
    if (!row) throw new Error('deployment identity row missing right after it was written');
    return row.deploymentId;
  }
}
