/**
 * Reads one environment variable, trimmed, or `undefined` when it is unset, blank, or when there is no
 * `process` at all (bundled for an edge runtime): the SDK's defaults must never make construction throw.
 */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
