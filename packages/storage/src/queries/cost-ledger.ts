/**
 * The cost ledger's queries that read the same on SQLite and PostgreSQL: drizzle's comparison
 * operators build dialect-neutral SQL, so both repositories take their filters from here and keep
 * only their transactions and locking to themselves.
 */
import { eq, gte, lt, sql, type AnyColumn, type SQL, type Table } from 'drizzle-orm';

import { type CostQuery, type CostTotals } from '@gpu-shopper/core';

/** The columns of `cost_entries` a ledger query filters on, whichever dialect's table holds them. */
export interface CostEntryColumns {
  readonly consumerId: AnyColumn;
  readonly sessionId: AnyColumn;
  readonly provider: AnyColumn;
  readonly periodStart: AnyColumn;
}

/** The further columns the ledger's totals sum. */
export interface CostTotalColumns extends CostEntryColumns {
  readonly gpuType: AnyColumn;
  readonly amountMicros: AnyColumn;
  readonly onDemandMicros: AnyColumn;
}

/**
 * The ledger's totals summed by the database, one row per (provider, GPU type) with the whole
 * selection's distinct session count on every row — the figures `summarizeCosts` computes from the
 * lines, without reading them (a consumer's budget check reads this on every provisioning).
 * `billedSeconds` is the dialect's whole seconds of one line, never negative. Sums come back as
 * numbers or decimal strings depending on the driver; `totalsFromGroups` reads either.
 */
export function costTotalsSelect(table: Table, columns: CostTotalColumns, billedSeconds: SQL, where: SQL | undefined) {
  // The same lines again, counted once per session (a sum per group cannot give it).
  const sessionCount = where
    ? sql`(select count(distinct ${columns.sessionId}) from ${table} where ${where})`
    : sql`(select count(distinct ${columns.sessionId}) from ${table})`;
  return {
    provider: sql<string>`${columns.provider}`,
    gpuType: sql<string>`${columns.gpuType}`,
    totalMicros: sql<number | string>`sum(${columns.amountMicros})`,
    spotMicros: sql<number | string>`sum(case when ${columns.onDemandMicros} is null then 0 else ${columns.amountMicros} end)`,
    spotOnDemandMicros: sql<number | string>`sum(coalesce(${columns.onDemandMicros}, 0))`,
    billedSeconds: sql<number | string>`sum(${billedSeconds})`,
    sessionCount: sql<number | string>`${sessionCount}`,
  };
}

/** One (provider, GPU type) group of `costTotalsSelect`, as a driver answers it. */
export interface CostTotalsGroup {
  readonly provider: unknown;
  readonly gpuType: unknown;
  readonly totalMicros: number | string | null;
  readonly spotMicros: number | string | null;
  readonly spotOnDemandMicros: number | string | null;
  readonly billedSeconds: number | string | null;
  readonly sessionCount: number | string | null;
}

/** The totals of the groups: every breakdown over the same lines, so they add up to the total. */
export function totalsFromGroups(groups: readonly CostTotalsGroup[]): CostTotals {
  const byProvider: Record<string, number> = {};
  const byGpuType: Record<string, number> = {};
  let totalMicros = 0;
  let billedSeconds = 0;
  let spotMicros = 0;
  let spotOnDemandMicros = 0;
  for (const group of groups) {
    const amount = Number(group.totalMicros ?? 0);
    totalMicros += amount;
    billedSeconds += Number(group.billedSeconds ?? 0);
    spotMicros += Number(group.spotMicros ?? 0);
    spotOnDemandMicros += Number(group.spotOnDemandMicros ?? 0);
    byProvider[String(group.provider)] = (byProvider[String(group.provider)] ?? 0) + amount;
    byGpuType[String(group.gpuType)] = (byGpuType[String(group.gpuType)] ?? 0) + amount;
  }
  const sessionCount = Number(groups[0]?.sessionCount ?? 0);
  return { totalMicros, sessionCount, billedSeconds, byProvider, byGpuType, spotMicros, spotOnDemandMicros, spotSavingMicros: spotOnDemandMicros - spotMicros };
}

/** The sum of the selected lines' amounts (what a budget check needs). */
export function spentSelect(columns: Pick<CostTotalColumns, 'amountMicros'>) {
  return { spent: sql<number | string | null>`sum(${columns.amountMicros})` };
}

/** The WHERE terms of a CostQuery: each given field narrows; the period is [from, to). */
export function costConditions(columns: CostEntryColumns, query: CostQuery): SQL[] {
  const conditions: SQL[] = [];
  if (query.consumerId !== undefined) conditions.push(eq(columns.consumerId, query.consumerId));
  if (query.sessionId !== undefined) conditions.push(eq(columns.sessionId, query.sessionId));
  if (query.provider !== undefined) conditions.push(eq(columns.provider, query.provider));
  if (query.from !== undefined) conditions.push(gte(columns.periodStart, query.from));
  if (query.to !== undefined) conditions.push(lt(columns.periodStart, query.to));
  return conditions;
}

/** `items` in consecutive slices of at most `size`: batches kept under each dialect's statement and lock limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
