import crypto from 'node:crypto';

/** `gs_` + 32 random bytes: unguessable, and recognisable in leaked-secret scans. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `gs_${crypto.randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

/** Keys are stored as SHA-256: they are random and long, so a slow hash adds nothing. */
export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two secrets of possibly different lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, digestOf(expected));
}

/**
 * The expected secret is nearly always the same one (the admin token), compared on every request:
 * its digest is kept rather than recomputed. One entry, so no other secret stays in memory.
 */
let lastExpected: { secret: string; digest: Buffer } | null = null;
function digestOf(expected: string): Buffer {
  if (lastExpected?.secret !== expected) lastExpected = { secret: expected, digest: crypto.createHash('sha256').update(expected).digest() };
  return lastExpected.digest;
}
