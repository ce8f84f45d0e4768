import { and, asc, eq, inArray, max, sql } from 'drizzle-orm';

import {
  ConcurrentUpdateError,
  Err,
  Ok,
  acceptedAccruals,
  costEntrySchema,
  type AccrualAppend,
  type CostEntry,
  type CostLedgerRepository,
  type CostQuery,
  type CostTotals,
  type Result,
} from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { chunks, costConditions, costTotalsSelect, spentSelect, totalsFromGroups } from '../queries/cost-ledger.js';
import { costEntries } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** Ledger lines written per transaction by appendAccruals. */
const ACCRUALS_PER_TRANSACTION = 2_000;
/** Rows per INSERT statement: 14 columns each, well under SQLite's 32,766 parameters. */
const ROWS_PER_INSERT = 500;
/** Session ids per high-water-mark read. */
const IDS_PER_QUERY = 500;

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

  async accruedSecondsOf(sessionIds: readonly string[]): Promise<Map<string, number>> {
    return this.highWaterMarks(this.db, sessionIds);
  }

  async appendAccruals(accruals: readonly AccrualAppend[]): Promise<Result<void, ConcurrentUpdateError>[]> {
    const results: Result<void, ConcurrentUpdateError>[] = [];
    // A tick's lines in a few immediate transactions, not one autocommit transaction per session:
    // the high-water marks are read and the accepted lines written under the same write lock, so
    // the compare-and-set holds for each line. Bounded so an API write never waits behind a whole
    // tick of 50,000 sessions.
    for (const batch of chunks(accruals, ACCRUALS_PER_TRANSACTION)) {
      const accepted = this.db.transaction(
        (tx): boolean[] => {
          const decided = acceptedAccruals(batch, this.highWaterMarks(tx, batch.map((a) => a.entry.sessionId)));
          const lines = batch.filter((_, i) => decided[i]).map((a) => a.entry);
          for (const rows of chunks(lines, ROWS_PER_INSERT)) tx.insert(costEntries).values(rows).run();
          return decided;
        },
        { behavior: 'immediate' },
      );
      batch.forEach(({ entry, previousAccruedSeconds }, i) =>
        results.push(accepted[i] ? Ok() : Err(new ConcurrentUpdateError('cost ledger', entry.sessionId, previousAccruedSeconds))),
      );
    }
    return results;
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
    const where = and(...costConditions(costEntries, query));
    // Periods are integer milliseconds: integer division keeps a line's whole seconds.
    const billedSeconds = sql`max(0, (${costEntries.periodEnd} - ${costEntries.periodStart}) / 1000)`;
    const groups = this.db
      .select(costTotalsSelect(costEntries, costEntries, billedSeconds, where))
      .from(costEntries)
      .where(where)
      .groupBy(costEntries.provider, costEntries.gpuType)
      .all();
    return totalsFromGroups(groups);
  }

  async spentMicros(query: CostQuery = {}): Promise<number> {
    const row = this.db
      .select(spentSelect(costEntries))
      .from(costEntries)
      .where(and(...costConditions(costEntries, query)))
      .get();
    return Number(row?.spent ?? 0);
  }

  /** One grouped read per few hundred sessions (SQLite bounds a statement's parameters). */
  private highWaterMarks(db: Pick<StorageDatabase, 'select'>, sessionIds: readonly string[]): Map<string, number> {
    const marks = new Map<string, number>(sessionIds.map((id) => [id, 0]));
    for (const ids of chunks([...marks.keys()], IDS_PER_QUERY)) {
      const rows = db
        .select({ sessionId: costEntries.sessionId, value: max(costEntries.accruedSeconds) })
        .from(costEntries)
        .where(inArray(costEntries.sessionId, ids))
        .groupBy(costEntries.sessionId)
        .all();
      for (const row of rows) marks.set(row.sessionId, row.value ?? 0);
    }
    return marks;
  }

  private highWaterMark(db: Pick<StorageDatabase, 'select'>, sessionId: string): number {
    const row = db.select({ value: max(costEntries.accruedSeconds) }).from(costEntries).where(eq(costEntries.sessionId, sessionId)).get();
    return row?.value ?? 0;
  }
}
