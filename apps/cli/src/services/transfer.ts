import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { GpuShopper, Session } from '@gpu-shopper/client';
import { NodeSshRemoteExec } from '@gpu-shopper/ssh';

import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes } from '../output.js';
import { resolveKeyPath } from './provision.js';

/** `ses_abc:/workspace/model.bin` → session id and remote path. */
export interface RemoteSpec {
  readonly sessionId: string;
  readonly remotePath: string;
}

export function parseRemoteSpec(spec: string, argName: string): RemoteSpec {
  const colon = spec.indexOf(':');
  const sessionId = colon > 0 ? spec.slice(0, colon) : '';
  const remotePath = colon > 0 ? spec.slice(colon + 1) : '';
  if (!sessionId || !remotePath) {
    throw new CliError(`${argName} must be <session-id>:<remote-path>, e.g. ses_abc123:/workspace/model.bin; got "${spec}"`, {
      exitCode: EXIT.USAGE,
      code: 'USAGE',
      nextStep: "run 'gpu-shopper transfer --help'",
    });
  }
  return { sessionId, remotePath };
}

export interface TransferOptions {
  readonly keyFile: string;
  readonly timeoutMs: number;
}

export interface TransferResult {
  readonly direction: 'upload' | 'download';
  readonly session_id: string;
  readonly local_path: string;
  readonly remote_path: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly duration_ms: number;
}

async function readKey(keyFile: string): Promise<string> {
  const keyPath = resolveKeyPath(keyFile);
  try {
    return await readFile(keyPath, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the SSH key ${keyPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      exitCode: EXIT.USAGE,
      code: 'KEY_UNREADABLE',
      nextStep: 'pass the key saved at provision time with -k (provision --save-key <path>)',
    });
  }
}

/** The session's SSH endpoint, from the server: the transfer itself goes straight to the instance. */
async function endpoint(client: GpuShopper, sessionId: string): Promise<Session & { ssh_host: string; ssh_port: number; ssh_user: string }> {
  const session = await client.sessions.retrieve(sessionId);
  if (session.status !== 'running' || !session.ssh_host || !session.ssh_port || !session.ssh_user) {
    throw new CliError(`session ${session.id} is ${session.status}, not running`, {
      code: 'SESSION_NOT_RUNNING',
      nextStep:
        session.status === 'pending' || session.status === 'provisioning'
          ? `wait until it is running ('gpu-shopper sessions get ${session.id}')`
          : "files can only be copied to and from a running session; see 'gpu-shopper sessions list -s running'",
    });
  }
  return session as Session & { ssh_host: string; ssh_port: number; ssh_user: string };
}

function transferFailure(error: { kind: string; message: string }): CliError {
  const nextStep: Record<string, string> = {
    auth: "the instance refused the key: use the key saved when this session was provisioned ('provision --save-key')",
    host_key_mismatch: 'the host key changed; the instance may have been replaced',
    timeout: 'the transfer took too long: raise --timeout, or check the network',
    refused: 'SSH is not answering yet; wait a moment and retry',
    handshake: 'SSH is not ready yet; wait a moment and retry',
    transfer: 'check the remote path and free disk space on the instance',
  };
  return new CliError(`${error.kind === 'auth' ? 'SSH authentication failed' : 'transfer failed'}: ${error.message}`, {
    code: `SSH_${error.kind.toUpperCase()}`,
    exitCode: error.kind === 'auth' ? EXIT.AUTH : EXIT.ERROR,
    nextStep: nextStep[error.kind] ?? 'retry; if it persists, check the session with gpu-shopper sessions get',
  });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function uploadFile(client: GpuShopper, localPath: string, remote: RemoteSpec, options: TransferOptions): Promise<TransferResult> {
  const started = Date.now();
  const local = path.resolve(localPath);
  const content = await readFile(local).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${local}: ${error.code ?? error.message}`, { exitCode: EXIT.USAGE, code: 'LOCAL_FILE_UNREADABLE', nextStep: 'check the local path' });
  });
  const privateKey = await readKey(options.keyFile);
  const session = await endpoint(client, remote.sessionId);
  const ssh = new NodeSshRemoteExec({ connectTimeoutMs: Math.min(30_000, options.timeoutMs), closeGraceMs: 100 });
  const result = await ssh.upload(
    { host: session.ssh_host, port: session.ssh_port, user: session.ssh_user, privateKey },
    content,
    remote.remotePath,
    { timeoutMs: options.timeoutMs },
  );
  if (!result.ok) throw transferFailure(result.err);
  return { direction: 'upload', session_id: session.id, local_path: local, remote_path: remote.remotePath, bytes: content.byteLength, sha256: sha256(content), duration_ms: Date.now() - started };
}

export async function downloadFile(client: GpuShopper, remote: RemoteSpec, localPath: string, options: TransferOptions): Promise<TransferResult> {
  const started = Date.now();
  const local = path.resolve(localPath);
  const privateKey = await readKey(options.keyFile);
  const session = await endpoint(client, remote.sessionId);
  const ssh = new NodeSshRemoteExec({ connectTimeoutMs: Math.min(30_000, options.timeoutMs), closeGraceMs: 100 });
  const result = await ssh.download({ host: session.ssh_host, port: session.ssh_port, user: session.ssh_user, privateKey }, remote.remotePath, {
    timeoutMs: options.timeoutMs,
  });
  if (!result.ok) throw transferFailure(result.err);
  // Written to a temporary name and renamed: an interrupted download never leaves a partial file.
  const partial = path.join(path.dirname(local), `.${path.basename(local)}.${process.pid}.part`);
  try {
    await writeFile(partial, result.val);
    await rename(partial, local);
  } catch (error) {
    await rm(partial, { force: true });
    throw new CliError(`cannot write ${local}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'LOCAL_FILE_UNWRITABLE', nextStep: 'check the local path' });
  }
  return { direction: 'download', session_id: session.id, local_path: local, remote_path: remote.remotePath, bytes: result.val.byteLength, sha256: sha256(result.val), duration_ms: Date.now() - started };
}

export function renderTransfer(result: TransferResult): string {
  const seconds = (result.duration_ms / 1000).toFixed(1);
  return result.direction === 'upload'
    ? `Uploaded ${result.local_path} to ${result.session_id}:${result.remote_path} (${formatBytes(result.bytes)} in ${seconds}s, sha256 ${result.sha256.slice(0, 16)}…, verified on the instance)`
    : `Downloaded ${result.session_id}:${result.remote_path} to ${result.local_path} (${formatBytes(result.bytes)} in ${seconds}s, sha256 ${result.sha256.slice(0, 16)}…)`;
}
