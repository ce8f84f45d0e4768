/**
 * A unique or primary-key constraint refused the write. better-sqlite3 reports SqliteError with an
 * extended result code, node-postgres a DatabaseError with SQLSTATE 23505; drizzle may wrap
 * either, so the cause chain is searched.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
