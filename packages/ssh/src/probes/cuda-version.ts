import { Err, Ok, type RemoteExec, type RemoteExecError, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { nvidiaSmiFailure, type NvidiaSmiFailure } from './nvidia-smi-failure.js';
import { ProbeOutputError, execOptions, firstLine, type ProbeOptions } from './probe-output-error.js';

/** The plain banner: its header carries the driver version and the highest CUDA version it supports. */
export const NVIDIA_SMI_BANNER_COMMAND = 'nvidia-smi';

export interface CudaDriverVersions {
  /** As printed: `12.4`. */
  readonly cudaVersion: string;
  readonly cudaMajor: number;
  readonly cudaMinor: number;
  /** `550.127.05`, or null when the output carries only the CUDA version. */
  readonly driverVersion: string | null;
}

const CUDA_IN_BANNER = /CUDA Version:\s*(\d+)\.(\d+)/;
const BARE_VERSION = /^(\d+)\.(\d+)$/;
const DRIVER_IN_BANNER = /Driver Version:\s*([\d.]+)/;

/**
 * Reads the CUDA and driver versions from nvidia-smi's banner (`CUDA Version: 12.4` anywhere), or
 * from output that is exactly `<major>.<minor>`. Anything else — an NVML error, a `-L` listing — is
 * an error, never a guess.
 */
export function parseNvidiaSmiBanner(output: string): Result<CudaDriverVersions, ProbeOutputError> {
  const trimmed = output.trim();
  if (trimmed === '') return Err(new ProbeOutputError('nvidia-smi', 'empty output: no CUDA version'));
  const match = CUDA_IN_BANNER.exec(trimmed) ?? BARE_VERSION.exec(trimmed);
  if (!match?.[1] || !match[2]) return Err(new ProbeOutputError('nvidia-smi', `could not parse CUDA version from output: ${firstLine(trimmed)}`));
  return Ok({
    cudaVersion: `${match[1]}.${match[2]}`,
    cudaMajor: Number(match[1]),
    cudaMinor: Number(match[2]),
    driverVersion: DRIVER_IN_BANNER.exec(trimmed)?.[1] ?? null,
  });
}

/**
 * Compares as (major, minor) integers — upstream's `major + minor / 10` made 12.10 smaller than 12.9.
 * `required` is `"<major>.<minor>"` or `"<major>"`.
 */
export function cudaVersionAtLeast(versions: Pick<CudaDriverVersions, 'cudaMajor' | 'cudaMinor'>, required: string): boolean {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(required.trim());
  if (!match?.[1]) throw new RangeError(`not a CUDA version: '${required}'`);
  const major = Number(match[1]);
  const minor = Number(match[2] ?? '0');
  return versions.cudaMajor > major || (versions.cudaMajor === major && versions.cudaMinor >= minor);
}

export type CudaProbeResult = { readonly status: 'ok'; readonly versions: CudaDriverVersions } | { readonly status: 'failed'; readonly failure: NvidiaSmiFailure };

export async function probeCudaVersion(remote: RemoteExec, target: RemoteTarget, options?: ProbeOptions): Promise<Result<CudaProbeResult, RemoteExecError>> {
  const result = await remote.exec(target, NVIDIA_SMI_BANNER_COMMAND, execOptions(options));
  if (!result.ok) return result;
  const { exitCode, stdout, stderr } = result.val;
  if (exitCode !== 0) return Ok({ status: 'failed', failure: nvidiaSmiFailure(exitCode, stdout, stderr) });
  const parsed = parseNvidiaSmiBanner(stdout);
  if (!parsed.ok) return Ok({ status: 'failed', failure: { kind: 'unparseable', exitCode, message: parsed.err.message } });
  return Ok({ status: 'ok', versions: parsed.val });
}
