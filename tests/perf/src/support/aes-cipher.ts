import crypto from 'node:crypto';

import { type SecretCipher } from '@gpu-shopper/core';

/**
 * AES-256-GCM, the same algorithm and format as the server's cipher (apps/server/src/security),
 * which this package may not import. Figure 4 counts encryption as server-side work, so it must
 * cost what the server's does.
 */
export class BenchSecretCipher implements SecretCipher {
  private readonly key = crypto.randomBytes(32);

  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(ciphertext: string): string {
    const [, iv, tag, data] = ciphertext.split(':');
    if (!iv || !tag || data === undefined) throw new Error('not a ciphertext of this cipher');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
