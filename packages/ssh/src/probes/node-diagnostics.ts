import { Ok, type RemoteExec, type RemoteExecError, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { probeCudaVersion } from './cuda-version.js';
import { probeDisk, type MountUsage } from './disk.js';
import { probeGpuStatus, type GpuStatus } from './gpu-status.js';
import { describeNvidiaSmiFailure } from './nvidia-smi-failure.js';
import { probeOom } from './oom.js';
import { type ProbeOptions } from './probe-output-error.js';
import { checkNodeReadiness, describeReadinessBlocker } from './readiness.js';
import { probeEcho } from './ssh-echo.js';

/** Everything an operator wants to know about a node in one look, each part independent of the others. */
export interface NodeDiagnostics {
  readonly hostKeyFingerprint: string | null;
  readonly gpus: readonly GpuStatus[];
  /** Why `gpus` is empty when the driver did not answer; null when it did. */
  readonly gpuError: string | null;
  readonly driverVersion: string | null;
  readonly cudaVersion: string | null;
  /** The root mount (or the mount with the most free space when `/` is not listed). */
  readonly disk: MountUsage | null;
  /** Processes the kernel OOM-killed; null when the kernel log is not readable. */
  readonly oomKills: number | null;
  readonly ready: boolean;
  /** Every readiness blocker in words; null when ready. */
  readonly notReadyReason: string | null;
}

export interface NodeDiagnosticsOptions extends ProbeOptions {
  /** Readiness lock files (tests point them at a harmless file). */
  readonly lockFiles?: readonly string[];
}

function mainMount(mounts: readonly MountUsage[]): MountUsage | null {
  const root = mounts.find((m) => m.mountPoint === '/');
  if (root) return root;
  return mounts.reduce<MountUsage | null>((best, m) => (best === null || m.availableGib > best.availableGib ? m : best), null);
}

/**
 * Runs every probe against one node: `Err` only when the node cannot be reached at all (the echo
 * probe fails); once reachable, a probe that fails reports its reason in its own field and the rest
 * still run — a broken driver must not hide a full disk.
 */
export async function diagnoseNode(remote: RemoteExec, target: RemoteTarget, options: NodeDiagnosticsOptions = {}): Promise<Result<NodeDiagnostics, RemoteExecError>> {
  const echo = await probeEcho(remote, target, options);
  if (!echo.ok) return echo;
  const [gpu, cuda, disk, oom, readiness] = await Promise.all([
    probeGpuStatus(remote, target, options),
    probeCudaVersion(remote, target, options),
    probeDisk(remote, target, options),
    probeOom(remote, target, options),
    checkNodeReadiness(remote, target, options),
  ]);
  const gpuOk = gpu.ok && gpu.val.status === 'ok' ? gpu.val.gpus : null;
  const gpuError = gpu.ok ? (gpu.val.status === 'failed' ? describeNvidiaSmiFailure(gpu.val.failure) : null) : gpu.err.message;
  const versions = cuda.ok && cuda.val.status === 'ok' ? cuda.val.versions : null;
  const readyCheck = readiness.ok ? readiness.val : null;
  return Ok({
    hostKeyFingerprint: echo.val.hostKeyFingerprint,
    gpus: gpuOk ?? [],
    gpuError,
    driverVersion: versions?.driverVersion ?? null,
    cudaVersion: versions?.cudaVersion ?? null,
    disk: disk.ok && disk.val.status === 'ok' ? mainMount(disk.val.disk.mounts) : null,
    oomKills: oom.ok && oom.val.status === 'ok' ? oom.val.report.events.filter((e) => /killed process/i.test(e)).length : null,
    ready: readyCheck?.ready ?? false,
    notReadyReason: readyCheck ? (readyCheck.ready ? null : readyCheck.blockers.map(describeReadinessBlocker).join('; ')) : readiness.ok ? null : `readiness check failed: ${readiness.err.message}`,
  });
}
