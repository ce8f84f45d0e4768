import { generateKeyPairSync, randomBytes } from 'node:crypto';

import { type SshKeyGenerator, type SshKeyPair } from '@gpu-shopper/core';
// ssh2 is CommonJS: Node's ESM loader only sees its default export (toolchain pitfall 15).
import ssh2 from 'ssh2';

import { fingerprintOfPublicKeyLine } from './host-key.js';
import { decodeOpenSshEd25519, ed25519PublicBlob, ed25519PublicKeyOf, encodeOpenSshEd25519 } from './openssh-ed25519.js';

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

/**
 * node:crypto's ed25519 generator (OpenSSL), written out in OpenSSH's formats. About five times
 * cheaper than ssh2's `generateKeyPairSync`, which also drops a leading zero byte of about one key
 * in 300 (mscdex/ssh2 #1390, #1513).
 */
export const nodeEd25519: RawKeyPairGenerator = (comment) => {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return encodeOpenSshEd25519(Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url'), comment);
};

/**
 * Makes a per-session ed25519 key pair (node:crypto's generator, OpenSSH's formats). Each pair is
 * checked before it is handed out (`isConsistentKeyPair`: the private key file reads back field by
 * field as the public line's key, and that public key derives from the private seed) and
 * regenerated if not.
 */
export function generateSessionKeyPair(options: GenerateSessionKeyPairOptions = {}): SessionKeyPair {
  return generateValidatedKeyPair(nodeEd25519, options);
}

/** `generateSessionKeyPair` with the raw generator injected (for tests of the retry). */
export function generateValidatedKeyPair(generate: RawKeyPairGenerator, options: GenerateSessionKeyPairOptions = {}): SessionKeyPair {
  const comment = options.comment ?? 'gpu-shopper';
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const raw = generate(comment);
    if (isConsistentKeyPair(raw.private, raw.public)) {
      const publicKey = raw.public.trim();
      return { publicKey, privateKey: raw.private, fingerprint: fingerprintOfPublicKeyLine(publicKey) };
    }
  }
  throw new Error(`could not generate a valid ed25519 key pair in ${maxAttempts} attempts`);
}

/**
 * The check every generated pair passes (well under a millisecond, without ssh2): the private key
 * is an unencrypted OpenSSH ed25519 key file whose every length, check word and padding byte is
 * right, its public half is the public line's key, and that public key derives from the private
 * seed. `isUsableKeyPair` is the dearer check through ssh2 itself.
 */
export function isConsistentKeyPair(privateKey: string, publicKey: string): boolean {
  const decoded = decodeOpenSshEd25519(privateKey);
  const [type, blob] = publicKey.trim().split(/\s+/);
  if (!decoded || type !== 'ssh-ed25519' || !blob) return false;
  return Buffer.from(blob, 'base64').equals(ed25519PublicBlob(decoded.publicKey)) && ed25519PublicKeyOf(decoded.seed).equals(decoded.publicKey);
}

/** True when both halves parse as one ed25519 key and a sign/verify round trip succeeds (about 1 ms). */
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
