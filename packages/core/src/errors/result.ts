/**
 * The one Result shape of the project. Expected failures that cross a port (provider calls, probes,
 * lookups where absence is normal) are returned as values; bugs and broken invariants throw.
 */
export type Result<T, E = Error> = { readonly ok: true; readonly val: T } | { readonly ok: false; readonly err: E };

export function Ok(): Result<void, never>;
export function Ok<T>(val: T): Result<T, never>;
export function Ok<T>(val?: T): Result<T | undefined, never> {
  return { ok: true, val };
}

export function Err<E>(err: E): Result<never, E> {
  return { ok: false, err };
}

/** Runs `fn` and captures a thrown error (mapped by `mapError`) as an `Err`. */
export async function wrap<T, E>(fn: () => Promise<T>, mapError: (cause: unknown) => E): Promise<Result<T, E>> {
  try {
    return Ok(await fn());
  } catch (cause) {
    return Err(mapError(cause));
  }
}

/** Returns the value or throws the error: for callers where a failure is a bug. */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.val;
  throw result.err instanceof Error ? result.err : new Error(String(result.err));
}
