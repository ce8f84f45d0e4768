// Smoke test of the BUILT package in plain Node (not jest): jest's ESM mode accepts CommonJS named
// imports that Node rejects (toolchain pitfall 15). Imports the package by name (self-reference
// through package.json "exports" → dist/index.js), starts a minimal ssh2 server in this process,
// and runs exec, host-key pinning, two probes and a refused port through NodeSshRemoteExec.
// Run after `pnpm build`: `node scripts/smoke.mjs` (or `pnpm smoke`).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ssh2 from 'ssh2';

import { NodeSshRemoteExec, generateSessionKeyPair, probeDisk, probeEcho } from '@gpu-shopper/ssh';

const { Server, utils } = ssh2;

const client = generateSessionKeyPair({ comment: 'smoke-client' });
const host = generateSessionKeyPair({ comment: 'smoke-host' });
const allowed = utils.parseKey(client.publicKey);
const dir = await mkdtemp(join(tmpdir(), 'gpushop-smoke-'));

const server = new Server({ hostKeys: [host.privateKey] }, (conn) => {
  conn.on('error', () => undefined);
  conn.on('authentication', (ctx) => {
    const ok = ctx.method === 'publickey' && ctx.key.data.equals(allowed.getPublicSSH()) && (!ctx.signature || allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true);
    return ok ? ctx.accept() : ctx.reject(['publickey']);
  });
  conn.on('ready', () =>
    conn.on('session', (accept) => {
      const session = accept();
      session.once('exec', (acceptExec, _reject, info) => {
        const channel = acceptExec();
        const child = spawn('sh', ['-c', info.command], { cwd: dir });
        child.stdout.on('data', (d) => channel.write(d));
        child.stderr.on('data', (d) => channel.stderr.write(d));
        child.on('close', (code) => {
          channel.exit(code ?? 1);
          channel.end();
        });
      });
      session.once('sftp', () => session.end());
    }),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const target = { host: '127.0.0.1', port: server.address().port, user: 'root', privateKey: client.privateKey };
const remote = new NodeSshRemoteExec({ connectTimeoutMs: 5000 });
const opts = { timeoutMs: 5000 };

let failed = false;
const check = (label, ok, detail) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${detail}`);
  if (!ok) failed = true;
};

try {
  const exec = await remote.exec(target, 'echo "node says hi"; exit 3', opts);
  check('exec', exec.ok && exec.val.exitCode === 3 && exec.val.stdout === 'node says hi\n', JSON.stringify(exec.ok ? exec.val : exec.err.message));
  check('host key', exec.ok && exec.val.hostKeyFingerprint === host.fingerprint, `${exec.ok ? exec.val.hostKeyFingerprint : '-'} (expected ${host.fingerprint})`);
  const pinned = await remote.exec({ ...target, hostKeyFingerprint: client.fingerprint }, 'true', opts);
  check('pinned mismatch', !pinned.ok && pinned.err.kind === 'host_key_mismatch', pinned.ok ? 'connected!' : `${pinned.err.kind}: ${pinned.err.message}`);
  const echo = await probeEcho(remote, target, opts);
  check('probeEcho', echo.ok && echo.val.ok, JSON.stringify(echo.ok ? echo.val : echo.err.message));
  const disk = await probeDisk(remote, target, opts);
  check('probeDisk', disk.ok && disk.val.status === 'ok' && disk.val.disk.mounts.length > 0, disk.ok && disk.val.status === 'ok' ? `${disk.val.disk.mounts.length} mounts, / has ${disk.val.disk.availableGib} GiB free` : JSON.stringify(disk.ok ? disk.val : disk.err.message));
  const refused = await remote.exec({ ...target, port: 1 }, 'true', opts);
  check('refused', !refused.ok && refused.err.kind === 'refused' && refused.err.retryable, refused.ok ? 'connected?!' : refused.err.message);
} finally {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
}
console.log(failed ? 'SMOKE FAILED' : 'SMOKE OK');
process.exitCode = failed ? 1 : 0;
