/**
 * The cost ledger's queries that read the same on SQLite and PostgreSQL: drizzle's comparison
 * operators build dialect-neutral SQL, so both repositories take their filters from here and keep
 * only their transactions and locking to themselves.
 */
import { eq, gte, lt, type AnyColumn, type SQL } from 'drizzle-orm';

import { type CostQuery } from '@gpu-shopper/core';

/** The columns of `cost_entries` a ledger query filters on, whichever dialect's table holds them. */
export interface CostEntryColumns {
  readonly consumerId: AnyColumn;
  readonly sessionId: AnyColumn;
  readonly provider: AnyColumn;
  readonly periodStart: AnyColumn;
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
