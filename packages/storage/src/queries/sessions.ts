/**
 * The session repository's parts that read the same on SQLite and PostgreSQL: the row mappers and
 * the list filters. Transactions, row locks and the commitment compare-and-set stay with each
 * dialect's repository.
 */
import { eq, inArray, type AnyColumn, type SQL } from 'drizzle-orm';

import { sessionEventSchema, sessionSchema, type Session, type SessionEvent, type SessionListQuery } from '@gpu-shopper/core';

import { afterCursor, type OrderedId } from './ordered-id.js';

/** Rows are validated on the way out: a corrupted row fails loudly instead of flowing on as a Session. */
export function toSession(row: object): Session {
  return sessionSchema.parse(row);
}

/** An event row without its storage sequence number, which orders events but is no part of one. */
export function toEvent(row: { readonly seq: number }): SessionEvent {
  const { seq: _seq, ...event } = row;
  return sessionEventSchema.parse(event);
}

/** The columns of `sessions` a listing filters on, whichever dialect's table holds them. */
export interface SessionColumns {
  readonly consumerId: AnyColumn;
  readonly status: AnyColumn;
  readonly provider: AnyColumn;
}

/**
 * The WHERE terms of a SessionListQuery; `orderedId` is the id as the dialect sorts it, which the
 * page cursor `afterId` compares against.
 */
export function sessionConditions(columns: SessionColumns, orderedId: OrderedId, query: SessionListQuery): SQL[] {
  const conditions: SQL[] = [];
  if (query.consumerId !== undefined) conditions.push(eq(columns.consumerId, query.consumerId));
  if (query.statuses !== undefined) conditions.push(inArray(columns.status, [...query.statuses]));
  if (query.provider !== undefined) conditions.push(eq(columns.provider, query.provider));
  if (query.afterId !== undefined) conditions.push(afterCursor(orderedId, query.afterId));
  return conditions;
}
