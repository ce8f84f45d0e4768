import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Err, RemoteExecError, type ExecOptions, type RemoteTarget } from '@gpu-shopper/core';
import { FakeClock, FakeRemoteExec } from '@gpu-shopper/core/testing';

import { fixture } from '../test-support/fixtures.js';
import {
  DPKG_LOCK_FILES,
  READINESS_GPU_COMMAND,
  SshNodeReadinessProbe,
  checkNodeReadiness,
  PROC_LOCKS_MARKER,
  findHeldLocks,
  packageLockCommand,
  parseReadinessGpuList,
  probeStableReadiness,
} from './readiness.js';

const TARGET: RemoteTarget = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };
const LOCK = '/proc/locks';
const FD01 = 64769; // st_dev of device fd:01 (253:1)

/** What the lock check prints on a node with the dpkg locks on fd:01; `held` are locked by apt. */
function lockOutput(held: readonly string[] = []): string {
  const inode = (file: string): number => 402117 + DPKG_LOCK_FILES.indexOf(file);
  const stat = DPKG_LOCK_FILES.map((f) => `${FD01} ${inode(f)} ${f}`);
  const locks = [
    // Same inode as lock-frontend on another device: not ours.
    '1: FLOCK  ADVISORY  WRITE 77 08:01:402117 0 EOF',
    ...held.map((f, n) => `${n + 2}: POSIX  ADVISORY  WRITE ${2300 + n} fd:01:${inode(f)} 0 EOF`),
  ];
  return `${stat.join('\n')}\n${PROC_LOCKS_MARKER}\n${locks.join('\n')}\n`;
}
const GPUS = 'NVIDIA RTX A5000, 24564\nNVIDIA RTX A5000, 24564\n';

/** FakeRemoteExec that also records the targets (to check host-key pinning between commands). */
class RecordingRemote extends FakeRemoteExec {
  readonly targets: RemoteTarget[] = [];
  override exec(target: RemoteTarget, command: string, options: ExecOptions) {
    this.targets.push(target);
    return super.exec(target, command, options);
  }
}

/** A node whose answers to the lock check and nvidia-smi follow scripts (the last answer repeats). */
function node(lockAnswers: { exitCode: number; stdout?: string; stderr?: string }[], gpuAnswers: { exitCode: number; stdout?: string }[]): RecordingRemote {
  const next = <T>(list: T[]): T => {
    const head = list.length > 1 ? list.shift() : list[0];
    if (head === undefined) throw new Error('empty script');
    return head;
  };
  return new RecordingRemote()
    .on(LOCK, () => next(lockAnswers))
    .on(READINESS_GPU_COMMAND, () => next(gpuAnswers));
}

describe('checkNodeReadiness', () => {
  it('is ready when no lock is held and nvidia-smi exits 0 with numeric memory', async () => {
    const clock = new FakeClock('2026-02-07T14:00:00Z');
    const result = await checkNodeReadiness(node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: GPUS }]), TARGET, { clock });
    if (!result.ok) throw result.err;
    expect(result.val).toEqual({
      ready: true,
      blockers: [],
      gpus: [
        { name: 'NVIDIA RTX A5000', memoryTotalMib: 24564 },
        { name: 'NVIDIA RTX A5000', memoryTotalMib: 24564 },
      ],
      hostKeyFingerprint: 'SHA256:fake-node-1',
      checkedAt: new Date('2026-02-07T14:00:00Z'),
    });
  });

  it('is not ready while apt holds the dpkg lock, naming the lock', async () => {
    const result = await checkNodeReadiness(node([{ exitCode: 0, stdout: lockOutput(['/var/lib/dpkg/lock-frontend']) }], [{ exitCode: 0, stdout: GPUS }]), TARGET);
    expect(result.ok && result.val).toMatchObject({ ready: false, blockers: [{ kind: 'package_lock_held', lockFiles: ['/var/lib/dpkg/lock-frontend'] }] });
  });

  it('is not ready when the lock cannot be checked', async () => {
    const result = await checkNodeReadiness(node([{ exitCode: 1, stderr: 'cat: /proc/locks: No such file or directory\n' }], [{ exitCode: 0, stdout: GPUS }]), TARGET);
    expect(result.ok && result.val.blockers).toEqual([{ kind: 'lock_check_failed', exitCode: 1, message: 'cat: /proc/locks: No such file or directory' }]);
  });

  // infra.md finding 1: the upstream probe printed READY here because the error is on stdout.
  it.each([
    ['nvidia-smi/nvml-mismatch.txt', 18, 'driver_mismatch'],
    ['nvidia-smi/failed-no-driver.txt', 9, 'no_driver'],
    ['nvidia-smi/no-devices.txt', 6, 'no_devices'],
  ] as const)('is not ready when nvidia-smi prints %s and exits %i, even though stdout has letters', async (name, exitCode, kind) => {
    const result = await checkNodeReadiness(node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode, stdout: fixture(name) }]), TARGET);
    expect(result.ok && result.val).toMatchObject({ ready: false, blockers: [{ kind: 'gpu_not_ready', failure: { kind, exitCode } }] });
  });

  it('is not ready when nvidia-smi exits 0 without a numeric memory.total', async () => {
    const result = await checkNodeReadiness(node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: 'NVIDIA RTX A5000, [N/A]\n' }]), TARGET);
    expect(result.ok && result.val.blockers[0]).toMatchObject({ kind: 'gpu_not_ready', failure: { kind: 'unparseable', exitCode: 0 } });
  });

  it('reports every blocker at once', async () => {
    const result = await checkNodeReadiness(node([{ exitCode: 0, stdout: lockOutput(['/var/lib/dpkg/lock']) }], [{ exitCode: 9, stdout: fixture('nvidia-smi/failed-no-driver.txt') }]), TARGET);
    expect(result.ok && result.val.blockers.map((b) => b.kind)).toEqual(['package_lock_held', 'gpu_not_ready']);
  });

  it('returns the SSH failure itself (sshd still starting), not a "not ready"', async () => {
    const remote = new FakeRemoteExec().on(LOCK, new RemoteExecError('refused', TARGET, 'connection refused'));
    const result = await checkNodeReadiness(remote, TARGET);
    expect(!result.ok && result.err.kind).toBe('refused');
  });

  it('pins the host key seen by the first command for the second', async () => {
    const remote = node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: GPUS }]);
    await checkNodeReadiness(remote, TARGET);
    expect(remote.targets.map((t) => t.hostKeyFingerprint)).toEqual([undefined, 'SHA256:fake-node-1']);
  });
});

describe('parseReadinessGpuList', () => {
  it.each(['', 'Failed to initialize NVML: Driver/library version mismatch', 'NVIDIA RTX A5000', 'NVIDIA RTX A5000, 24564 MiB'])('rejects %j', (output) => {
    expect(parseReadinessGpuList(output).ok).toBe(false);
  });
});

describe('probeStableReadiness (twice in a row)', () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };
  beforeEach(() => {
    sleeps.length = 0;
  });

  it('is ready after two passing checks, intervalMs apart', async () => {
    const result = await probeStableReadiness(node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: GPUS }]), TARGET, { intervalMs: 5000, sleep });
    expect(result.ok && result.val).toMatchObject({ ready: true, reason: 'ready', blockers: [], hostKeyFingerprint: 'SHA256:fake-node-1' });
    expect(result.ok && result.val.checks).toHaveLength(2);
    expect(sleeps).toEqual([5000]);
  });

  it('is not ready when the driver breaks between the two checks, saying which check failed and why', async () => {
    const remote = node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: GPUS }, { exitCode: 18, stdout: fixture('nvidia-smi/nvml-mismatch.txt') }]);
    const result = await probeStableReadiness(remote, TARGET, { intervalMs: 5000, sleep });
    expect(result.ok && result.val).toMatchObject({
      ready: false,
      reason: 'check 2 of 2: nvidia-smi exit 18 (driver/library version mismatch): Failed to initialize NVML: Driver/library version mismatch',
      blockers: [{ kind: 'gpu_not_ready' }],
    });
  });

  it('stops at the first failing check without waiting', async () => {
    const remote = node([{ exitCode: 0, stdout: lockOutput(['/var/lib/dpkg/lock-frontend']) }], [{ exitCode: 0, stdout: GPUS }]);
    const result = await probeStableReadiness(remote, TARGET, { intervalMs: 5000, sleep });
    expect(result.ok && result.val.reason).toBe('check 1 of 2: package manager lock held (/var/lib/dpkg/lock-frontend)');
    expect(result.ok && result.val.checks).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('honours a different count', async () => {
    const result = await probeStableReadiness(node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: GPUS }]), TARGET, { intervalMs: 10, consecutive: 3, sleep });
    expect(result.ok && result.val.checks).toHaveLength(3);
    expect(sleeps).toEqual([10, 10]);
  });

  it('waits with a real timer by default', async () => {
    const started = Date.now();
    const result = await probeStableReadiness(node([{ exitCode: 0, stdout: lockOutput() }], [{ exitCode: 0, stdout: GPUS }]), TARGET, { intervalMs: 50 });
    expect(result.ok && result.val.ready).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('SshNodeReadinessProbe (core NodeReadinessProbe port)', () => {
  it('answers one check with a human reason', async () => {
    const probe = new SshNodeReadinessProbe(node([{ exitCode: 0, stdout: lockOutput(['/var/lib/dpkg/lock-frontend']) }], [{ exitCode: 9, stdout: fixture('nvidia-smi/failed-no-driver.txt') }]));
    const result = await probe.check(TARGET);
    expect(result.ok && result.val).toEqual({
      ready: false,
      reason:
        "package manager lock held (/var/lib/dpkg/lock-frontend); nvidia-smi exit 9 (NVIDIA driver not loaded): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      hostKeyFingerprint: 'SHA256:fake-node-1',
    });
  });

  it('passes SSH failures through as Err with their kind', async () => {
    const remote = new FakeRemoteExec().on(LOCK, () => new RemoteExecError('auth', TARGET, 'rejected'));
    const result = await new SshNodeReadinessProbe(remote).check(TARGET);
    expect(result).toEqual(Err(expect.objectContaining({ kind: 'auth' })));
  });
});

describe('packageLockCommand on this machine (real /proc/locks, no SSH)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpushop-lock-'));
    await writeFile(join(dir, 'lock-frontend'), '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (shell: string, files: string[]) => {
    const out = spawnSync(shell, ['-c', packageLockCommand(files)], { encoding: 'utf8' });
    const held = findHeldLocks(out.stdout);
    return { status: out.status, held: held.ok ? held.val : held.err.message };
  };

  it('defaults to the dpkg locks', () => {
    expect(DPKG_LOCK_FILES).toEqual(['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock']);
    expect(packageLockCommand()).toBe(`stat -L -c '%d %i %n' -- '/var/lib/dpkg/lock-frontend' '/var/lib/dpkg/lock' 2>/dev/null; echo '--- /proc/locks'; cat /proc/locks`);
  });

  it('finds nothing held when nothing holds the lock (missing files are not locks)', () => {
    expect(run('sh', [join(dir, 'lock-frontend'), join(dir, 'missing')])).toEqual({ status: 0, held: [] });
  });

  it('names the file while another process holds it, in sh and bash', async () => {
    const lockFile = join(dir, 'lock-frontend');
    // Own process group: `sleep` inherits the locked descriptor, so the whole group must go.
    const holder = spawn('flock', [lockFile, 'sleep', '30'], { stdio: 'ignore', detached: true });
    try {
      await waitUntil(() => run('sh', [lockFile]).held.length === 1);
      for (const shell of ['sh', 'bash']) {
        expect(run(shell, [lockFile, join(dir, 'missing')])).toEqual({ status: 0, held: [lockFile] });
      }
    } finally {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      process.kill(-(holder.pid ?? 0), 'SIGKILL');
      await exited;
    }
    await waitUntil(() => run('sh', [lockFile]).held.length === 0);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('findHeldLocks', () => {
  it('matches device and inode as numbers, ignoring the same inode on another device', () => {
    expect(findHeldLocks(lockOutput(['/var/lib/dpkg/lock']))).toEqual({ ok: true, val: ['/var/lib/dpkg/lock'] });
    expect(findHeldLocks(lockOutput())).toEqual({ ok: true, val: [] });
  });

  it('counts waiters (`->`) and large device numbers', () => {
    // st_dev 0x10301 is major 0x103 = 259, minor 1 (an NVMe partition: 103:01 in /proc/locks).
    const out = `${0x10301} 99 /var/lib/dpkg/lock-frontend\n${PROC_LOCKS_MARKER}\n1: -> POSIX  ADVISORY  WRITE 12 103:01:99 0 EOF\n`;
    expect(findHeldLocks(out)).toEqual({ ok: true, val: ['/var/lib/dpkg/lock-frontend'] });
  });

  it('is an error, not "free", when the /proc/locks section is missing', () => {
    const result = findHeldLocks('64769 402117 /var/lib/dpkg/lock\n');
    expect(!result.ok && result.err.message).toMatch(/no \/proc\/locks section/);
  });
});
