import { and, asc, eq, max, sql } from 'drizzle-orm';

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

import { type PostgresDatabase } from '../../database.js';
import { costConditions } from '../../queries/cost-ledger.js';
import { isUniqueViolation } from '../../repositories/unique-violation.js';
import { costEntries } from '../schema.js';

export class PostgresCostLedgerRepository implements CostLedgerRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async appendAccrual(entry: CostEntry, previousAccruedSeconds: number): Promise<Result<void, ConcurrentUpdateError>> {
    const conflict = () => Err(new ConcurrentUpdateError('cost ledger', entry.sessionId, previousAccruedSeconds));
    try {
      return await this.db.transaction(async (tx): Promise<Result<void, ConcurrentUpdateError>> => {
        // READ COMMITTED lets two accountants read the same high-water mark; a per-session
        // transaction lock serialises them, so the second sees the first's line and is refused.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`cost_ledger:${entry.sessionId}`}, 0))`);
        const current = await this.highWaterMark(tx, entry.sessionId);
        if (current !== previousAccruedSeconds || entry.accruedSeconds <= current) return conflict();
        await tx.insert(costEntries).values(entry);
        return Ok();
      });
    } catch (error) {
      if (isUniqueViolation(error)) return conflict();
      throw error;
    }
  }

  async accruedSeconds(sessionId: string): Promise<number> {
    return this.highWaterMark(this.db, sessionId);
  }

  async list(query: CostQuery = {}): Promise<CostEntry[]> {
    const rows = await this.db
      .select()
      .from(costEntries)
      .where(and(...costConditions(costEntries, query)))
      .orderBy(asc(costEntries.periodStart), asc(costEntries.id));
    return rows.map((row) => costEntrySchema.parse(row));
  }

  async totals(query: CostQuery = {}): Promise<CostTotals> {
    return summarizeCosts(await this.list(query));
  }

  private async highWaterMark(db: Pick<PostgresDatabase, 'select'>, sessionId: string): Promise<number> {
    const [row] = await db.select({ value: max(costEntries.accruedSeconds) }).from(costEntries).where(eq(costEntries.sessionId, sessionId));
    return row?.value ?? 0;
  }
}
