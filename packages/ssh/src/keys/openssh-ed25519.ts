import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

/**
 * OpenSSH's own key formats for ed25519, written and read without ssh2: the `authorized_keys` line
 * and the unencrypted `openssh-key-v1` private key file (OpenSSH's PROTOCOL.key).
 */

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const KEY_TYPE = 'ssh-ed25519';
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
/** The cipher `none` pads the private section to 8 bytes. */
const BLOCK = 8;

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** The public key blob: string "ssh-ed25519", string key (32 bytes). */
export function ed25519PublicBlob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString(KEY_TYPE), sshString(publicKey)]);
}

/**
 * `{ private, public }` in OpenSSH's formats for an ed25519 key: `seed` is the 32-byte private
 * key, `publicKey` the 32-byte public key derived from it.
 */
export function encodeOpenSshEd25519(seed: Buffer, publicKey: Buffer, comment: string): { private: string; public: string } {
  const blob = ed25519PublicBlob(publicKey);
  const check = randomBytes(4);
  const unpadded = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(publicKey), sshString(Buffer.concat([seed, publicKey])), sshString(comment)]);
  const padding = Buffer.from(Array.from({ length: (BLOCK - (unpadded.length % BLOCK)) % BLOCK }, (_, i) => i + 1));
  const body = Buffer.concat([MAGIC, sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(blob), sshString(Buffer.concat([unpadded, padding]))]);
  // ssh-keygen wraps the base64 at 70 columns.
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return { private: `${BEGIN}\n${lines.join('\n')}\n${END}\n`, public: `${KEY_TYPE} ${blob.toString('base64')} ${comment}` };
}

class Reader {
  private offset = 0;
  constructor(private readonly bytes: Buffer) {}

  uint32(): number {
    if (this.offset + 4 > this.bytes.length) throw new RangeError('truncated');
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  string(): Buffer {
    const length = this.uint32();
    if (this.offset + length > this.bytes.length) throw new RangeError('truncated');
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  bytesLeft(): Buffer {
    return this.bytes.subarray(this.offset);
  }
}

/**
 * The seed and public key held in an unencrypted OpenSSH ed25519 private key file, with every
 * length, the check words, the key type and the padding verified; null for anything else.
 */
export function decodeOpenSshEd25519(text: string): { seed: Buffer; publicKey: Buffer; comment: string } | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith(BEGIN) || !trimmed.endsWith(END)) return null;
  const body = Buffer.from(trimmed.slice(BEGIN.length, -END.length).replace(/\s+/g, ''), 'base64');
  try {
    if (!body.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const outer = new Reader(body.subarray(MAGIC.length));
    if (outer.string().toString() !== 'none' || outer.string().toString() !== 'none' || outer.string().length !== 0 || outer.uint32() !== 1) return null;
    const blob = outer.string();
    const section = outer.string();
    if (outer.bytesLeft().length !== 0 || section.length % BLOCK !== 0) return null;
    const inner = new Reader(section);
    if (inner.uint32() !== inner.uint32()) return null;
    if (inner.string().toString() !== KEY_TYPE) return null;
    const publicKey = inner.string();
    const secret = inner.string();
    const comment = inner.string().toString('utf8');
    const padding = inner.bytesLeft();
    if (publicKey.length !== 32 || secret.length !== 64 || padding.length >= BLOCK || !padding.every((byte, i) => byte === i + 1)) return null;
    if (!secret.subarray(32).equals(publicKey) || !blob.equals(ed25519PublicBlob(publicKey))) return null;
    return { seed: Buffer.from(secret.subarray(0, 32)), publicKey: Buffer.from(publicKey), comment };
  } catch {
    return null;
  }
}

/** The ed25519 public key derived from a 32-byte seed. */
export function ed25519PublicKeyOf(seed: Buffer): Buffer {
  // A JWK import uses `d` alone for the key; `x` is required by the format but not trusted.
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: '' }, format: 'jwk' });
  const x = createPublicKey(key).export({ format: 'jwk' }).x;
  return Buffer.from(x ?? '', 'base64url');
}
