import {
  Err,
  Ok,
  abortableSleep,
  systemClock,
  type Clock,
  type NodeReadiness,
  type NodeReadinessProbe,
  type RemoteExec,
  type RemoteExecError,
  type RemoteTarget,
  type Result,
} from '@gpu-shopper/core';

import { shellQuote } from '../shell/shell-quote.js';
import { describeNvidiaSmiFailure, nvidiaSmiFailure, type NvidiaSmiFailure } from './nvidia-smi-failure.js';
import { ProbeOutputError, execOptions, firstLine, type ProbeOptions } from './probe-output-error.js';

/** apt holds lock-frontend for a whole operation, dpkg holds lock while it unpacks. */
export const DPKG_LOCK_FILES: readonly string[] = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock'];

export const READINESS_GPU_COMMAND = 'nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits';

/** Separates stat's lines from /proc/locks in the lock check's output. */
export const PROC_LOCKS_MARKER = '--- /proc/locks';

/**
 * The package-lock check, in the plainest shell there is (`;`, `2>/dev/null`, stat, echo, cat): it
 * prints each existing lock file's device and inode, then /proc/locks, and `findHeldLocks` matches
 * them. /proc/locks lists the fcntl (dpkg, apt) and flock locks of every process in the node's PID
 * namespace and is readable without root — upstream's `fuser` saw nothing as a non-root user and is
 * often not installed. Nothing is locked or opened, so the check cannot get in apt's way. Its exit
 * status is cat's: non-zero means /proc/locks could not be read.
 * Limitation: an overlayfs whose layers sit on different filesystems (without xino) reports other
 * inode numbers to stat than to /proc/locks; Docker's overlay2 keeps all layers on one filesystem.
 */
export function packageLockCommand(lockFiles: readonly string[] = DPKG_LOCK_FILES): string {
  return `stat -L -c '%d %i %n' -- ${lockFiles.map(shellQuote).join(' ')} 2>/dev/null; echo '${PROC_LOCKS_MARKER}'; cat /proc/locks`;
}

/** glibc's st_dev encoding → the `MAJOR:MINOR` pair /proc/locks prints (in hex). */
function deviceKey(stDev: bigint): string {
  const major = ((stDev >> 8n) & 0xfffn) | ((stDev >> 32n) & ~0xfffn);
  const minor = (stDev & 0xffn) | ((stDev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * Which of the stat-ed lock files appear in /proc/locks (`1: POSIX  ADVISORY  WRITE 1234 fd:01:402117 0 EOF`,
 * waiters as `1: -> POSIX …`). Matching is by device and inode, compared as numbers, so `fd:01` and
 * `253:1` are the same device. Missing files were not printed by stat and are never "held".
 */
export function findHeldLocks(output: string): Result<string[], ProbeOutputError> {
  const markerAt = output.indexOf(`${PROC_LOCKS_MARKER}\n`);
  if (markerAt < 0) return Err(new ProbeOutputError('lock check', 'no /proc/locks section in the output'));
  const lockedKeys = new Set<string>();
  for (const line of output.slice(markerAt + PROC_LOCKS_MARKER.length + 1).split('\n')) {
    const id = line.split(/\s+/).find((field) => /^[0-9a-f]+:[0-9a-f]+:\d+$/i.test(field));
    if (!id) continue;
    const [major = '', minor = '', inode = ''] = id.split(':');
    lockedKeys.add(`${parseInt(major, 16)}:${parseInt(minor, 16)}:${inode}`);
  }
  const held: string[] = [];
  for (const line of output.slice(0, markerAt).split('\n')) {
    const match = /^(\d+) (\d+) (.+)$/.exec(line);
    if (!match?.[1] || !match[2] || !match[3]) continue;
    if (lockedKeys.has(`${deviceKey(BigInt(match[1]))}:${match[2]}`)) held.push(match[3]);
  }
  return Ok(held);
}

export interface ReadyGpu {
  readonly name: string;
  readonly memoryTotalMib: number;
}

/**
 * A usable GPU answer: at least one line, each `name, <integer MiB>` — the stricter test of
 * upstream's benchmark script (a numeric memory.total), not "a letter on the first line".
 */
export function parseReadinessGpuList(output: string): Result<ReadyGpu[], ProbeOutputError> {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return Err(new ProbeOutputError('nvidia-smi', 'no GPU listed'));
  const gpus: ReadyGpu[] = [];
  for (const [index, line] of lines.entries()) {
    const match = /^(.*\S)\s*,\s*(\d+)$/.exec(line);
    if (!match?.[1] || !match[2]) return Err(new ProbeOutputError('nvidia-smi', `line ${index + 1} is not '<name>, <memory MiB>': ${firstLine(line)}`));
    gpus.push({ name: match[1], memoryTotalMib: Number(match[2]) });
  }
  return Ok(gpus);
}

export type ReadinessBlocker =
  | { readonly kind: 'package_lock_held'; readonly lockFiles: readonly string[] }
  | { readonly kind: 'lock_check_failed'; readonly exitCode: number | null; readonly message: string }
  | { readonly kind: 'gpu_not_ready'; readonly failure: NvidiaSmiFailure };

export function describeReadinessBlocker(blocker: ReadinessBlocker): string {
  switch (blocker.kind) {
    case 'package_lock_held':
      return `package manager lock held (${blocker.lockFiles.join(', ')})`;
    case 'lock_check_failed':
      return `could not check the package manager lock (exit ${blocker.exitCode ?? 'signal'}${blocker.message ? `: ${blocker.message}` : ''})`;
    case 'gpu_not_ready':
      return describeNvidiaSmiFailure(blocker.failure);
  }
}

export interface ReadinessCheck {
  readonly ready: boolean;
  /** Every reason the node is not ready (both checks always run); empty when ready. */
  readonly blockers: readonly ReadinessBlocker[];
  readonly gpus: readonly ReadyGpu[];
  readonly hostKeyFingerprint: string | null;
  readonly checkedAt: Date;
}

export interface ReadinessOptions extends ProbeOptions {
  /** @default DPKG_LOCK_FILES */
  readonly lockFiles?: readonly string[];
  /** Stamps `checkedAt`. @default systemClock */
  readonly clock?: Clock;
}

/**
 * One readiness check: no package manager lock held AND nvidia-smi exits 0 with a numeric answer.
 * `Err` means the node could not be reached (refused/timeout/handshake while sshd starts; auth and
 * host_key_mismatch are not worth retrying); `Ok({ ready: false })` is a reachable, busy node.
 */
export async function checkNodeReadiness(remote: RemoteExec, target: RemoteTarget, options: ReadinessOptions = {}): Promise<Result<ReadinessCheck, RemoteExecError>> {
  const blockers: ReadinessBlocker[] = [];
  const lock = await remote.exec(target, packageLockCommand(options.lockFiles), execOptions(options));
  if (!lock.ok) return lock;
  const { exitCode: lockExit, stdout: lockOut, stderr: lockErr } = lock.val;
  const held = lockExit === 0 ? findHeldLocks(lockOut) : null;
  if (held === null || !held.ok) {
    blockers.push({ kind: 'lock_check_failed', exitCode: lockExit, message: held?.ok === false ? held.err.message : firstLine(lockErr) || firstLine(lockOut) });
  } else if (held.val.length > 0) {
    blockers.push({ kind: 'package_lock_held', lockFiles: held.val });
  }

  // Pin the key seen by the first command for the second, so both talk to the same host.
  const pinned: RemoteTarget = { ...target, hostKeyFingerprint: target.hostKeyFingerprint ?? lock.val.hostKeyFingerprint };
  const gpu = await remote.exec(pinned, READINESS_GPU_COMMAND, execOptions(options));
  if (!gpu.ok) return gpu;
  let gpus: ReadyGpu[] = [];
  if (gpu.val.exitCode !== 0) {
    blockers.push({ kind: 'gpu_not_ready', failure: nvidiaSmiFailure(gpu.val.exitCode, gpu.val.stdout, gpu.val.stderr) });
  } else {
    const parsed = parseReadinessGpuList(gpu.val.stdout);
    if (parsed.ok) gpus = parsed.val;
    else blockers.push({ kind: 'gpu_not_ready', failure: { kind: 'unparseable', exitCode: 0, message: parsed.err.message } });
  }
  return Ok({
    ready: blockers.length === 0,
    blockers,
    gpus,
    hostKeyFingerprint: gpu.val.hostKeyFingerprint ?? lock.val.hostKeyFingerprint,
    checkedAt: (options.clock ?? systemClock).now(),
  });
}

export interface StableReadinessOptions extends ReadinessOptions {
  /** Pause between consecutive checks. */
  readonly intervalMs: number;
  /** Checks that must pass in a row. @default 2 */
  readonly consecutive?: number;
  /** How to wait `intervalMs` (inject a fake for tests). @default a timer, cut short by `signal` */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface StableReadiness {
  readonly ready: boolean;
  /** `ready`, or why not: the failing check's blockers, with its position ("check 2 of 2: …"). */
  readonly reason: string;
  /** The failing check's blockers (empty when ready). */
  readonly blockers: readonly ReadinessBlocker[];
  /** The checks run, in order; stops at the first that is not ready. */
  readonly checks: readonly ReadinessCheck[];
  readonly hostKeyFingerprint: string | null;
}

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  // An abort ends the wait early; the next check then fails fast as aborted.
  await abortableSleep(ms, signal).catch(() => undefined);
};

/**
 * Ready only after `consecutive` (default 2) checks in a row pass, `intervalMs` apart: sshd and the
 * driver can come up, then go away again while cloud-init upgrades packages or DKMS rebuilds.
 * Stops at the first check that is not ready and says why.
 */
export async function probeStableReadiness(remote: RemoteExec, target: RemoteTarget, options: StableReadinessOptions): Promise<Result<StableReadiness, RemoteExecError>> {
  const consecutive = options.consecutive ?? 2;
  const sleep = options.sleep ?? defaultSleep;
  const checks: ReadinessCheck[] = [];
  let pinned = target;
  for (let n = 1; n <= consecutive; n++) {
    if (n > 1) await sleep(options.intervalMs, options.signal);
    const check = await checkNodeReadiness(remote, pinned, options);
    if (!check.ok) return check;
    checks.push(check.val);
    pinned = { ...pinned, hostKeyFingerprint: pinned.hostKeyFingerprint ?? check.val.hostKeyFingerprint };
    if (!check.val.ready) {
      const why = check.val.blockers.map(describeReadinessBlocker).join('; ');
      return Ok({ ready: false, reason: `check ${n} of ${consecutive}: ${why}`, blockers: check.val.blockers, checks, hostKeyFingerprint: check.val.hostKeyFingerprint });
    }
  }
  return Ok({ ready: true, reason: 'ready', blockers: [], checks, hostKeyFingerprint: pinned.hostKeyFingerprint ?? null });
}

export interface SshNodeReadinessProbeOptions {
  /** Per command. @default 30000 */
  readonly timeoutMs?: number;
  readonly lockFiles?: readonly string[];
}

/**
 * core's `NodeReadinessProbe` port: one `checkNodeReadiness` per call. The provisioning saga counts
 * consecutive ready answers itself (`readinessConsecutive`, default 2) and paces them.
 */
export class SshNodeReadinessProbe implements NodeReadinessProbe {
  constructor(
    private readonly remote: RemoteExec,
    private readonly options: SshNodeReadinessProbeOptions = {},
  ) {}

  async check(target: RemoteTarget, signal?: AbortSignal): Promise<Result<NodeReadiness, RemoteExecError>> {
    const result = await checkNodeReadiness(this.remote, target, { ...this.options, ...(signal ? { signal } : {}) });
    if (!result.ok) return result;
    const { ready, blockers, hostKeyFingerprint } = result.val;
    return Ok({ ready, reason: ready ? 'ready' : blockers.map(describeReadinessBlocker).join('; '), hostKeyFingerprint });
  }
}
