import { randomBytes } from 'node:crypto';

import { type SshKeyGenerator, type SshKeyPair } from '@gpu-shopper/core';
// ssh2 is CommonJS: Node's ESM loader only sees its default export (toolchain pitfall 15).
import ssh2 from 'ssh2';

import { fingerprintOfPublicKeyLine } from './host-key.js';

const { utils } = ssh2;

export interface SessionKeyPair extends SshKeyPair {
  /** OpenSSH authorized_keys line: `ssh-ed25519 AAAA… <comment>`. */
  readonly publicKey: string;
  /** OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted: it lives in memory only. */
  readonly privateKey: string;
  /** `SHA256:…` of the public key, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

export interface GenerateSessionKeyPairOptions {
  /** Comment on the public key line. @default 'gpu-shopper' */
  readonly comment?: string;
  /** Generation attempts before giving up. @default 10 */
  readonly maxAttempts?: number;
}

/** A raw key generator with ssh2's output shape; replaceable so tests can inject broken keys. */
export type RawKeyPairGenerator = (comment: string) => { readonly private: string; readonly public: string };

const ssh2Ed25519: RawKeyPairGenerator = (comment) => utils.generateKeyPairSync('ed25519', { comment });

/**
 * Makes a per-session ed25519 key pair. ssh2 1.17's generator sometimes drops a leading zero byte of
 * the key (about 1 key in 300; mscdex/ssh2 #1390, #1513), producing a pair that neither ssh2 nor
 * OpenSSH accepts. Each pair is therefore checked — both halves parse, describe the same key, and a
 * signature made with the private half verifies with the public half — and regenerated if not.
 */
export function generateSessionKeyPair(options: GenerateSessionKeyPairOptions = {}): SessionKeyPair {
  return generateValidatedKeyPair(ssh2Ed25519, options);
}

/** `generateSessionKeyPair` with the raw generator injected (for tests of the retry). */
export function generateValidatedKeyPair(generate: RawKeyPairGenerator, options: GenerateSessionKeyPairOptions = {}): SessionKeyPair {
  const comment = options.comment ?? 'gpu-shopper';
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const raw = generate(comment);
    if (isUsableKeyPair(raw.private, raw.public)) {
      const publicKey = raw.public.trim();
      return { publicKey, privateKey: raw.private, fingerprint: fingerprintOfPublicKeyLine(publicKey) };
    }
  }
  throw new Error(`could not generate a valid ed25519 key pair in ${maxAttempts} attempts`);
}

/** True when both halves parse as one ed25519 key and a sign/verify round trip succeeds. */
export function isUsableKeyPair(privateKey: string, publicKey: string): boolean {
  const priv = utils.parseKey(privateKey);
  const pub = utils.parseKey(publicKey);
  if (priv instanceof Error || pub instanceof Error) return false;
  if (priv.type !== 'ssh-ed25519' || pub.type !== 'ssh-ed25519' || !priv.isPrivateKey()) return false;
  if (!priv.getPublicSSH().equals(pub.getPublicSSH())) return false;
  const challenge = randomBytes(32);
  const signature = priv.sign(challenge);
  // ssh2's sign returns an Error instead of throwing when the key material is unusable.
  if (!Buffer.isBuffer(signature)) return false;
  return pub.verify(challenge, signature) === true;
}

/** Core's `SshKeyGenerator` port over `generateSessionKeyPair`. */
export class Ed25519SessionKeyGenerator implements SshKeyGenerator {
  constructor(private readonly options: GenerateSessionKeyPairOptions = {}) {}

  async generate(): Promise<SshKeyPair> {
    const { publicKey, privateKey } = generateSessionKeyPair(this.options);
    return { publicKey, privateKey };
  }
}
