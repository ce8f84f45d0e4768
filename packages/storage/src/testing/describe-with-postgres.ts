import { postgresAvailability } from './postgres-cluster.js';

/**
 * Runs `fn` (which declares the PostgreSQL tests) when PostgreSQL is installed. Otherwise: under
 * CI=true a failing test (CI must never silently skip the database replicas depend on), elsewhere
 * a loud warning and a skipped placeholder naming the package to install.
 */
export function describeWithPostgres(name: string, fn: () => void): void {
  const availability = postgresAvailability();
  if (availability.available) {
    describe(name, fn);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(availability.reason);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED: ${name} — ${availability.reason} ***\n`);
  describe.skip(`${name} (SKIPPED: ${availability.reason})`, () => {
    it('needs PostgreSQL', () => undefined);
  });
}
