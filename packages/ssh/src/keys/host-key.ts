import { createHash } from 'node:crypto';

const PREFIX = 'SHA256:';

/**
 * The OpenSSH fingerprint of a host or user key: `SHA256:` + unpadded base64 of the SHA-256 of the
 * key blob (the bytes base64-encoded in an authorized_keys line) — what `ssh-keygen -lf` prints.
 */
export function sshFingerprint(keyBlob: Uint8Array): string {
  return PREFIX + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA… comment`). */
export function fingerprintOfPublicKeyLine(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) throw new RangeError('not an OpenSSH public key line');
  return sshFingerprint(Buffer.from(blob, 'base64'));
}

/**
 * Canonical form for comparing pinned fingerprints: the `SHA256:` prefix is case-insensitive and the
 * base64 may carry padding depending on who wrote it; the digest itself is compared exactly.
 */
export function normalizeFingerprint(fingerprint: string): string {
  const trimmed = fingerprint.trim();
  const body = trimmed.toUpperCase().startsWith(PREFIX.toUpperCase()) ? trimmed.slice(PREFIX.length) : trimmed;
  return PREFIX + body.replace(/=+$/, '');
}

export function sameFingerprint(a: string, b: string): boolean {
  return normalizeFingerprint(a) === normalizeFingerprint(b);
}
