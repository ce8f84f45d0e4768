import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type RemoteTarget } from '@gpu-shopper/core';
import { requireTools, SSH_KEYGEN, SSHD } from '@gpu-shopper/test-support';

import { generateSessionKeyPair, type SessionKeyPair } from '../keys/session-key-pair.js';
import { freePort } from '../test-support/net-fixtures.js';
import { describeProbeScenarios, type ProbeNode } from '../test-support/probe-scenarios.js';
import { SSHD_PATH, startRealSshd, type RealSshd } from '../testing/real-sshd.js';
import { NodeSshRemoteExec } from './node-ssh-remote-exec.js';

// Under CI a missing sshd or ssh-keygen fails this suite; elsewhere it is skipped with a loud notice.
const describeWithSshd = requireTools('the real-sshd suite', [SSHD, SSH_KEYGEN]) ? describe : describe.skip;

const OPTS = { timeoutMs: 10_000 };

describeWithSshd(`NodeSshRemoteExec against a real OpenSSH sshd (${SSHD_PATH})`, () => {
  let key: SessionKeyPair;
  let sshd: RealSshd;
  let remote: NodeSshRemoteExec;
  let target: (overrides?: Partial<RemoteTarget>) => RemoteTarget;

  beforeAll(async () => {
    key = generateSessionKeyPair({ comment: 'gpushop-test-client' });
    const port = await freePort();
    sshd = await startRealSshd({ port, authorizedKeys: [key.publicKey] });
    remote = new NodeSshRemoteExec({ connectTimeoutMs: 5000, closeGraceMs: 500 });
    target = (overrides = {}) => ({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: key.privateKey, ...overrides });
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('connects with the in-memory key, runs a command, returns exit code, output and the host key', async () => {
    const result = await remote.exec(target(), 'echo "user=$(id -un)"; echo to-stderr >&2; exit 7', OPTS);
    if (!result.ok) throw result.err;
    expect(result.val).toEqual({ exitCode: 7, stdout: `user=${sshd.user}\n`, stderr: 'to-stderr\n', hostKeyFingerprint: sshd.hostKeyFingerprint });
    // our fingerprint is exactly what OpenSSH's own tool prints for the host key
    if (sshd.hostKeyFingerprintBySshKeygen) expect(result.val.hostKeyFingerprint).toBe(sshd.hostKeyFingerprintBySshKeygen);
  });

  it('pins the host key: the pinned key passes, any other fails as host_key_mismatch before auth', async () => {
    const first = await remote.exec(target(), 'true', OPTS);
    if (!first.ok) throw first.err;
    const pinned = await remote.exec(target({ hostKeyFingerprint: first.val.hostKeyFingerprint }), 'echo pinned', OPTS);
    expect(pinned.ok && pinned.val.stdout).toBe('pinned\n');

    const wrong = await remote.exec(target({ hostKeyFingerprint: generateSessionKeyPair().fingerprint }), 'echo should-not-run', OPTS);
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.err.kind).toBe('host_key_mismatch');
    expect(wrong.err.retryable).toBe(false);
    expect(sshd.log()).not.toMatch(/Accepted publickey[^\n]*\n[^\n]*should-not-run/);
  });

  it('classifies a key sshd does not accept as auth (not retryable)', async () => {
    const stranger = generateSessionKeyPair();
    const result = await remote.exec(target({ privateKey: stranger.privateKey }), 'true', OPTS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('auth');
    expect(result.err.retryable).toBe(false);
  });

  it('uploads via a temporary name with a remote sha256sum, replaces atomically, downloads the same bytes', async () => {
    const content = randomBytes(1024 * 1024 + 17);
    const remotePath = join(sshd.dir, 'up', 'load', 'model.bin');
    const first = await remote.upload(target(), content, remotePath, OPTS);
    if (!first.ok) throw first.err;
    expect(createHash('sha256').update(await readFile(remotePath)).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));

    // OpenSSH's plain SFTP rename refuses an existing target: this exercises posix-rename@openssh.com.
    const second = await remote.upload(target(), Buffer.from('v2'), remotePath, OPTS);
    if (!second.ok) throw second.err;
    expect(await readFile(remotePath, 'utf8')).toBe('v2');
    expect(await readdir(join(sshd.dir, 'up', 'load'))).toEqual(['model.bin']);

    await writeFile(remotePath, content);
    const down = await remote.download(target(), remotePath, OPTS);
    if (!down.ok) throw down.err;
    expect(Buffer.from(down.val).equals(content)).toBe(true);
  });

  it('reports a missing remote file and an unwritable directory as transfer failures', async () => {
    const missing = await remote.download(target(), join(sshd.dir, 'nope.bin'), OPTS);
    expect(!missing.ok && missing.err.kind).toBe('transfer');
    const blocked = await remote.upload(target(), Buffer.from('x'), '/proc/gpushop-cannot-write-here', OPTS);
    expect(!blocked.ok && blocked.err.kind).toBe('transfer');
  });

  it('kills a timed-out command on the node (SSH signal request), not just the channel', async () => {
    const marker = `${30 + Math.floor(Math.random() * 1000) / 1000}`;
    const result = await remote.exec(target(), `sleep ${marker}; echo never`, { timeoutMs: 800 });
    expect(!result.ok && result.err.kind).toBe('timeout');
    const alive = (): boolean => spawnSync('pgrep', ['-f', `sleep ${marker}`]).status === 0;
    const deadline = Date.now() + 3000;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive()).toBe(false);
  });

  describe('probes end to end', () => {
    let probeNode: ProbeNode;
    beforeAll(async () => {
      await writeFile(join(sshd.dir, 'lock-frontend'), '');
      probeNode = {
        remote,
        target: target(),
        hostKeyFingerprint: sshd.hostKeyFingerprint,
        stateFile: sshd.stateFile,
        lockFile: join(sshd.dir, 'lock-frontend'),
        dmesgFile: sshd.dmesgFile,
      };
    });
    describeProbeScenarios(() => probeNode);
  });
});

describeWithSshd('a node whose sshd is still starting (real OpenSSH)', () => {
  it('is refused (retryable) before sshd listens, then works once it does — never auth', async () => {
    const key = generateSessionKeyPair();
    const port = await freePort();
    const remote = new NodeSshRemoteExec({ connectTimeoutMs: 3000, closeGraceMs: 500 });
    const target: RemoteTarget = { host: '127.0.0.1', port, user: process.getuid?.() === 0 ? 'root' : 'unused', privateKey: key.privateKey };

    const early = await remote.exec(target, 'echo ok', OPTS);
    expect(early.ok).toBe(false);
    if (early.ok) return;
    expect(early.err.kind).toBe('refused');
    expect(early.err.retryable).toBe(true);

    const sshd = await startRealSshd({ port, authorizedKeys: [key.publicKey] });
    try {
      const later = await remote.exec({ ...target, user: sshd.user }, 'echo ok', OPTS);
      if (!later.ok) throw later.err;
      expect(later.val.stdout).toBe('ok\n');
    } finally {
      await sshd.stop();
    }
    expect(existsSync(sshd.dir)).toBe(false);
    const gone = await remote.exec({ ...target, user: sshd.user }, 'echo ok', OPTS);
    expect(!gone.ok && gone.err.kind).toBe('refused');
  });
});
