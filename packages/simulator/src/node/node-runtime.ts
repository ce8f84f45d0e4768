import { type MemoryFs } from './memory-fs.js';
import { type NvidiaSmiState } from './nvidia-smi.js';

/** What a node is and what runs on it, as the programs of its shell see it. */
export interface Mount {
  readonly filesystem: string;
  readonly type: string;
  readonly sizeKiB: number;
  readonly usedKiB: number;
  readonly target: string;
}

export interface NodeProcess {
  readonly pid: number;
  readonly user: string;
  readonly name: string;
  readonly command: string;
}

/** The live facts programs read from the node; calls that consult a fault consume one fire. */
export interface NodeRuntime {
  readonly hostname: string;
  readonly kernelRelease: string;
  readonly cpuCount: number;
  readonly fs: MemoryFs;
  /** When the node booted (dmesg and uptime count from here). */
  bootedAt(): Date;
  now(): Date;
  /** The loaded driver's version (does not consult faults). */
  driverVersion(): string;
  /** The GPU state for one nvidia-smi run; consumes an `nvidia_smi_fail` fire when one matches. */
  nvidiaState(): NvidiaSmiState;
  /** The process holding the dpkg lock (boot-time dist-upgrade or a fault), or null. */
  dpkgLockHolder(): NodeProcess | null;
  processes(): readonly NodeProcess[];
  /** Names of processes the OOM killer took (fault-driven), or null for a clean kernel log. */
  oomKills(): readonly string[] | null;
  mounts(): readonly Mount[];
  /** Users that exist on the node (login users plus root). */
  users(): readonly string[];
}
