import { DrizzleQueryError } from 'drizzle-orm';

/**
 * A database query failed (on either database). Drizzle's own error says `Failed query: … params: …` with every bound
 * value, and PostgreSQL's adds a DETAIL quoting the row (`Key (…)=(…)`, `Failing row contains (…)`):
 * both would carry encrypted private keys and API key hashes into logs and error answers. This error
 * keeps what helps an operator (the database's message, its code, the constraint, the statement with
 * its placeholders) and none of the values.
 */
export class StorageQueryError extends Error {
  override readonly name = 'StorageQueryError';
  constructor(
    message: string,
    /** SQLSTATE (PostgreSQL) or SQLite's result code, for callers that branch on it. */
    readonly code: string | undefined,
    readonly constraint: string | undefined,
  ) {
    super(message);
  }
}

const QUERY_SHOWN = 300;

interface DriverError {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly constraint?: unknown;
}

/** PostgreSQL's data exceptions (class 22) quote the value they refused: those quotes are dropped. */
function driverMessage(driver: DriverError | undefined, code: string | undefined): string {
  const message = typeof driver?.message === 'string' ? driver.message : 'unknown error';
  return code?.startsWith('22') ? message.replace(/"[^"]*"/g, '"[value]"') : message;
}

/**
 * Recognised by shape as well as by class: a native driver's errors, and drizzle's when a test runner
 * loads it in another context, are not instances of this context's classes.
 */
function isDrizzleQueryError(value: unknown): value is DrizzleQueryError {
  if (value instanceof DrizzleQueryError) return true;
  const candidate = value as { query?: unknown; params?: unknown; message?: unknown } | null;
  return (
    typeof value === 'object' &&
    typeof candidate?.query === 'string' &&
    Array.isArray(candidate.params) &&
    typeof candidate.message === 'string' &&
    candidate.message.startsWith('Failed query: ')
  );
}

/**
 * The error as it may leave storage: a drizzle query error anywhere in the cause chain becomes a
 * StorageQueryError without parameters; anything else (core's errors, a closed pool) is unchanged.
 */
export function redactQueryError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (isDrizzleQueryError(current)) {
      const driver = current.cause as DriverError | undefined;
      const code = typeof driver?.code === 'string' ? driver.code : undefined;
      const constraint = typeof driver?.constraint === 'string' ? driver.constraint : undefined;
      const query = current.query.length > QUERY_SHOWN ? `${current.query.slice(0, QUERY_SHOWN)}…` : current.query;
      return new StorageQueryError(`database query failed: ${driverMessage(driver, code)}${code ? ` (${code})` : ''}; query: ${query}`, code, constraint);
    }
    current = (current as { cause?: unknown }).cause;
  }
  // better-sqlite3's synchronous calls throw its own error, unwrapped by drizzle; its messages name
  // constraints, never values, and it becomes the same error type as on PostgreSQL.
  const driver = error as (DriverError & { name?: unknown }) | null;
  if (typeof error === 'object' && driver?.name === 'SqliteError') {
    const code = typeof driver.code === 'string' ? driver.code : undefined;
    return new StorageQueryError(`database query failed: ${String(driver.message)}${code ? ` (${code})` : ''}`, code, undefined);
  }
  return error;
}

/**
 * Wraps every method of a repository so that what it throws (or rejects with) passes through
 * redactQueryError: the one place where storage's errors leave for core, the server and their logs.
 */
export function guardQueryErrors<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw redactQueryError(error);
        }
        // Any thenable, not only this realm's Promise (test runners load modules in their own contexts).
        if (isThenable(result)) {
          return Promise.resolve(result).catch((error: unknown) => {
            throw redactQueryError(error);
          });
        }
        return result;
      };
    },
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Every repository of a group (`repositories`, `benchmarks`), guarded. */
export function guardRepositories<T extends object>(group: T): T {
  return Object.fromEntries(Object.entries(group).map(([name, repository]) => [name, guardQueryErrors(repository as object)])) as T;
}
