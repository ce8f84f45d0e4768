import { type Result } from '../errors/result.js';
import { type RemoteExecError, type RemoteTarget } from './remote-exec.js';

/** A per-session SSH key pair. The private key leaves the service once, in the create response. */
export interface SshKeyPair {
  /** OpenSSH authorized_keys line. */
  readonly publicKey: string;
  /** OpenSSH private key (PEM). */
  readonly privateKey: string;
}

/** Port: makes session key pairs (ed25519, validated). Implemented with ssh2 in @gpu-shopper/ssh. */
export interface SshKeyGenerator {
  generate(): Promise<SshKeyPair>;
}

/**
 * Port: symmetric encryption for secrets the service must keep for a while (the private key during
 * the idempotency window, so a retried create can hand the same key back). Never a hash: it must be
 * reversible, and never plaintext at rest (invariant 12).
 */
export interface SecretCipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

/** Why a node is not ready yet, or what went wrong reaching it. */
export interface NodeReadiness {
  readonly ready: boolean;
  /** Human-readable: "dpkg lock held", "nvidia-smi exit 18", "connection refused"… */
  readonly reason: string;
  readonly hostKeyFingerprint: string | null;
}

/**
 * Port: "can the consumer use this node now?" — SSH with the session key works, no package manager
 * holds the dpkg lock, and the GPU driver answers. Implemented over RemoteExec by @gpu-shopper/ssh.
 * An `Err` is a failure to reach the node (with its kind: refused/timeout/handshake are expected
 * while sshd starts; auth is not); `Ok({ ready: false })` is a reachable node that is still busy.
 */
export interface NodeReadinessProbe {
  check(target: RemoteTarget, signal?: AbortSignal): Promise<Result<NodeReadiness, RemoteExecError>>;
}

/** What the GPUs are doing right now (for the idle timeout). */
export interface GpuActivity {
  /** True when any GPU is above the busy threshold, or a GPU process runs. */
  readonly busy: boolean;
  readonly maxUtilizationPercent: number | null;
}

/** Port: samples GPU activity over SSH (nvidia-smi), implemented by @gpu-shopper/ssh. */
export interface GpuActivitySampler {
  sample(target: RemoteTarget, signal?: AbortSignal): Promise<Result<GpuActivity, RemoteExecError>>;
}
