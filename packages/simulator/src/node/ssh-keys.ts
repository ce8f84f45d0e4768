import ssh2, { type ParsedKey } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader only exposes its default export (toolchain pitfall 15).
const { utils } = ssh2;

export interface SshKeyPair {
  /** OpenSSH private key (PEM-armoured), usable by node-ssh/ssh2 as `privateKey`. */
  readonly privateKey: string;
  /** One-line OpenSSH public key, e.g. `ssh-ed25519 AAAA… comment`. */
  readonly publicKey: string;
}

const CHECK_DATA = Buffer.from('gpu-shopper-simulator key self-check');

/**
 * An ed25519 key pair that is known to work. ssh2 1.17's generator sometimes drops a leading zero
 * byte and yields a key its own parser rejects (mscdex/ssh2 #1390, #1513; toolchain pitfall 16), so
 * each pair is parsed and round-tripped through sign/verify, and regenerated when it fails.
 */
export function generateSshKeyPair(comment = 'gpu-shopper-simulator'): SshKeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    const privateKey = utils.parseKey(pair.private);
    const publicKey = utils.parseKey(pair.public);
    if (privateKey instanceof Error || publicKey instanceof Error) continue;
    if (!publicKey.verify(CHECK_DATA, privateKey.sign(CHECK_DATA))) continue;
    return { privateKey: pair.private, publicKey: pair.public.trim() };
  }
  throw new Error('could not generate a valid ed25519 key pair in 20 attempts');
}

export interface AuthorizedKey {
  readonly type: string;
  /** The public key blob (what the client presents during publickey auth). */
  readonly blob: Buffer;
  readonly parsed: ParsedKey;
}

const KEY_TYPES = 'ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com';

/** Parses one authorized_keys line; null when it is not a public key ssh2 understands. */
export function parseAuthorizedKey(line: string): AuthorizedKey | null {
  const match = new RegExp(`(${KEY_TYPES})\\s+([A-Za-z0-9+/]+={0,3})`).exec(line);
  if (!match) return null;
  const parsed = utils.parseKey(`${match[1] ?? ''} ${match[2] ?? ''}`);
  if (parsed instanceof Error) return null;
  return { type: parsed.type, blob: parsed.getPublicSSH(), parsed };
}

/** Every public key embedded anywhere in `text` (e.g. in cloud-init commands that echo a key). */
export function findAuthorizedKeys(text: string): AuthorizedKey[] {
  const keys: AuthorizedKey[] = [];
  for (const match of text.matchAll(new RegExp(`(?:${KEY_TYPES})\\s+[A-Za-z0-9+/]+={0,3}`, 'g'))) {
    const key = parseAuthorizedKey(match[0]);
    if (key && !keys.some((k) => k.blob.equals(key.blob))) keys.push(key);
  }
  return keys;
}
