import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type RemoteTarget } from '@gpu-shopper/core';
import { MemoryLogger } from '@gpu-shopper/core/testing';

import { generateSessionKeyPair, type SessionKeyPair } from '../keys/session-key-pair.js';
import { startFakeNode, type FakeExecReply, type FakeNode } from '../test-support/fake-node.js';
import { installFakeTools } from '../testing/fake-tools.js';
import { freePort, startMisbehavingServer } from '../test-support/net-fixtures.js';
import { NodeSshRemoteExec } from './node-ssh-remote-exec.js';

const FAST = { timeoutMs: 5000 };

describe('NodeSshRemoteExec against the in-process fake node', () => {
  let dir: string;
  let key: SessionKeyPair;
  let node: FakeNode;
  let scripted: Map<string, FakeExecReply>;
  let remote: NodeSshRemoteExec;
  let logger: MemoryLogger;

  const target = (overrides: Partial<RemoteTarget> = {}): RemoteTarget => ({
    host: node.host,
    port: node.port,
    user: 'root',
    privateKey: key.privateKey,
    ...overrides,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpushop-fake-node-'));
    await installFakeTools(join(dir, 'bin'));
    key = generateSessionKeyPair();
    scripted = new Map();
    node = await startFakeNode({
      authorizedKeys: [key.publicKey],
      binDir: join(dir, 'bin'),
      homeDir: dir,
      onExec: (command) => scripted.get(command),
    });
  });

  beforeEach(() => {
    scripted.clear();
    logger = new MemoryLogger();
    remote = new NodeSshRemoteExec({ logger, connectTimeoutMs: 3000, closeGraceMs: 200 });
  });

  afterAll(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a command and returns stdout, stderr, the exit code and the host key seen', async () => {
    const result = await remote.exec(target(), 'echo out; echo err >&2; exit 3', FAST);
    if (!result.ok) throw result.err;
    expect(result.val).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', hostKeyFingerprint: node.hostKeyFingerprint });
  });

  it('closes every connection it opens (per-call connections, nothing pooled)', async () => {
    for (let i = 0; i < 3; i++) {
      const result = await remote.exec(target(), 'true', FAST);
      expect(result.ok).toBe(true);
    }
    await waitFor(() => node.openConnections() === 0);
    expect(node.openConnections()).toBe(0);
  });

  it('reports a command killed by a signal with a null exit code', async () => {
    scripted.set('killed', { exitSignal: 'KILL' });
    const result = await remote.exec(target(), 'killed', FAST);
    if (!result.ok) throw result.err;
    expect(result.val.exitCode).toBeNull();
  });

  it('accepts the pinned host key, in any of the spellings of the same fingerprint', async () => {
    const padded = `sha256:${node.hostKeyFingerprint.slice('SHA256:'.length)}=`;
    for (const pinned of [node.hostKeyFingerprint, padded]) {
      const result = await remote.exec(target({ hostKeyFingerprint: pinned }), 'echo ok', FAST);
      expect(result.ok).toBe(true);
    }
  });

  it('refuses a host whose key differs from the pinned fingerprint, as host_key_mismatch (not retryable)', async () => {
    const other = generateSessionKeyPair().fingerprint;
    const result = await remote.exec(target({ hostKeyFingerprint: other }), 'echo ok', FAST);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('host_key_mismatch');
    expect(result.err.retryable).toBe(false);
    expect(node.commands).not.toContain('echo ok-after-mismatch');
  });

  it('classifies a key the node does not accept as auth (not retryable)', async () => {
    const stranger = generateSessionKeyPair();
    const result = await remote.exec(target({ privateKey: stranger.privateKey }), 'echo ok', FAST);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('auth');
    expect(result.err.retryable).toBe(false);
  });

  it('classifies an unparseable private key as auth without echoing the key', async () => {
    const garbage = '-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END OPENSSH PRIVATE KEY-----\n';
    const result = await remote.exec(target({ privateKey: garbage }), 'echo ok', FAST);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('auth');
    expect(result.err.message).not.toContain('c2VjcmV0');
  });

  it('classifies a closed port as refused (retryable)', async () => {
    const port = await freePort();
    const result = await remote.exec(target({ port }), 'echo ok', FAST);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('refused');
    expect(result.err.retryable).toBe(true);
  });

  it.each([
    ['reset', 'handshake'],
    ['banner-then-close', 'handshake'],
    ['silent', 'timeout'],
  ] as const)('classifies a starting node that does %s as %s (retryable), never auth', async (behaviour, kind) => {
    const server = await startMisbehavingServer(behaviour);
    try {
      const fast = new NodeSshRemoteExec({ connectTimeoutMs: 300, closeGraceMs: 100 });
      const result = await fast.exec(target({ port: server.port }), 'echo ok', FAST);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.err.kind).toBe(kind);
      expect(result.err.retryable).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('times out a command that runs too long, closes its channel and the connection', async () => {
    const started = Date.now();
    const result = await remote.exec(target(), 'sleep 30', { timeoutMs: 700 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('timeout');
    // (ssh2's server drops channel requests after stdin's EOF, so the fake cannot see the KILL
    // signal; it kills the command when the channel closes. The real-sshd suite checks the signal.)
    await waitFor(() => node.runningCommands() === 0 && node.openConnections() === 0);
    expect(node.runningCommands()).toBe(0);
    expect(node.openConnections()).toBe(0);
  });

  it('times out even when the node never answers the command at all', async () => {
    scripted.set('wedged', 'hang');
    const result = await remote.exec(target(), 'wedged', { timeoutMs: 400 });
    expect(!result.ok && result.err.kind).toBe('timeout');
    await waitFor(() => node.openConnections() === 0);
    expect(node.openConnections()).toBe(0);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = remote.exec(target(), 'sleep 30', { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const result = await pending;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.err.kind).toBe('unknown');
    expect(result.err.message).toContain('aborted');
  });

  it('treats an AbortSignal.timeout() deadline as a timeout', async () => {
    const result = await remote.exec(target(), 'sleep 30', { timeoutMs: 10_000, signal: AbortSignal.timeout(300) });
    expect(!result.ok && result.err.kind).toBe('timeout');
  });

  it('reports a connection lost while the command runs', async () => {
    scripted.set('doomed', 'drop-connection');
    const result = await remote.exec(target(), 'doomed', FAST);
    expect(!result.ok && result.err.kind).toBe('unknown');
  });

  it('caps stdout at maxOutputBytes and logs the truncation', async () => {
    const capped = new NodeSshRemoteExec({ logger, maxOutputBytes: 1000 });
    const result = await capped.exec(target(), 'head -c 50000 /dev/zero | tr "\\0" a; echo tail >&2', FAST);
    if (!result.ok) throw result.err;
    expect(result.val.stdout).toBe('a'.repeat(1000));
    expect(result.val.stderr).toBe('tail\n');
    expect(logger.records.find((r) => r.message === 'remote command output truncated')?.fields).toMatchObject({ stream: 'stdout', droppedBytes: 49000 });
  });

  it('gives stdin EOF so a command reading it does not hang', async () => {
    const result = await remote.exec(target(), 'cat; echo done', FAST);
    if (!result.ok) throw result.err;
    expect(result.val.stdout).toBe('done\n');
  });

  it('uploads through a temporary name, checks SHA-256 on the node, and downloads the same bytes', async () => {
    const content = Buffer.alloc(300_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7919) % 251;
    const remotePath = join(dir, 'deep', 'er', 'payload.bin');
    const up = await remote.upload(target(), content, remotePath, FAST);
    if (!up.ok) throw up.err;
    expect(createHash('sha256').update(await readFile(remotePath)).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
    expect(node.commands.some((c) => /^sha256sum -- '.*\/deep\/er\/\.payload\.bin\.[0-9a-f]{12}\.part'$/.test(c))).toBe(true);
    expect((await readdir(join(dir, 'deep', 'er'))).filter((n) => n.endsWith('.part'))).toEqual([]);

    const down = await remote.download(target(), remotePath, FAST);
    if (!down.ok) throw down.err;
    expect(Buffer.from(down.val).equals(content)).toBe(true);
  });

  it('replaces an existing file on upload', async () => {
    const remotePath = join(dir, 'replace.txt');
    await writeFile(remotePath, 'old contents');
    const up = await remote.upload(target(), Buffer.from('new'), remotePath, FAST);
    if (!up.ok) throw up.err;
    expect(await readFile(remotePath, 'utf8')).toBe('new');
  });

  it('resolves relative upload paths against the login directory', async () => {
    const up = await remote.upload(target(), Buffer.from('rel'), 'relative.txt', FAST);
    if (!up.ok) throw up.err;
    expect(await readFile(join(dir, 'relative.txt'), 'utf8')).toBe('rel');
  });

  it('falls back to reading the file back when sha256sum is missing on the node', async () => {
    const remotePath = join(dir, 'no-sha.txt');
    const noShaNode = await startFakeNode({
      authorizedKeys: [key.publicKey],
      homeDir: dir,
      onExec: (command) => (command.startsWith('sha256sum') ? { stderr: 'bash: sha256sum: command not found\n', exitCode: 127 } : undefined),
    });
    try {
      const up = await remote.upload(target({ port: noShaNode.port }), Buffer.from('verified by read-back'), remotePath, FAST);
      if (!up.ok) throw up.err;
      expect(await readFile(remotePath, 'utf8')).toBe('verified by read-back');
    } finally {
      await noShaNode.stop();
    }
  });

  it('fails a corrupted upload as transfer, leaving neither the target nor the temporary file', async () => {
    const corrupting = await startFakeNode({ authorizedKeys: [key.publicKey], homeDir: dir, corruptUploads: true });
    const remotePath = join(dir, 'corrupt', 'file.bin');
    try {
      const up = await remote.upload(target({ port: corrupting.port }), Buffer.from('precious bytes'), remotePath, FAST);
      expect(up.ok).toBe(false);
      if (up.ok) return;
      expect(up.err.kind).toBe('transfer');
      expect(up.err.message).toContain('checksum mismatch');
      expect(existsSync(remotePath)).toBe(false);
      expect(await readdir(join(dir, 'corrupt'))).toEqual([]);
    } finally {
      await corrupting.stop();
    }
  });

  it('refuses remote paths with .. segments or NUL bytes before connecting', async () => {
    for (const bad of ['../etc/passwd', '/tmp/a/../../etc/shadow', 'a\0b', '', 'dir/']) {
      const up = await remote.upload(target(), Buffer.from('x'), bad, FAST);
      expect(!up.ok && up.err.kind).toBe('transfer');
    }
    expect(node.commands.filter((c) => c.includes('etc'))).toEqual([]);
  });

  it('reports a missing remote file as a transfer failure', async () => {
    const down = await remote.download(target(), join(dir, 'missing.txt'), FAST);
    expect(!down.ok && down.err.kind).toBe('transfer');
  });

  it('refuses downloads above maxDownloadBytes', async () => {
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(5000));
    const small = new NodeSshRemoteExec({ maxDownloadBytes: 4096 });
    const down = await small.download(target(), join(dir, 'big.bin'), FAST);
    expect(down.ok).toBe(false);
    if (down.ok) return;
    expect(down.err.kind).toBe('transfer');
    expect(down.err.message).toContain('download limit');
  });

  it('never logs the private key', async () => {
    await remote.exec(target({ port: await freePort() }), 'echo ok', FAST);
    await remote.exec(target({ hostKeyFingerprint: 'SHA256:nope' }), 'echo ok', FAST);
    const logged = JSON.stringify(logger.records);
    expect(logged).not.toContain('PRIVATE KEY');
    expect(logged).not.toContain(key.privateKey.split('\n')[1]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
