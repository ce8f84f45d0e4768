import { EnvError, isSimulateMode, parseServerEnv } from './env.js';

describe('parseServerEnv', () => {
  it('defaults to loopback on port 8080 with the documented database path and intervals', () => {
    expect(parseServerEnv({})).toMatchObject({
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: 8080,
      DATABASE_PATH: './data/gpu-shopper.db',
      LOG_LEVEL: 'info',
      LIFECYCLE_CHECK_INTERVAL: 60_000,
      HARD_MAX_HOURS: 12,
      ORPHAN_GRACE_PERIOD: 900_000,
      RECONCILIATION_INTERVAL: 300_000,
      INVENTORY_CACHE_TTL: 60_000,
      INVENTORY_BACKOFF_TTL: 300_000,
    });
    expect(isSimulateMode(parseServerEnv({}))).toBe(true);
    expect(isSimulateMode(parseServerEnv({ VASTAI_API_KEY: 'k'.repeat(64) }))).toBe(false);
  });

  it('names every bad duration, URL and pairing, and never echoes a credential', () => {
    try {
      parseServerEnv({ LIFECYCLE_CHECK_INTERVAL: 'soon', VASTAI_BASE_URL: 'ftp://x', TENSORDOCK_API_TOKEN: 'secret-token-value', HARD_MAX_HOURS: '0' });
      throw new Error('expected an EnvError');
    } catch (error) {
      const problems = (error as EnvError).problems.join('\n');
      expect(problems).toContain('LIFECYCLE_CHECK_INTERVAL');
      expect(problems).toContain('VASTAI_BASE_URL');
      expect(problems).toContain('HARD_MAX_HOURS');
      expect(problems).toContain('TENSORDOCK_API_TOKEN and TENSORDOCK_AUTH_ID must be set together');
      expect(problems).not.toContain('secret-token-value');
    }
  });

  it.each(['100', '0', '2.5', 'twelve'])('HARD_MAX_HOURS=%s names the real range', (value) => {
    expect(() => parseServerEnv({ HARD_MAX_HOURS: value })).toThrow(/HARD_MAX_HOURS: must be a whole number of hours from 1 to 72/);
  });

  it('refuses to bind beyond loopback without an admin token, and says why', () => {
    expect(() => parseServerEnv({ SERVER_HOST: '0.0.0.0' })).toThrow(/GPU_SHOPPER_ADMIN_TOKEN/);
    expect(parseServerEnv({ SERVER_HOST: '0.0.0.0', GPU_SHOPPER_ADMIN_TOKEN: 'x'.repeat(32) }).SERVER_HOST).toBe('0.0.0.0');
  });

  it('lists every invalid variable at once', () => {
    try {
      parseServerEnv({ SERVER_PORT: 'eighty', LOG_LEVEL: 'loud', GPU_SHOPPER_ADMIN_TOKEN: 'short' });
      throw new Error('expected an EnvError');
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as EnvError).message;
      expect(message).toContain('SERVER_PORT');
      expect(message).toContain('LOG_LEVEL');
      expect(message).toContain('GPU_SHOPPER_ADMIN_TOKEN');
      expect((error as EnvError).problems).toHaveLength(3);
    }
  });
});

describe('parseServerEnv problem reporting', () => {
  it('reports the protected-mode refusal together with other bad values, echoing non-secret values', () => {
    try {
      parseServerEnv({ SERVER_HOST: '0.0.0.0', SERVER_PORT: 'abc' });
      throw new Error('expected an EnvError');
    } catch (error) {
      const problems = (error as EnvError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe("SERVER_PORT: must be a port number from 0 to 65535 (got 'abc')");
      expect(problems[1]).toMatch(/^SERVER_HOST: binding 0.0.0.0/);
    }
  });

  it('treats empty values as unset instead of port 0 or an empty host', () => {
    expect(parseServerEnv({ SERVER_PORT: '', SERVER_HOST: ' ', LOG_LEVEL: '' })).toMatchObject({ SERVER_PORT: 8080, SERVER_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  });

  it('never echoes the admin token', () => {
    expect(() => parseServerEnv({ GPU_SHOPPER_ADMIN_TOKEN: 'short-secret' })).toThrow(EnvError);
    try {
      parseServerEnv({ GPU_SHOPPER_ADMIN_TOKEN: 'short-secret' });
    } catch (error) {
      expect((error as EnvError).message).not.toContain('short-secret');
    }
  });
});

describe('DATABASE_URL and replicas', () => {
  const key = 'a'.repeat(64);

  it('selects PostgreSQL with a postgres:// URL and a shared encryption key', () => {
    const env = parseServerEnv({ DATABASE_URL: 'postgres://app:pw@db:5432/gpu', GPU_SHOPPER_ENCRYPTION_KEY: key, REPLICA_ID: 'api-1' });
    expect(env.DATABASE_URL).toBe('postgres://app:pw@db:5432/gpu');
    expect(env.REPLICA_ID).toBe('api-1');
    expect(parseServerEnv({}).DATABASE_URL).toBeUndefined();
  });

  it('refuses a URL of another database, without echoing it (it may hold a password)', () => {
    expect(() => parseServerEnv({ DATABASE_URL: 'mysql://root:hunter2@db/gpu', GPU_SHOPPER_ENCRYPTION_KEY: key })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => parseServerEnv({ DATABASE_URL: 'mysql://root:hunter2@db/gpu', GPU_SHOPPER_ENCRYPTION_KEY: key })).not.toThrow(/hunter2/);
  });

  it('requires GPU_SHOPPER_ENCRYPTION_KEY with DATABASE_URL (replicas share one key)', () => {
    expect(() => parseServerEnv({ DATABASE_URL: 'postgres://db/gpu' })).toThrow(/GPU_SHOPPER_ENCRYPTION_KEY: must be set with DATABASE_URL/);
  });

  it('refuses a replica id that cannot be a label', () => {
    expect(() => parseServerEnv({ REPLICA_ID: 'api 1"' })).toThrow(/REPLICA_ID/);
  });
});
