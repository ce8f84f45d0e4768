import { type RemoteFailureKind } from '@gpu-shopper/core';
import { SSHError } from 'node-ssh';

/** What the connection attempt itself observed, beyond the error object. */
export interface ConnectFailureFacts {
  /** Our host-key verifier rejected the key the server presented. */
  readonly hostKeyRejected: boolean;
}

export interface ClassifiedFailure {
  readonly kind: RemoteFailureKind;
  /** Short, secret-free description for the error message. */
  readonly detail: string;
}

/** SSH_MSG_DISCONNECT reason codes (RFC 4253 §11.1) that ssh2 reports as a numeric `code`. */
const DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE = 14;

/** Socket errno codes that mean "no route to an answering host yet" rather than a refusal. */
const UNREACHABLE_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EAI_AGAIN']);

interface ErrorFacts {
  readonly level: string | undefined;
  readonly code: string | number | undefined;
  readonly message: string;
}

function factsOf(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) return { level: undefined, code: undefined, message: String(error) };
  const record = error as Record<string, unknown>;
  const level = typeof record.level === 'string' ? record.level : undefined;
  const code = typeof record.code === 'string' || typeof record.code === 'number' ? record.code : undefined;
  const message = typeof record.message === 'string' ? record.message : '(no message)';
  return { level, code, message };
}

/**
 * Classifies a failure to establish an SSH session (TCP connect, handshake, authentication) from
 * structured facts only: ssh2's `level`, the errno `code`, the disconnect reason, and what our own
 * host-key verifier decided. Messages are carried along for humans but never matched, because
 * upstream's substring matching turned "handshake failed: EOF" from a booting node into a permanent
 * `auth_failed` (bench-ssh-ops §B.4). A node whose sshd is still starting yields refused, timeout or
 * handshake — all retryable; only `client-authentication` (the server answered and rejected every
 * key) is `auth`.
 */
export function classifyConnectError(error: unknown, facts: ConnectFailureFacts): ClassifiedFailure {
  if (facts.hostKeyRejected) return { kind: 'host_key_mismatch', detail: 'the host key does not match the pinned fingerprint' };
  const { level, code, message } = factsOf(error);

  switch (level ?? 'none') {
    case 'client-authentication':
      return { kind: 'auth', detail: `authentication rejected: ${message}` };
    case 'client-timeout':
      return { kind: 'timeout', detail: `timed out before the SSH session was ready: ${message}` };
    case 'client-socket':
      if (code === 'ECONNREFUSED') return { kind: 'refused', detail: 'connection refused (ECONNREFUSED)' };
      if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return { kind: 'timeout', detail: `no answer from the host (${code})` };
      if (code === 'ENOTFOUND') return { kind: 'unknown', detail: 'host name does not resolve (ENOTFOUND)' };
      // ECONNRESET, EPIPE… before the session is ready: sshd (or the provider's proxy) dropped us
      // mid-handshake, which is what a node that is still booting does.
      return { kind: 'handshake', detail: `connection dropped during the handshake (${String(code ?? 'socket error')})` };
    case 'client-dns':
      return { kind: 'unknown', detail: `host name lookup failed: ${message}` };
    case 'protocol':
    case 'handshake':
      return { kind: 'handshake', detail: `SSH handshake failed: ${message}` };
    default:
      break;
  }

  // The server sent SSH_MSG_DISCONNECT before we were ready (ssh2 puts the reason in `code`).
  if (typeof code === 'number') {
    if (code === DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) return { kind: 'auth', detail: `server disconnected: no more authentication methods (${message})` };
    return { kind: 'handshake', detail: `server disconnected during the handshake (reason ${code}: ${message})` };
  }

  // node-ssh rejects with its own SSHError('No response from server', 'ETIMEDOUT') when the socket
  // closes before 'ready' without ssh2 reporting an error: the server hung up mid-handshake.
  if (error instanceof SSHError && code === 'ETIMEDOUT') {
    return { kind: 'handshake', detail: 'connection closed before the SSH session was ready' };
  }

  return { kind: 'unknown', detail: message };
}
