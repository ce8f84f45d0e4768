import { inspect } from 'node:util';

import { DrizzleQueryError } from 'drizzle-orm';

import { type ApiKey, type Repositories } from '@gpu-shopper/core';

import { openStorage } from './open-storage.js';
import { openPostgresStorage } from './postgres/open-postgres-storage.js';
import { redactQueryError, StorageQueryError } from './query-errors.js';
import { describeWithPostgres } from './testing/describe-with-postgres.js';
import { startPostgresCluster, type PostgresCluster } from './testing/postgres-cluster.js';

/** What an encrypted private key and an API key hash look like on their way into the database. */
const ENCRYPTED_KEY = 'v1:aes-gcm:SECRETSECRETSECRET0123456789abcdef';
const KEY_HASH = 'f00dfacef00dfacef00dfacef00dfacef00dfacef00dfacef00dfacef00dface';

/** Everything a logger or an error answer could print of an error: message, stack, fields, causes. */
function everythingPrintable(error: unknown): string {
  return [String(error), (error as Error).stack ?? '', inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join('\n');
}

function secretsNeverLeave(open: () => Promise<{ repos: Repositories; close: () => Promise<void> | void }>): void {
  it('a failed write of an encrypted private key says what failed, without the key', async () => {
    const { repos, close } = await open();
    try {
      const error = await repos.sessionSecrets.put('ses_00000000000000000000NOSUCH', ENCRYPTED_KEY).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StorageQueryError);
      expect((error as StorageQueryError).message).toMatch(/^database query failed: .*foreign key/i);
      expect(everythingPrintable(error)).not.toContain(ENCRYPTED_KEY);
      expect(everythingPrintable(error)).not.toContain('SECRETSECRET');
    } finally {
      await close();
    }
  });

  it('a failed write of an API key hash says what failed, without the hash', async () => {
    const { repos, close } = await open();
    try {
      const key: ApiKey = { id: 'key_1', consumerId: 'nobody', prefix: 'gpus_abc', keyHash: KEY_HASH, createdAt: new Date(0), revokedAt: null, lastUsedAt: null };
      const error = await repos.apiKeys.create(key).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StorageQueryError);
      expect(everythingPrintable(error)).not.toContain(KEY_HASH);
      expect(everythingPrintable(error)).not.toContain('f00dface');
    } finally {
      await close();
    }
  });
}

describe('storage errors carry no query parameters (secrets never reach logs)', () => {
  describe('SQLite', () => {
    secretsNeverLeave(async () => {
      const storage = openStorage({ path: ':memory:' });
      return { repos: storage.repositories, close: () => storage.close() };
    });
  });

  it('drops the values PostgreSQL quotes in a data exception, and keeps other errors as they are', () => {
    const failed = new DrizzleQueryError('select $1::bigint', ['s3cret'], Object.assign(new Error('invalid input syntax for type bigint: "s3cret"'), { code: '22P02' }));
    const redacted = redactQueryError(failed) as StorageQueryError;
    expect(redacted.message).toBe('database query failed: invalid input syntax for type bigint: "[value]" (22P02); query: select $1::bigint');
    expect(redacted.code).toBe('22P02');
    expect(everythingPrintable(redacted)).not.toContain('s3cret');
    const other = new RangeError('not a query');
    expect(redactQueryError(other)).toBe(other);
  });
});

describeWithPostgres('PostgreSQL storage errors carry no query parameters', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  secretsNeverLeave(async () => {
    const storage = await openPostgresStorage({ url: await cluster.createDatabase('errors') });
    return { repos: storage.repositories, close: () => storage.close() };
  });
});
