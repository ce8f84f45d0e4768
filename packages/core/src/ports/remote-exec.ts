import { BaseError } from '../errors/base-error.js';
import { type Result } from '../errors/result.js';

export interface RemoteTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The session's private key, kept in memory only. */
  readonly privateKey: string;
  /** Pinned on first contact; a different key afterwards is refused. */
  readonly hostKeyFingerprint?: string | null;
}

export interface ExecOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** SHA-256 fingerprint of the host key seen, so the caller can pin it. */
  readonly hostKeyFingerprint: string | null;
}

/**
 * Why a remote call failed. `refused`, `timeout` and `handshake` happen while sshd is still starting
 * and are worth retrying; `auth` (key rejected) and `host_key_mismatch` are not.
 */
export const REMOTE_FAILURE_KINDS = ['refused', 'timeout', 'handshake', 'auth', 'host_key_mismatch', 'transfer', 'unknown'] as const;
export type RemoteFailureKind = (typeof REMOTE_FAILURE_KINDS)[number];

export class RemoteExecError extends BaseError<{ kind: RemoteFailureKind; host: string; port: number }> {
  readonly code = 'REMOTE_EXEC_FAILED' as const;
  readonly retryable: boolean;

  constructor(kind: RemoteFailureKind, target: Pick<RemoteTarget, 'host' | 'port'>, message: string, cause?: unknown) {
    super(`${target.host}:${target.port}: ${message}`, { context: { kind, host: target.host, port: target.port }, cause });
    this.retryable = kind === 'refused' || kind === 'timeout' || kind === 'handshake';
  }

  get kind(): RemoteFailureKind {
    return this.context.kind;
  }
}

/** Port: commands and file transfer on a GPU node. Implemented over SSH; faked in tests. */
export interface RemoteExec {
  exec(target: RemoteTarget, command: string, options: ExecOptions): Promise<Result<ExecResult, RemoteExecError>>;
  /** Writes to a temporary name, checks SHA-256, then renames into place. */
  upload(target: RemoteTarget, content: Uint8Array, remotePath: string, options: ExecOptions): Promise<Result<void, RemoteExecError>>;
  download(target: RemoteTarget, remotePath: string, options: ExecOptions): Promise<Result<Uint8Array, RemoteExecError>>;
}
