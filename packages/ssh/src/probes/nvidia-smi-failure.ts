import { firstLine } from './probe-output-error.js';

/**
 * Why nvidia-smi gave no usable answer, decided from its exit status — not from its text, because it
 * prints its failures on stdout, where upstream's "any letter on the first line" test read
 * "Failed to initialize NVML…" as a GPU name (infra.md, "two findings").
 */
export type NvidiaSmiFailureKind =
  /** exit 9 (driver not loaded) or 12 (NVML library missing): no usable driver yet, e.g. DKMS still building. */
  | 'no_driver'
  /** exit 18: kernel module and user-space library versions differ (a driver upgrade without reboot). */
  | 'driver_mismatch'
  /** exit 6: the driver answers but lists no GPU. */
  | 'no_devices'
  /** exit 15: a GPU has fallen off the bus. */
  | 'gpu_lost'
  /** exit 127: no nvidia-smi on the PATH. */
  | 'not_installed'
  /** exit 0, but the output is not what the query asks for. */
  | 'unparseable'
  /** any other status, or killed by a signal. */
  | 'failed';

export interface NvidiaSmiFailure {
  readonly kind: NvidiaSmiFailureKind;
  readonly exitCode: number | null;
  /** First line of what nvidia-smi printed (stdout first, then stderr). */
  readonly message: string;
}

const BY_EXIT_CODE: Readonly<Record<number, NvidiaSmiFailureKind>> = {
  6: 'no_devices',
  9: 'no_driver',
  12: 'no_driver',
  15: 'gpu_lost',
  18: 'driver_mismatch',
  127: 'not_installed',
};

export function nvidiaSmiFailure(exitCode: number | null, stdout: string, stderr: string): NvidiaSmiFailure {
  const kind = exitCode === null ? 'failed' : (BY_EXIT_CODE[exitCode] ?? (exitCode === 0 ? 'unparseable' : 'failed'));
  return { kind, exitCode, message: firstLine(stdout) || firstLine(stderr) };
}

export function describeNvidiaSmiFailure(failure: NvidiaSmiFailure): string {
  const status = failure.exitCode === null ? 'killed' : `exit ${failure.exitCode}`;
  const labels: Record<NvidiaSmiFailureKind, string> = {
    no_driver: 'NVIDIA driver not loaded',
    driver_mismatch: 'driver/library version mismatch',
    no_devices: 'no GPU found',
    gpu_lost: 'GPU fell off the bus',
    not_installed: 'nvidia-smi not installed',
    unparseable: 'unexpected output',
    failed: 'failed',
  };
  return `nvidia-smi ${status} (${labels[failure.kind]})${failure.message ? `: ${failure.message}` : ''}`;
}
