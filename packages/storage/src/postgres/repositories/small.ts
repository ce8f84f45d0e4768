/** The PostgreSQL repositories of the smaller ports: keys, consumers, budgets, failures, idempotency, identity, secrets, leases. */
import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';

import {
  AlreadyExistsError,
  Err,
  NotFoundError,
  Ok,
  apiKeySchema,
  budgetSchema,
  consumerSchema,
  offerFailureSchema,
  type ApiKey,
  type ApiKeyRepository,
  type Budget,
  type BudgetRepository,
  type Consumer,
  type ConsumerRepository,
  type DeploymentIdentityRepository,
  type IdempotencyRecord,
  type IdempotencyRepository,
  type Lease,
  type LeaseRepository,
  type OfferFailure,
  type OfferFailureRepository,
  type Result,
  type SessionSecretRepository,
} from '@gpu-shopper/core';

import { type PostgresDatabase } from '../../database.js';
import { idempotencyKey } from '../../queries/idempotency.js';
import { heldLease, leaseConflictUpdate, leaseRow } from '../../queries/leases.js';
import { isUniqueViolation } from '../../repositories/unique-violation.js';
import { apiKeys, budgets, consumers, deploymentIdentity, idempotencyRecords, leases, offerFailures, sessionSecrets } from '../schema.js';

export class PostgresApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async create(key: ApiKey): Promise<Result<ApiKey, AlreadyExistsError>> {
    try {
      await this.db.insert(apiKeys).values(key);
      return Ok(key);
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('api key', key.id));
      throw error;
    }
  }

  async findByHash(keyHash: string): Promise<ApiKey | undefined> {
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
    return row && apiKeySchema.parse(row);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    return row && apiKeySchema.parse(row);
  }

  async listByConsumer(consumerId: string): Promise<ApiKey[]> {
    const rows = await this.db.select().from(apiKeys).where(eq(apiKeys.consumerId, consumerId)).orderBy(asc(apiKeys.id));
    return rows.map((row) => apiKeySchema.parse(row));
  }

  async revoke(id: string, at: Date): Promise<Result<ApiKey, NotFoundError>> {
    // Revoking twice keeps the first revocation time: only an unrevoked key is written.
    const [revoked] = await this.db
      .update(apiKeys)
      .set({ revokedAt: at })
      .where(and(eq(apiKeys.id, id), sql`${apiKeys.revokedAt} is null`))
      .returning();
    const row = revoked ?? (await this.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
    return row ? Ok(apiKeySchema.parse(row)) : Err(new NotFoundError('api key', id));
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
  }
}

export class PostgresConsumerRepository implements ConsumerRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async create(consumer: Consumer): Promise<Result<Consumer, AlreadyExistsError>> {
    try {
      await this.db.insert(consumers).values(consumer);
      return Ok(consumer);
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('consumer', consumer.id));
      throw error;
    }
  }

  async get(id: string): Promise<Consumer | undefined> {
    const [row] = await this.db.select().from(consumers).where(eq(consumers.id, id));
    return row && consumerSchema.parse(row);
  }

  async list(): Promise<Consumer[]> {
    return (await this.db.select().from(consumers).orderBy(asc(consumers.id))).map((row) => consumerSchema.parse(row));
  }

  async commitmentVersion(id: string): Promise<number> {
    const [row] = await this.db.select({ version: consumers.commitmentVersion }).from(consumers).where(eq(consumers.id, id));
    return row?.version ?? 0;
  }

  async setDisabled(id: string, disabledAt: Date | null): Promise<Result<Consumer, NotFoundError>> {
    const [row] = await this.db.update(consumers).set({ disabledAt }).where(eq(consumers.id, id)).returning();
    return row ? Ok(consumerSchema.parse(row)) : Err(new NotFoundError('consumer', id));
  }
}

export class PostgresBudgetRepository implements BudgetRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async get(consumerId: string): Promise<Budget | undefined> {
    const [row] = await this.db.select().from(budgets).where(eq(budgets.consumerId, consumerId));
    return row && budgetSchema.parse(row);
  }

  async upsert(budget: Budget): Promise<Budget> {
    const { consumerId: _id, ...rest } = budget;
    await this.db
      .insert(budgets)
      .values({ ...budget, alertsSent: [...budget.alertsSent] })
      .onConflictDoUpdate({ target: budgets.consumerId, set: { ...rest, alertsSent: [...rest.alertsSent] } });
    return budget;
  }

  async delete(consumerId: string): Promise<boolean> {
    return (await this.db.delete(budgets).where(eq(budgets.consumerId, consumerId)).returning({ id: budgets.consumerId })).length > 0;
  }
}

export class PostgresOfferFailureRepository implements OfferFailureRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async record(failure: OfferFailure): Promise<void> {
    await this.db.insert(offerFailures).values(failure);
  }

  async listSince(since: Date): Promise<OfferFailure[]> {
    const rows = await this.db.select().from(offerFailures).where(gte(offerFailures.occurredAt, since)).orderBy(asc(offerFailures.occurredAt), asc(offerFailures.id));
    return rows.map((row) => offerFailureSchema.parse(row));
  }

  async prune(before: Date): Promise<number> {
    return (await this.db.delete(offerFailures).where(lt(offerFailures.occurredAt, before)).returning({ id: offerFailures.id })).length;
  }
}

export class PostgresIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async reserve(record: IdempotencyRecord): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }> {
    // INSERT … ON CONFLICT DO NOTHING decides atomically which of two racing requests owns the key.
    const inserted = await this.db.insert(idempotencyRecords).values(record).onConflictDoNothing().returning({ key: idempotencyRecords.key });
    if (inserted.length === 1) return { reserved: true };
    const [existing] = await this.db.select().from(idempotencyRecords).where(idempotencyKey(idempotencyRecords, record.scope, record.key));
    if (!existing) return this.reserve(record); // released between the insert and the read: try again
    return { reserved: false, existing };
  }

  async complete(scope: string, key: string, responseStatus: number, responseBody: string): Promise<void> {
    await this.db.update(idempotencyRecords).set({ state: 'completed', responseStatus, responseBody }).where(idempotencyKey(idempotencyRecords, scope, key));
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const [row] = await this.db.select().from(idempotencyRecords).where(idempotencyKey(idempotencyRecords, scope, key));
    return row;
  }

  async release(scope: string, key: string, ifCreatedAt?: Date): Promise<void> {
    await this.db.delete(idempotencyRecords).where(idempotencyKey(idempotencyRecords, scope, key, ifCreatedAt));
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.db.delete(idempotencyRecords).where(lte(idempotencyRecords.expiresAt, now)).returning({ key: idempotencyRecords.key })).length;
  }
}

export class PostgresDeploymentIdentityRepository implements DeploymentIdentityRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async getOrCreate(candidate: string, now: Date): Promise<string> {
    // The singleton row's primary key makes the first writer win, across every replica.
    await this.db.insert(deploymentIdentity).values({ singleton: 1, deploymentId: candidate, createdAt: now }).onConflictDoNothing();
    const [row] = await this.db.select().from(deploymentIdentity).where(eq(deploymentIdentity.singleton, 1));
    if (!row) throw new Error('deployment identity row missing right after it was written');
    return row.deploymentId;
  }
}

export class PostgresSessionSecretRepository implements SessionSecretRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async put(sessionId: string, encryptedPrivateKey: string): Promise<void> {
    await this.db.insert(sessionSecrets).values({ sessionId, encryptedPrivateKey }).onConflictDoUpdate({ target: sessionSecrets.sessionId, set: { encryptedPrivateKey } });
  }

  async get(sessionId: string): Promise<string | undefined> {
    const [row] = await this.db.select().from(sessionSecrets).where(eq(sessionSecrets.sessionId, sessionId));
    return row?.encryptedPrivateKey;
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.delete(sessionSecrets).where(eq(sessionSecrets.sessionId, sessionId));
  }
}

/** The lease upsert of queries/leases.ts; ON CONFLICT takes the row lock, so racing acquirers serialise. */
export class PostgresLeaseRepository implements LeaseRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const [row] = await this.db
      .insert(leases)
      .values(leaseRow(name, holder, now, ttlMs))
      .onConflictDoUpdate({ target: leases.name, ...leaseConflictUpdate(leases) })
      .returning();
    return row;
  }

  async renew(name: string, holder: string, token: number, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const [row] = await this.db
      .update(leases)
      .set({ expiresAt: new Date(now.getTime() + ttlMs) })
      .where(heldLease(leases, name, holder, token))
      .returning();
    return row;
  }

  async release(name: string, holder: string, token: number, now: Date): Promise<void> {
    await this.db.update(leases).set({ expiresAt: now }).where(heldLease(leases, name, holder, token));
  }

  async get(name: string): Promise<Lease | undefined> {
    const [row] = await this.db.select().from(leases).where(eq(leases.name, name));
    return row;
  }
}
