import { Ok, type RemoteExec, type RemoteExecError, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { execOptions, firstLine, type ProbeOptions } from './probe-output-error.js';

/**
 * `-P` (POSIX format) keeps each filesystem on one line — without it GNU df wraps long device
 * names onto two lines, which no column parser survives. `-BG` reports sizes in GiB (rounded up).
 */
export const DISK_COMMAND = 'df -P -BG';

/** Above this use (strictly), a mount counts as low on space. */
export const DEFAULT_DISK_LOW_PERCENT = 90;

export interface MountUsage {
  readonly filesystem: string;
  readonly totalGib: number;
  readonly usedGib: number;
  readonly availableGib: number;
  readonly usePercent: number | null;
  readonly mountPoint: string;
}

export interface DiskStatus {
  readonly mounts: readonly MountUsage[];
  /** `/`'s free space if listed, else the largest free space of any mount; null with no mounts. */
  readonly availableGib: number | null;
  /** Mounts above the threshold, excluding boot and snap mounts (small and full by design). */
  readonly lowMounts: readonly string[];
  readonly low: boolean;
}

export interface ParseDfOptions {
  /** @default 90 */
  readonly lowPercent?: number;
}

/** Memory-backed and kernel pseudo filesystems: not where workloads write their data. */
const PSEUDO_FILESYSTEMS = new Set(['tmpfs', 'devtmpfs', 'none', 'udev', 'shm', 'efivarfs']);

/** `/boot/efi` sits at 100% on many healthy hosts (upstream's false "disk low"); snaps are read-only images. */
function countsForLowSpace(mountPoint: string): boolean {
  return !(mountPoint === '/boot' || mountPoint.startsWith('/boot/') || mountPoint.startsWith('/snap/'));
}

function size(field: string): number | undefined {
  if (field === '-') return 0;
  const match = /^(\d+(?:\.\d+)?)G?$/.exec(field);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Parses `df` output in GiB (`Filesystem 1G-blocks Used Available Use% Mounted on`). Header lines,
 * short lines and unparseable lines are skipped; the mount point is everything after the fifth
 * column, so mount points with spaces survive.
 */
export function parseDfOutput(output: string, options: ParseDfOptions = {}): DiskStatus {
  const lowPercent = options.lowPercent ?? DEFAULT_DISK_LOW_PERCENT;
  const mounts: MountUsage[] = [];
  for (const line of output.split('\n')) {
    const lower = line.toLowerCase();
    if (lower.includes('filesystem') && lower.includes('mounted on')) continue;
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const [filesystem = '', total = '', used = '', available = '', percent = ''] = fields;
    if (PSEUDO_FILESYSTEMS.has(filesystem)) continue;
    const totalGib = size(total);
    const usedGib = size(used);
    const availableGib = size(available);
    const pct = /^(\d+)%$/.exec(percent)?.[1];
    if (totalGib === undefined || usedGib === undefined || availableGib === undefined || (pct === undefined && percent !== '-')) continue;
    mounts.push({ filesystem, totalGib, usedGib, availableGib, usePercent: pct === undefined ? null : Number(pct), mountPoint: fields.slice(5).join(' ') });
  }
  const root = mounts.find((m) => m.mountPoint === '/');
  const availableGib = root ? root.availableGib : mounts.length ? Math.max(...mounts.map((m) => m.availableGib)) : null;
  const lowMounts = mounts.filter((m) => countsForLowSpace(m.mountPoint) && m.usePercent !== null && m.usePercent > lowPercent).map((m) => m.mountPoint);
  return { mounts, availableGib, lowMounts, low: lowMounts.length > 0 };
}

export function describeDisk(disk: DiskStatus): string {
  if (disk.mounts.length === 0) return 'no mounts';
  return disk.mounts.map((m) => `${m.filesystem}: ${m.usedGib}GiB/${m.totalGib}GiB (${m.usePercent ?? '?'}%) on ${m.mountPoint}`).join('; ');
}

export type DiskProbeResult =
  | { readonly status: 'ok'; readonly disk: DiskStatus }
  | { readonly status: 'failed'; readonly exitCode: number | null; readonly message: string };

/** df exits 1 when one filesystem is unreadable but still lists the rest: any parsed mount counts. */
export async function probeDisk(remote: RemoteExec, target: RemoteTarget, options?: ProbeOptions & ParseDfOptions): Promise<Result<DiskProbeResult, RemoteExecError>> {
  const result = await remote.exec(target, DISK_COMMAND, execOptions(options));
  if (!result.ok) return result;
  const disk = parseDfOutput(result.val.stdout, options);
  if (disk.mounts.length === 0 && result.val.exitCode !== 0) {
    return Ok({ status: 'failed', exitCode: result.val.exitCode, message: firstLine(result.val.stderr) || firstLine(result.val.stdout) });
  }
  return Ok({ status: 'ok', disk });
}
