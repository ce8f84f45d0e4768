import { asc, eq, sql } from 'drizzle-orm';

import {
  AlreadyExistsError,
  Err,
  NotFoundError,
  Ok,
  consumerSchema,
  type Consumer,
  type ConsumerRepository,
  type Result,
} from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { consumers } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export class SqliteConsumerRepository implements ConsumerRepository {
  /** Read at every provisioning request (the budget check and its commitment guard): prepared once. */
  private readonly byId;
  private readonly versionById;

  constructor(private readonly db: StorageDatabase) {
    this.byId = db.select().from(consumers).where(eq(consumers.id, sql.placeholder('id'))).prepare();
    this.versionById = db.select({ version: consumers.commitmentVersion }).from(consumers).where(eq(consumers.id, sql.placeholder('id'))).prepare();
  }

  async create(consumer: Consumer): Promise<Result<Consumer, AlreadyExistsError>> {
    try {
      this.db.insert(consumers).values(consumer).run();
      return Ok(consumer);
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('consumer', consumer.id));
      throw error;
    }
  }

  async get(id: string): Promise<Consumer | undefined> {
    const row = this.byId.get({ id });
    return row && consumerSchema.parse(row);
  }

  async list(): Promise<Consumer[]> {
    return this.db.select().from(consumers).orderBy(asc(consumers.id)).all().map((row) => consumerSchema.parse(row));
  }

  async commitmentVersion(id: string): Promise<number> {
    return this.versionById.get({ id })?.version ?? 0;
  }

  async setDisabled(id: string, disabledAt: Date | null): Promise<Result<Consumer, NotFoundError>> {
    const row = this.db.update(consumers).set({ disabledAt }).where(eq(consumers.id, id)).returning().get();
    return row ? Ok(consumerSchema.parse(row)) : Err(new NotFoundError('consumer', id));
  }
}
