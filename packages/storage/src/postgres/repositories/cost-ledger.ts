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

import { type PostgresDatabase } from '../../database.js';
import { chunks, costConditions, costTotalsSelect, spentSelect, totalsFromGroups } from '../../queries/cost-ledger.js';
import { isUniqueViolation } from '../../repositories/unique-violation.js';
import { costEntries } from '../schema.js';

/**
 * Ledger lines written per transaction by appendAccruals. Each session of a batch holds an advisory
 * lock until commit, and advisory locks live in the shared lock table (max_locks_per_transaction ×
 * max_connections slots, 6,400 by default): 500 leaves room for two ticks overlapping (a deposed
 * leader's and the new one's) and everything else.
 */
const ACCRUALS_PER_TRANSACTION = 500;
/** Rows per INSERT statement: 14 columns each, under PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 500;
/** Session ids per high-water-mark read. */
const IDS_PER_QUERY = 2_000;

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

  async accruedSecondsOf(sessionIds: readonly string[]): Promise<Map<string, number>> {
    return this.highWaterMarks(this.db, sessionIds);
  }

  async appendAccruals(accruals: readonly AccrualAppend[]): Promise<Result<void, ConcurrentUpdateError>[]> {
    const results: Result<void, ConcurrentUpdateError>[] = [];
    // Three statements per batch instead of a transaction per session: the batch's per-session
    // locks (the same ones appendAccrual takes), the high-water marks, one insert of the accepted
    // lines. Each line keeps its compare-and-set: a mark another writer moved refuses that line.
    for (const batch of chunks(accruals, ACCRUALS_PER_TRANSACTION)) {
      const accepted = await this.db.transaction(async (tx): Promise<boolean[]> => {
        // In one order (sorted ids) so two batches locking overlapping sessions cannot deadlock.
        const keys = [...new Set(batch.map((a) => `cost_ledger:${a.entry.sessionId}`))].sort();
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from (select k from unnest(array[${sql.join(
            keys.map((k) => sql`${k}`),
            sql`, `,
          )}]::text[]) as k order by k) as ordered`,
        );
        const decided = acceptedAccruals(batch, await this.highWaterMarks(tx, batch.map((a) => a.entry.sessionId)));
        const lines = batch.filter((_, i) => decided[i]).map((a) => a.entry);
        for (const rows of chunks(lines, ROWS_PER_INSERT)) await tx.insert(costEntries).values(rows);
        return decided;
      });
      batch.forEach(({ entry, previousAccruedSeconds }, i) =>
        results.push(accepted[i] ? Ok() : Err(new ConcurrentUpdateError('cost ledger', entry.sessionId, previousAccruedSeconds))),
      );
    }
    return results;
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
    const where = and(...costConditions(costEntries, query));
    const billedSeconds = sql`greatest(0, floor(extract(epoch from (${costEntries.periodEnd} - ${costEntries.periodStart}))))::bigint`;
    const groups = await this.db
      .select(costTotalsSelect(costEntries, costEntries, billedSeconds, where))
      .from(costEntries)
      .where(where)
      .groupBy(costEntries.provider, costEntries.gpuType);
    return totalsFromGroups(groups);
  }

  async spentMicros(query: CostQuery = {}): Promise<number> {
    const [row] = await this.db
      .select(spentSelect(costEntries))
      .from(costEntries)
      .where(and(...costConditions(costEntries, query)));
    return Number(row?.spent ?? 0);
  }

  private async highWaterMarks(db: Pick<PostgresDatabase, 'select'>, sessionIds: readonly string[]): Promise<Map<string, number>> {
    const marks = new Map<string, number>(sessionIds.map((id) => [id, 0]));
    for (const ids of chunks([...marks.keys()], IDS_PER_QUERY)) {
      const rows = await db
        .select({ sessionId: costEntries.sessionId, value: max(costEntries.accruedSeconds) })
        .from(costEntries)
        .where(inArray(costEntries.sessionId, ids))
        .groupBy(costEntries.sessionId);
      for (const row of rows) marks.set(row.sessionId, row.value ?? 0);
    }
    return marks;
  }

  private async highWaterMark(db: Pick<PostgresDatabase, 'select'>, sessionId: string): Promise<number> {
    const [row] = await db.select({ value: max(costEntries.accruedSeconds) }).from(costEntries).where(eq(costEntries.sessionId, sessionId));
    return row?.value ?? 0;
  }
}
