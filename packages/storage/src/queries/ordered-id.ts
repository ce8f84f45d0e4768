import { gt, lt, SQL, type AnyColumn } from 'drizzle-orm';

/**
 * A text id as the dialect sorts it: the column itself on SQLite, which compares text byte by byte,
 * and the column under collation "C" on PostgreSQL (see postgres/byte-order.ts). A page cursor must
 * compare in the order the listing sorts by, so the shared filters take the id in this form.
 */
export type OrderedId = AnyColumn | SQL;

/** Rows after the cursor: `id > cursor`. */
export function afterCursor(id: OrderedId, cursor: string): SQL {
  // drizzle types a column and an SQL expression as two overloads; narrowing picks one.
  return id instanceof SQL ? gt(id, cursor) : gt(id, cursor);
}

/** Rows before the cursor: `id < cursor`. */
export function beforeCursor(id: OrderedId, cursor: string): SQL {
  return id instanceof SQL ? lt(id, cursor) : lt(id, cursor);
}
