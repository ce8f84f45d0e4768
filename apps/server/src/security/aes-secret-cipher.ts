import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { type SecretCipher } from '@gpu-shopper/core';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * AES-256-GCM for secrets kept at rest (session private keys). Ciphertext is
 * `v1:<iv>:<tag>:<data>` in base64url; a wrong key or any tampering fails decryption loudly.
 */
export class AesSecretCipher implements SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new RangeError(`the encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.key = key;
  }

  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(ciphertext: string): string {
    const [version, iv, tag, data] = ciphertext.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a ciphertext of this service');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Decodes a configured key: 64 hex characters or base64 of 32 bytes. */
export function decodeEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new RangeError('GPU_SHOPPER_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64');
  return key;
}

/**
 * The key from configuration, or else from a key file beside the database, created on first start
 * with mode 0600. The file keeps a restart able to read what it encrypted; deployments that keep
 * the database elsewhere than its key should set GPU_SHOPPER_ENCRYPTION_KEY instead.
 */
export function loadOrCreateEncryptionKey(configured: string | undefined, keyFile: string): Buffer {
  if (configured) return decodeEncryptionKey(configured);
  if (fs.existsSync(keyFile)) return decodeEncryptionKey(fs.readFileSync(keyFile, 'utf8'));
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  const key = crypto.randomBytes(KEY_BYTES);
  fs.writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
