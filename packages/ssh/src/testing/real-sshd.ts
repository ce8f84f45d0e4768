import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { fingerprintOfPublicKeyLine } from '../keys/host-key.js';
import { generateSessionKeyPair } from '../keys/session-key-pair.js';
import { installFakeTools } from './fake-tools.js';

/** Where Debian's openssh-server puts sshd; it must be started by absolute path (it re-execs itself). */
export const SSHD_PATH = '/usr/sbin/sshd';

export interface RealSshdOptions {
  readonly port: number;
  /** OpenSSH public key lines for authorized_keys. */
  readonly authorizedKeys: readonly string[];
  /** Extra environment for sessions (the fake tools read FAKE_*). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RealSshd {
  readonly host: string;
  readonly port: number;
  /** The login user: root when the tests run as root (CI), else the current user. */
  readonly user: string;
  readonly hostKeyFingerprint: string;
  /** `ssh-keygen -lf` on the host key — an independent source for the fingerprint. */
  readonly hostKeyFingerprintBySshKeygen: string | null;
  /** Fixture directory (keys, config, fake tools, scratch space for tests). */
  readonly dir: string;
  /** Rewrite this file (see `fakeStateFile`) to change the fake GPU tools' behaviour. */
  readonly stateFile: string;
  /** What the fake `dmesg` prints (`FAKE_DMESG_FILE`). */
  readonly dmesgFile: string;
  /** The sshd (or `unshare`) process id. */
  readonly pid: number;
  /** sshd's stderr so far (for failure diagnostics). */
  log(): string;
  stop(): Promise<void>;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Whether sshd can run as PID 1 of its own PID + mount namespace. That is the clean setup of
 * infra.md §1: stopping it kills every session process too (they call setsid() and would otherwise
 * outlive sshd), and an empty directory mounted over /root skips root's ~/.bashrc (~190 ms per exec).
 */
function namespacesUsable(): boolean {
  if (!isRoot()) return false;
  const probe = spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'true'], { stdio: 'ignore', timeout: 5000 });
  return probe.status === 0;
}

async function waitForBanner(host: string, port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd exited early (${child.exitCode ?? child.signalCode}):\n${log()}`);
    const banner = await new Promise<string>((resolve) => {
      const socket = connect({ host, port });
      let data = '';
      const done = (value: string): void => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(500, () => done(''));
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString('latin1');
        if (data.includes('\n')) done(data);
      });
      socket.on('error', () => done(''));
    });
    if (banner.startsWith('SSH-2.0-')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`sshd did not answer on ${host}:${port} within ${timeoutMs} ms:\n${log()}`);
}

/**
 * A real OpenSSH sshd on 127.0.0.1:<port> with its own config, host key and authorized_keys in a
 * temp dir (infra.md §1): nothing under /etc/ssh is read or changed, port 22 is untouched. Sessions
 * get the fake tools first on PATH via `SetEnv` (one line: sshd ignores later SetEnv lines).
 */
export async function startRealSshd(options: RealSshdOptions): Promise<RealSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'gpushop-sshd-'));
  await chmod(dir, 0o755);
  const binDir = join(dir, 'bin');
  const home = join(dir, 'home');
  const stateFile = join(dir, 'gpu-state.env');
  const dmesgFile = join(dir, 'dmesg.txt');
  await installFakeTools(binDir);
  await mkdir(home, { mode: 0o755 });

  const hostKey = generateSessionKeyPair({ comment: 'gpushop-fixture-host' });
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  await writeFile(hostKeyPath, hostKey.privateKey, { mode: 0o600 });
  await writeFile(`${hostKeyPath}.pub`, `${hostKey.publicKey}\n`);
  await writeFile(join(dir, 'authorized_keys'), options.authorizedKeys.map((k) => `${k}\n`).join(''), { mode: 0o644 });

  const root = isRoot();
  const user = root ? 'root' : userInfo().username;
  const env: Record<string, string> = {
    PATH: `${binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    FAKE_GPU_STATE_FILE: stateFile,
    FAKE_DMESG_FILE: dmesgFile,
    ...options.env,
  };
  const setEnv = Object.entries(env)
    .map(([key, value]) => `"${key}=${value}"`)
    .join(' ');
  const config = [
    `Port ${options.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'PrintMotd no',
    'Subsystem sftp internal-sftp',
    `SetEnv ${setEnv}`,
    '',
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  await writeFile(configPath, config);

  // A root sshd refuses to start without its privilege-separation directory (/run is tmpfs).
  if (root) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const check = spawnSync(SSHD_PATH, ['-t', '-f', configPath], { encoding: 'utf8' });
  if (check.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`sshd -t rejected the fixture config: ${check.stderr}`);
  }

  const useNamespaces = namespacesUsable();
  const child = useNamespaces
    ? spawn(
        'unshare',
        ['--pid', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', 'mount --bind "$1" /root && exec "$2" -D -e -f "$3"', 'sh', home, SSHD_PATH, configPath],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
    : spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn sshd');

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      if (useNamespaces) {
        // SIGTERM to the namespace's init (the inner sshd); unshare ignores SIGTERM while waiting.
        // When it exits the kernel kills every other process in the namespace.
        const inner = readChildren(pid);
        for (const innerPid of inner) process.kill(innerPid, 'SIGTERM');
        if (inner.length === 0) process.kill(pid, 'SIGKILL');
      } else {
        process.kill(pid, 'SIGTERM');
      }
      const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000))]);
      if (!killed) {
        process.kill(pid, 'SIGKILL');
        await exited;
      }
    }
    child.stderr?.destroy();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForBanner('127.0.0.1', options.port, child, 5000, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }

  const keygen = spawnSync('ssh-keygen', ['-lf', `${hostKeyPath}.pub`], { encoding: 'utf8' });
  const bySshKeygen = keygen.status === 0 ? (/(SHA256:[A-Za-z0-9+/]+)/.exec(keygen.stdout)?.[1] ?? null) : null;

  return {
    host: '127.0.0.1',
    port: options.port,
    user,
    hostKeyFingerprint: fingerprintOfPublicKeyLine(hostKey.publicKey),
    hostKeyFingerprintBySshKeygen: bySshKeygen,
    dir,
    stateFile,
    dmesgFile,
    pid,
    log: () => stderr,
    stop,
  };
}

function readChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
