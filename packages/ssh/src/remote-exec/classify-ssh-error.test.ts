import { SSHError } from 'node-ssh';

import { classifyConnectError } from './classify-ssh-error.js';

function sshError(message: string, fields: { level?: string; code?: string | number }): Error {
  return Object.assign(new Error(message), fields);
}

const none = { hostKeyRejected: false };

describe('classifyConnectError (structured facts, never message substrings)', () => {
  it.each([
    ['ECONNREFUSED on the socket', sshError('connect ECONNREFUSED 1.2.3.4:22', { level: 'client-socket', code: 'ECONNREFUSED' }), 'refused'],
    ['readyTimeout', sshError('Timed out while waiting for handshake', { level: 'client-timeout' }), 'timeout'],
    ['OS connect timeout', sshError('connect ETIMEDOUT 1.2.3.4:22', { level: 'client-socket', code: 'ETIMEDOUT' }), 'timeout'],
    ['no route yet', sshError('connect EHOSTUNREACH 1.2.3.4:22', { level: 'client-socket', code: 'EHOSTUNREACH' }), 'timeout'],
    ['reset during the handshake', sshError('read ECONNRESET', { level: 'client-socket', code: 'ECONNRESET' }), 'handshake'],
    ['EOF before the banner', sshError('Connection lost before handshake', { level: 'protocol' }), 'handshake'],
    ['key exchange failure', sshError('Handshake failed: no matching key exchange algorithm', { level: 'handshake' }), 'handshake'],
    ['closed mid-handshake without an error (node-ssh)', new SSHError('No response from server', 'ETIMEDOUT'), 'handshake'],
    ['server disconnect: too many connections (13)', sshError('Too many connections', { code: 13 }), 'handshake'],
    ['server disconnect: no more auth methods (14)', sshError('No more auth methods', { code: 14 }), 'auth'],
    ['every key rejected', sshError('All configured authentication methods failed', { level: 'client-authentication' }), 'auth'],
    ['unknown host name', sshError('getaddrinfo ENOTFOUND gpu.example', { level: 'client-socket', code: 'ENOTFOUND' }), 'unknown'],
    ['something else', new Error('surprise'), 'unknown'],
    ['not even an Error', 'string thrown', 'unknown'],
  ])('%s → %s', (_label, error, kind) => {
    expect(classifyConnectError(error, none).kind).toBe(kind);
  });

  it('calls it a host key mismatch when our verifier refused the key, whatever ssh2 said', () => {
    const err = sshError('Host denied (verification failed)', { level: 'handshake' });
    expect(classifyConnectError(err, { hostKeyRejected: true }).kind).toBe('host_key_mismatch');
  });

  // bench-ssh-ops §B.4: upstream's text rules made these auth_failed and killed healthy nodes.
  it('does not read auth-sounding text as auth', () => {
    for (const message of ['SSH handshake failed: ssh: handshake failed: EOF', 'permission denied', 'unable to authenticate']) {
      expect(classifyConnectError(sshError(message, { level: 'protocol' }), none).kind).toBe('handshake');
      expect(classifyConnectError(new Error(message), none).kind).toBe('unknown');
    }
  });
});
