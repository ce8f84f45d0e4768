import { Err, Ok, RemoteExecError, type GpuActivity, type GpuActivitySampler, type RemoteExec, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { probeGpuStatus } from './gpu-status.js';
import { describeNvidiaSmiFailure, nvidiaSmiFailure } from './nvidia-smi-failure.js';
import { execOptions, type ProbeOptions } from './probe-output-error.js';

export const GPU_APPS_COMMAND = 'nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits';

export interface GpuProcess {
  readonly pid: number;
  readonly processName: string;
  readonly usedMemoryMib: number | null;
}

/** Parses `GPU_APPS_COMMAND` output; lines that do not start with a pid are skipped. */
export function parseComputeApps(output: string): GpuProcess[] {
  const apps: GpuProcess[] = [];
  for (const line of output.split('\n')) {
    const [pid = '', processName = '', used = ''] = line.split(',').map((f) => f.trim());
    if (!/^\d+$/.test(pid)) continue;
    apps.push({ pid: Number(pid), processName, usedMemoryMib: /^\d+$/.test(used) ? Number(used) : null });
  }
  return apps;
}

export interface NvidiaSmiActivitySamplerOptions extends Pick<ProbeOptions, 'timeoutMs'> {
  /** A GPU at or above this utilization counts as busy. @default 10 */
  readonly busyUtilizationPercent?: number;
}

/**
 * core's `GpuActivitySampler` port (the idle timeout): busy when any GPU's utilization reaches the
 * threshold or any compute process holds a GPU. A node where nvidia-smi fails gives `Err` (kind
 * `unknown`): the lifecycle never reads a failed sample as idleness.
 */
export class NvidiaSmiActivitySampler implements GpuActivitySampler {
  constructor(
    private readonly remote: RemoteExec,
    private readonly options: NvidiaSmiActivitySamplerOptions = {},
  ) {}

  async sample(target: RemoteTarget, signal?: AbortSignal): Promise<Result<GpuActivity, RemoteExecError>> {
    const probeOptions = { ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}), ...(signal ? { signal } : {}) };
    const status = await probeGpuStatus(this.remote, target, probeOptions);
    if (!status.ok) return status;
    if (status.val.status === 'failed') return Err(new RemoteExecError('unknown', target, describeNvidiaSmiFailure(status.val.failure)));
    const utilizations = status.val.gpus.map((g) => g.utilizationPercent).filter((u): u is number => u !== null);
    const maxUtilizationPercent = utilizations.length ? Math.max(...utilizations) : null;

    const apps = await this.remote.exec(target, GPU_APPS_COMMAND, execOptions(probeOptions));
    if (!apps.ok) return apps;
    if (apps.val.exitCode !== 0) {
      return Err(new RemoteExecError('unknown', target, describeNvidiaSmiFailure(nvidiaSmiFailure(apps.val.exitCode, apps.val.stdout, apps.val.stderr))));
    }
    const busyAt = this.options.busyUtilizationPercent ?? 10;
    const busy = (maxUtilizationPercent !== null && maxUtilizationPercent >= busyAt) || parseComputeApps(apps.val.stdout).length > 0;
    return Ok({ busy, maxUtilizationPercent });
  }
}
