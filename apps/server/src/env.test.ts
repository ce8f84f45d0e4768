import { EnvError, parseServerEnv } from './env.js';

describe('parseServerEnv', () => {
  it('defaults to loopback on port 8080 with the documented database path', () => {
    expect(parseServerEnv({})).toEqual({
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: 8080,
      DATABASE_PATH: './data/gpu-shopper.db',
      LOG_LEVEL: 'info',
      GPU_SHOPPER_ADMIN_TOKEN: undefined,
    });
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
