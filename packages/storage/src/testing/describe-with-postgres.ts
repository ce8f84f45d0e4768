import { POSTGRES, requireTools } from '@gpu-shopper/test-support';

/**
 * Runs `fn` (which declares the PostgreSQL tests) when PostgreSQL is installed, by the one rule for
 * suites that need a system tool (test-support's requireTools): under CI=true a missing PostgreSQL
 * fails the suite (CI must never silently skip the database replicas depend on), elsewhere a loud
 * notice naming the Debian package to install, and the suite is skipped.
 */
export function describeWithPostgres(
  name: string,
  fn: () => void,
  options: { env?: Readonly<Record<string, string | undefined>>; warn?: (notice: string) => void } = {},
): void {
  if (requireTools(name, [POSTGRES], options)) describe(name, fn);
  else describe.skip(`${name} (SKIPPED: PostgreSQL is not installed)`, fn);
}
