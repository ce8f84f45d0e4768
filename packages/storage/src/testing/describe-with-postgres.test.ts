import { MissingToolError } from '@gpu-shopper/test-support';

import { describeWithPostgres } from './describe-with-postgres.js';

/** Where no PostgreSQL is installed: a folder without its binaries, named the way CI and users name one. */
const NONE = { POSTGRES_BIN_DIR: '/nonexistent/postgresql/bin' };

const notices: string[] = [];
let ranWithout = false;
describeWithPostgres(
  'a suite declared without PostgreSQL',
  () => {
    it('never runs', () => {
      ranWithout = true;
    });
  },
  { env: NONE, warn: (notice) => notices.push(notice) },
);

describe('describeWithPostgres follows the one rule for missing tools (requireTools)', () => {
  it('skips loudly where PostgreSQL is missing, naming the Debian package', () => {
    expect(ranWithout).toBe(false);
    expect(notices.join('')).toContain('!!! SKIPPED: a suite declared without PostgreSQL did NOT run: postgres not installed (apt-get install postgresql)');
  });

  it('fails under CI=true instead of skipping', () => {
    expect(() => describeWithPostgres('a suite under CI', () => undefined, { env: { ...NONE, CI: 'true' } })).toThrow(MissingToolError);
  });

});
