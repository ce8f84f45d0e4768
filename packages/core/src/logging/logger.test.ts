import { redactSecrets } from './logger.js';

describe('redactSecrets', () => {
  it('hides values under secret-looking keys, at any depth', () => {
    expect(
      redactSecrets({ apiKey: 'abc', nested: { TENSORDOCK_API_TOKEN: 't', authorization: 'Bearer x' }, provider: 'vastai' }),
    ).toEqual({ apiKey: '[REDACTED]', nested: { TENSORDOCK_API_TOKEN: '[REDACTED]', authorization: '[REDACTED]' }, provider: 'vastai' });
  });

  it('removes private keys and bearer tokens embedded in strings', () => {
    const text = 'key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY----- sent with Bearer gs_live_123';
    const out = String(redactSecrets(text));
    expect(out).not.toContain('b3BlbnNzaC1rZXk');
    expect(out).not.toContain('gs_live_123');
    expect(out).toContain('[REDACTED PRIVATE KEY]');
  });

  it('keeps ordinary values, dates and arrays', () => {
    const at = new Date(0);
    expect(redactSecrets({ at, list: [1, 'two'], count: 3 })).toEqual({ at, list: [1, 'two'], count: 3 });
  });
});
