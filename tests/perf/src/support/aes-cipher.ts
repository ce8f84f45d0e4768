import crypto from 'node:crypto';

import { AesSecretCipher } from '@gpu-shopper/server/security';

/**
 * The server's own AES-256-GCM cipher with a fresh key: figure 4 counts encryption as server-side
 * work, so it must cost what the server's does.
 */
export class BenchSecretCipher extends AesSecretCipher {
  constructor() {
    super(crypto.randomBytes(32));
  }
}
