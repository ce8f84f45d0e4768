import { fingerprintOfPublicKeyLine, normalizeFingerprint, sameFingerprint, sshFingerprint } from './host-key.js';

// A fixed key and the fingerprint `ssh-keygen -lf` prints for it.
const LINE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOy7hMTzhNE93Fyx/4Hzpgl5AxHOB4yWy2HRIiWZqgRY comment';

describe('host key fingerprints', () => {
  it('hashes the key blob as OpenSSH does: SHA256: + unpadded base64', () => {
    const fp = fingerprintOfPublicKeyLine(LINE);
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fp).toBe(sshFingerprint(Buffer.from(LINE.split(' ')[1]!, 'base64')));
  });

  it('compares spellings of the same fingerprint as equal, different ones as different', () => {
    const fp = fingerprintOfPublicKeyLine(LINE);
    expect(sameFingerprint(fp, `sha256:${fp.slice(7)}=`)).toBe(true);
    expect(sameFingerprint(fp, fp.slice(7))).toBe(true);
    expect(normalizeFingerprint(` ${fp} `)).toBe(fp);
    expect(sameFingerprint(fp, fp.toLowerCase())).toBe(false);
  });

  it('rejects something that is not a public key line', () => {
    expect(() => fingerprintOfPublicKeyLine('ssh-ed25519')).toThrow(RangeError);
  });
});
