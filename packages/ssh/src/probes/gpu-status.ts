import { Err, Ok, type RemoteExec, type RemoteExecError, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { nvidiaSmiFailure, type NvidiaSmiFailure } from './nvidia-smi-failure.js';
import { ProbeOutputError, execOptions, type ProbeOptions } from './probe-output-error.js';

/** The query fields, in output order. */
export const GPU_QUERY_FIELDS = ['name', 'memory.used', 'memory.total', 'utilization.gpu', 'temperature.gpu', 'power.draw'] as const;

export const GPU_STATUS_COMMAND = `nvidia-smi --query-gpu=${GPU_QUERY_FIELDS.join(',')} --format=csv,noheader,nounits`;

/** A GPU runs hot at or above this temperature (°C). */
export const GPU_HOT_TEMPERATURE_C = 90;

export interface GpuStatus {
  /** Position in nvidia-smi's output (its GPU index order). */
  readonly index: number;
  readonly name: string;
  /** `null` where nvidia-smi reports no value (`[N/A]`, `[Not Supported]`…), never a made-up 0. */
  readonly memoryUsedMib: number | null;
  readonly memoryTotalMib: number | null;
  readonly utilizationPercent: number | null;
  readonly temperatureC: number | null;
  readonly powerDrawW: number | null;
  /** used / total × 100; null when either is unknown or total is 0. */
  readonly memoryUsedPercent: number | null;
  /** Below 90 °C and memory not full; unknown values do not count against it. */
  readonly healthy: boolean;
}

/** `N/A`, empty, and nvidia-smi's bracketed markers (`[N/A]`, `[Not Supported]`, `[Unknown Error]`…). */
function isNoValue(field: string): boolean {
  return field === '' || field === 'N/A' || /^\[[^\]]*\]$/.test(field);
}

function parseNumber(field: string, label: string, lineIndex: number): number | null {
  if (isNoValue(field)) return null;
  if (!/^-?\d+(\.\d+)?$/.test(field)) throw new ProbeOutputError('nvidia-smi', `line ${lineIndex + 1}: ${label} is not a number: '${field}'`);
  return Number(field);
}

export function gpuIsHealthy(gpu: Pick<GpuStatus, 'temperatureC' | 'memoryUsedMib' | 'memoryTotalMib'>): boolean {
  const cool = gpu.temperatureC === null || gpu.temperatureC < GPU_HOT_TEMPERATURE_C;
  const memoryLeft = gpu.memoryUsedMib === null || gpu.memoryTotalMib === null || gpu.memoryUsedMib < gpu.memoryTotalMib;
  return cool && memoryLeft;
}

/**
 * Parses `GPU_STATUS_COMMAND` output: one line per GPU, `name, used, total, util, temp, power`.
 * Every non-empty line must parse (a half-understood multi-GPU node is not reported as healthy).
 * Unlike upstream, `[Not Supported]` is tolerated (as null, like `[N/A]`) and power keeps its decimals.
 */
export function parseGpuStatusCsv(output: string): Result<GpuStatus[], ProbeOutputError> {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return Err(new ProbeOutputError('nvidia-smi', 'empty nvidia-smi output'));
  try {
    return Ok(
      lines.map((line, index) => {
        const fields = line.split(',').map((f) => f.trim());
        if (fields.length < GPU_QUERY_FIELDS.length) {
          throw new ProbeOutputError('nvidia-smi', `line ${index + 1}: expected ${GPU_QUERY_FIELDS.length} fields, got ${fields.length}`);
        }
        const [name = '', used = '', total = '', util = '', temp = '', power = ''] = fields;
        if (isNoValue(name)) throw new ProbeOutputError('nvidia-smi', `line ${index + 1}: empty GPU name`);
        const memoryUsedMib = parseNumber(used, 'memory.used', index);
        const memoryTotalMib = parseNumber(total, 'memory.total', index);
        const gpu = {
          index,
          name,
          memoryUsedMib,
          memoryTotalMib,
          utilizationPercent: parseNumber(util, 'utilization.gpu', index),
          temperatureC: parseNumber(temp, 'temperature.gpu', index),
          powerDrawW: parseNumber(power, 'power.draw', index),
          memoryUsedPercent: memoryUsedMib !== null && memoryTotalMib ? (memoryUsedMib / memoryTotalMib) * 100 : null,
        };
        return { ...gpu, healthy: gpuIsHealthy(gpu) };
      }),
    );
  } catch (error) {
    if (error instanceof ProbeOutputError) return Err(error);
    throw error;
  }
}

export function describeGpu(gpu: GpuStatus): string {
  const n = (value: number | null, unit: string): string => (value === null ? 'n/a' : `${value}${unit}`);
  const pct = gpu.memoryUsedPercent === null ? 'n/a' : `${gpu.memoryUsedPercent.toFixed(1)}%`;
  return `${gpu.name}: ${n(gpu.memoryUsedMib, 'MiB')}/${n(gpu.memoryTotalMib, 'MiB')} (${pct}), ${n(gpu.utilizationPercent, '%')} util, ${n(gpu.temperatureC, 'C')}, ${n(gpu.powerDrawW, 'W')}`;
}

export type GpuProbeResult = { readonly status: 'ok'; readonly gpus: readonly GpuStatus[] } | { readonly status: 'failed'; readonly failure: NvidiaSmiFailure };

/**
 * Runs the GPU status query. `Err` only when the node cannot be reached; a node whose driver is
 * broken answers `Ok({ status: 'failed' })` with the reason from nvidia-smi's exit status.
 */
export async function probeGpuStatus(remote: RemoteExec, target: RemoteTarget, options?: ProbeOptions): Promise<Result<GpuProbeResult, RemoteExecError>> {
  const result = await remote.exec(target, GPU_STATUS_COMMAND, execOptions(options));
  if (!result.ok) return result;
  const { exitCode, stdout, stderr } = result.val;
  if (exitCode !== 0) return Ok({ status: 'failed', failure: nvidiaSmiFailure(exitCode, stdout, stderr) });
  const parsed = parseGpuStatusCsv(stdout);
  if (!parsed.ok) return Ok({ status: 'failed', failure: { kind: 'unparseable', exitCode, message: parsed.err.message } });
  return Ok({ status: 'ok', gpus: parsed.val });
}
