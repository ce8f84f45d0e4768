/**
 * @gpu-shopper/ssh — SSH access to GPU nodes: core's `RemoteExec` port over node-ssh/ssh2 (exec,
 * SFTP upload with SHA-256 check and atomic rename, download, host-key pinning, honest failure
 * kinds), per-session ed25519 key pairs, and the node probes (SSH echo, GPU status, CUDA/driver,
 * disk, OOM, readiness) with their pure parsers. Imports @gpu-shopper/core and its own libraries only.
 */
export {
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_MAX_OUTPUT_BYTES,
  NodeSshRemoteExec,
  type NodeSshRemoteExecOptions,
} from './remote-exec/node-ssh-remote-exec.js';
export { classifyConnectError, type ClassifiedFailure, type ConnectFailureFacts } from './remote-exec/classify-ssh-error.js';
export { remotePathProblem, temporaryUploadPath } from './remote-exec/remote-path.js';
export { shellQuote } from './shell/shell-quote.js';

export { fingerprintOfPublicKeyLine, normalizeFingerprint, sameFingerprint, sshFingerprint } from './keys/host-key.js';
export {
  Ed25519SessionKeyGenerator,
  generateSessionKeyPair,
  isConsistentKeyPair,
  isUsableKeyPair,
  type GenerateSessionKeyPairOptions,
  type SessionKeyPair,
} from './keys/session-key-pair.js';

export { DEFAULT_PROBE_TIMEOUT_MS, ProbeOutputError, type ProbeOptions } from './probes/probe-output-error.js';
export { describeNvidiaSmiFailure, nvidiaSmiFailure, type NvidiaSmiFailure, type NvidiaSmiFailureKind } from './probes/nvidia-smi-failure.js';
export { ECHO_COMMAND, probeEcho, type EchoProbeResult } from './probes/ssh-echo.js';
export {
  GPU_HOT_TEMPERATURE_C,
  GPU_QUERY_FIELDS,
  GPU_STATUS_COMMAND,
  describeGpu,
  gpuIsHealthy,
  parseGpuStatusCsv,
  probeGpuStatus,
  type GpuProbeResult,
  type GpuStatus,
} from './probes/gpu-status.js';
export {
  NVIDIA_SMI_BANNER_COMMAND,
  cudaVersionAtLeast,
  parseNvidiaSmiBanner,
  probeCudaVersion,
  type CudaDriverVersions,
  type CudaProbeResult,
} from './probes/cuda-version.js';
export {
  DEFAULT_DISK_LOW_PERCENT,
  DISK_COMMAND,
  describeDisk,
  parseDfOutput,
  probeDisk,
  type DiskProbeResult,
  type DiskStatus,
  type MountUsage,
  type ParseDfOptions,
} from './probes/disk.js';
export { OOM_COMMAND, OOM_UNAVAILABLE_EXIT_CODE, describeOom, parseDmesgOom, probeOom, type OomProbeResult, type OomReport } from './probes/oom.js';
export {
  DPKG_LOCK_FILES,
  READINESS_GPU_COMMAND,
  SshNodeReadinessProbe,
  checkNodeReadiness,
  describeReadinessBlocker,
  packageLockCommand,
  parseReadinessGpuList,
  probeStableReadiness,
  type ReadinessBlocker,
  type ReadinessCheck,
  type ReadinessOptions,
  type ReadyGpu,
  type SshNodeReadinessProbeOptions,
  type StableReadiness,
  type StableReadinessOptions,
} from './probes/readiness.js';
export {
  GPU_APPS_COMMAND,
  NvidiaSmiActivitySampler,
  parseComputeApps,
  type GpuProcess,
  type NvidiaSmiActivitySamplerOptions,
} from './probes/gpu-activity.js';
export { diagnoseNode, type NodeDiagnostics, type NodeDiagnosticsOptions } from './probes/node-diagnostics.js';
