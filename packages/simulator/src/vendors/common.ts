import { type FaultRegistry } from '../faults/fault-registry.js';
import { type FakeGpuNode, type FakeGpuNodeOptions } from '../node/fake-gpu-node.js';
import { type Mount } from '../node/programs.js';
import { type World } from '../state/world.js';

/** Lifecycle timings, all in milliseconds of real time. */
export interface Timings {
  /** Create → running (Vast, TensorDock) and launch → task COMPLETED (Blue Lobster). */
  readonly bootDelayMs: number;
  /** Vast: SSH-key attach → key usable; TensorDock: running → cloud-init has installed the key. */
  readonly keyPropagationMs: number;
  /** Blue Lobster: how long the boot-time dist-upgrade holds the dpkg lock after the VM is up. */
  readonly blueLobsterDpkgLockMs: number;
}

export type NodeSpec = Omit<FakeGpuNodeOptions, 'hostKey' | 'faults' | 'now' | 'rng'>;

export interface VendorDeps {
  readonly world: World;
  readonly faults: FaultRegistry;
  readonly timings: Timings;
  readonly startNode: (spec: NodeSpec) => Promise<FakeGpuNode>;
  /** Vast's result cap when `q` has no `limit` (live runs saw about 64). */
  readonly vastDefaultLimit: number;
  /** Vast: whether the create body's `ssh_key` is installed too (the live API does not do it reliably). */
  readonly vastInstallsCreateKey: boolean;
  readonly vastCreditUsd: number;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const KiB_PER_GB = 1024 * 1024;

/** `df` layout of a VM root disk (TensorDock, Blue Lobster) with Ubuntu's usual tmpfs mounts. */
export function vmMounts(rootGb: number, usedGb: number): Mount[] {
  return [
    { filesystem: 'tmpfs', type: 'tmpfs', sizeKiB: 3_284_112, usedKiB: 1_144, target: '/run' },
    { filesystem: '/dev/vda1', type: 'ext4', sizeKiB: Math.round((rootGb - 3) * KiB_PER_GB), usedKiB: Math.round(usedGb * KiB_PER_GB), target: '/' },
    { filesystem: 'tmpfs', type: 'tmpfs', sizeKiB: 16_420_548, usedKiB: 0, target: '/dev/shm' },
    { filesystem: 'tmpfs', type: 'tmpfs', sizeKiB: 5_120, usedKiB: 0, target: '/run/lock' },
    { filesystem: '/dev/vda15', type: 'vfat', sizeKiB: 106_858, usedKiB: 6_186, target: '/boot/efi' },
    { filesystem: 'tmpfs', type: 'tmpfs', sizeKiB: 3_284_108, usedKiB: 4, target: '/run/user/1000' },
  ];
}

/**
 * `df` inside a Vast container: the overlay root sized by the create call's `disk`, the host disk
 * bind-mounted for /etc/hosts, and a full /boot/efi (the false "low disk" of bench-ssh-ops §B.8).
 */
export function vastMounts(diskGb: number): Mount[] {
  return [
    { filesystem: 'overlay', type: 'overlay', sizeKiB: diskGb * KiB_PER_GB, usedKiB: Math.round(Math.min(diskGb * 0.6, 4.2) * KiB_PER_GB), target: '/' },
    { filesystem: 'tmpfs', type: 'tmpfs', sizeKiB: 65_536, usedKiB: 0, target: '/dev' },
    { filesystem: 'shm', type: 'tmpfs', sizeKiB: 65_536, usedKiB: 0, target: '/dev/shm' },
    { filesystem: '/dev/sda2', type: 'ext4', sizeKiB: 1_921_724_676, usedKiB: 1_106_382_112, target: '/etc/hosts' },
    { filesystem: '/dev/sda1', type: 'vfat', sizeKiB: 524_288, usedKiB: 524_288, target: '/boot/efi' },
  ];
}
