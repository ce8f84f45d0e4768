import { and, asc, eq, max } from 'drizzle-orm';

import {
  ConcurrentUpdateError,
  Err,
  Ok,
  costEntrySchema,
  summarizeCosts,
  type CostEntry,
  type CostLedgerRepository,
  type CostQuery,
  type CostTotals,
  type Result,
} from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { costConditions } from '../queries/cost-ledger.js';
import { costEntries } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export class SqliteCostLedgerRepository implements CostLedgerRepository {
  constructor(private readonly db: StorageDatabase) {}

  async appendAccrual(entry: CostEntry, previousAccruedSeconds: number): Promise<Result<void, ConcurrentUpdateError>> {
    const conflict = () => Err(new ConcurrentUpdateError('cost ledger', entry.sessionId, previousAccruedSeconds));
    try {
      const result = this.db.transaction(
        (tx): Result<void, ConcurrentUpdateError> => {
          const current = this.highWaterMark(tx, entry.sessionId);
          if (current !== previousAccruedSeconds || entry.accruedSeconds <= current) return conflict();
          tx.insert(costEntries).values(entry).run();
          return Ok();
        },
        { behavior: 'immediate' },
      );
      return result;
    } catch (error) {
      if (isUniqueViolation(error)) return conflict();
      throw error;
    }
  }

  async accruedSeconds(sessionId: string): Promise<number> {
    return this.highWaterMark(this.db, sessionId);
  }

  async list(query: CostQuery = {}): Promise<CostEntry[]> {
    const rows = this.db
      .select()
      .from(costEntries)
      .where(and(...costConditions(costEntries, query)))
      .orderBy(asc(costEntries.periodStart), asc(costEntries.id))
      .all();
    return rows.map((row) => costEntrySchema.parse(row));
  }

  async totals(query: CostQuery = {}): Promise<CostTotals> {
    return summarizeCosts(await this.list(query));
  }

  private highWaterMark(db: Pick<StorageDatabase, 'select'>, sessionId: string): number {
    const row = db.select({ value: max(costEntries.accruedSeconds) }).from(costEntries).where(eq(costEntries.sessionId, sessionId)).get();
    return row?.value ?? 0;
  }
}
