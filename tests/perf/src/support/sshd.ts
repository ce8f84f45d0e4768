import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

import { generateSessionKeyPair } from '@gpu-shopper/ssh';

/**
 * A private OpenSSH sshd for figure 5, the minimum of packages/ssh/src/test-support/real-sshd.ts
 * (which this package may not import): its own config, host key and authorized_keys in a temp dir,
 * nothing under /etc/ssh touched, and a fake `nvidia-smi` first on PATH so the readiness probe's GPU
 * command succeeds as on a healthy node.
 */
export const SSHD_PATH = '/usr/sbin/sshd';

export interface Sshd {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  stop(): Promise<void>;
}

const FAKE_NVIDIA_SMI = `#!/bin/sh
# Fixture GPU: what the readiness probe's query prints on a healthy one-GPU node.
echo "NVIDIA GeForce RTX 4090, 24564"
`;

export async function startSshd(port: number, authorizedKey: string): Promise<Sshd> {
  if (!existsSync(SSHD_PATH)) throw new Error(`no OpenSSH server at ${SSHD_PATH}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'gpushop-bench-sshd-'));
  await chmod(dir, 0o755);
  const bin = path.join(dir, 'bin');
  const home = path.join(dir, 'home');
  await mkdir(bin);
  await mkdir(home, { mode: 0o755 });
  await writeFile(path.join(bin, 'nvidia-smi'), FAKE_NVIDIA_SMI, { mode: 0o755 });
  const hostKey = generateSessionKeyPair({ comment: 'gpushop-bench-host' });
  const hostKeyPath = path.join(dir, 'ssh_host_ed25519_key');
  await writeFile(hostKeyPath, hostKey.privateKey, { mode: 0o600 });
  await writeFile(path.join(dir, 'authorized_keys'), `${authorizedKey}\n`, { mode: 0o644 });
  const root = process.getuid?.() === 0;
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'PrintMotd no',
    `SetEnv "PATH=${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"`,
    '',
  ].join('\n');
  const configPath = path.join(dir, 'sshd_config');
  await writeFile(configPath, config);
  // A root sshd refuses to start without its privilege-separation directory (/run is tmpfs).
  if (root) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const check = spawnSync(SSHD_PATH, ['-t', '-f', configPath], { encoding: 'utf8' });
  if (check.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`sshd -t rejected the fixture config: ${check.stderr}`);
  }
  // As root, run sshd as PID 1 of its own namespaces with an empty dir over /root: root's ~/.bashrc
  // would otherwise add its own (machine-specific) cost to every command, and stopping sshd kills
  // every session process with it.
  const namespaces = root && spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  const child = namespaces
    ? spawn('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', 'mount --bind "$1" /root && exec "$2" -D -e -f "$3"', 'sh', home, SSHD_PATH, configPath], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    : spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn sshd');

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      if (namespaces) {
        // unshare ignores SIGTERM while it waits: signal the namespace's init (the inner sshd).
        const inner = childrenOf(pid);
        for (const innerPid of inner) process.kill(innerPid, 'SIGTERM');
        if (inner.length === 0) process.kill(pid, 'SIGKILL');
      } else {
        process.kill(pid, 'SIGTERM');
      }
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000))]);
      if (!done) {
        process.kill(pid, 'SIGKILL');
        await exited;
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 5000;
  while (!(await hasBanner(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { host: '127.0.0.1', port, user: root ? 'root' : userInfo().username, stop };
}

function hasBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-2.0-')));
    socket.on('error', () => done(false));
  });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
