import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * A text column compared byte by byte (collation "C"), as SQLite compares text. Paging by id
 * (`afterId`, `beforeId`) then returns the same pages on both databases, whatever locale the
 * PostgreSQL database was created with.
 */
export function byteOrder(column: AnyColumn): SQL {
  return sql`${column} collate "C"`;
}
