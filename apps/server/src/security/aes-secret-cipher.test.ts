import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { AesSecretCipher, decodeEncryptionKey, loadOrCreateEncryptionKey } from './aes-secret-cipher.js';

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n-----END OPENSSH PRIVATE KEY-----\n';

describe('AesSecretCipher', () => {
  it('round-trips and never shows the plaintext', () => {
    const cipher = new AesSecretCipher(crypto.randomBytes(32));
    const sealed = cipher.encrypt(PRIVATE_KEY);
    expect(sealed).not.toContain('b3BlbnNzaC1rZXktdjE');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(cipher.decrypt(sealed)).toBe(PRIVATE_KEY);
    expect(cipher.encrypt(PRIVATE_KEY)).not.toBe(sealed);
  });

  it('refuses a wrong key and tampered data', () => {
    const sealed = new AesSecretCipher(crypto.randomBytes(32)).encrypt('secret');
    expect(() => new AesSecretCipher(crypto.randomBytes(32)).decrypt(sealed)).toThrow();
    const cipher = new AesSecretCipher(Buffer.alloc(32, 7));
    const parts = cipher.encrypt('secret').split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
    expect(() => cipher.decrypt('plain text')).toThrow(/not a ciphertext/);
  });
});

describe('encryption key', () => {
  it('accepts hex and base64, and refuses other lengths', () => {
    const key = crypto.randomBytes(32);
    expect(decodeEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(decodeEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(() => decodeEncryptionKey('abcd')).toThrow(/32 bytes/);
  });

  it('creates a 0600 key file once and reads the same key afterwards', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-key-'));
    const file = path.join(dir, 'data', 'gpu-shopper.key');
    const first = loadOrCreateEncryptionKey(undefined, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateEncryptionKey(undefined, file)).toEqual(first);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
