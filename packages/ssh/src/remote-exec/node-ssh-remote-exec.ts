import { createHash } from 'node:crypto';

import {
  Err,
  Ok,
  RemoteExecError,
  noopLogger,
  type ExecOptions,
  type ExecResult,
  type Logger,
  type RemoteExec,
  type RemoteTarget,
  type Result,
} from '@gpu-shopper/core';
import { NodeSSH } from 'node-ssh';
// ssh2 is CommonJS: Node's ESM loader only sees its default export (toolchain pitfall 15).
import ssh2, { type ClientChannel, type SFTPWrapper } from 'ssh2';

import { sameFingerprint, sshFingerprint } from '../keys/host-key.js';
import { shellQuote } from '../shell/shell-quote.js';
import { CallScope } from './call-scope.js';
import { CappedBuffer } from './capped-buffer.js';
import { SshSession } from './ssh-session.js';
import { classifyConnectError } from './classify-ssh-error.js';
import { PidMarkerReader, killProcessGroupCommand, withPidMarker } from './pid-marker.js';
import { remotePathProblem, temporaryUploadPath } from './remote-path.js';
import { ensureParentDirectories, readRemoteFile, removeRemoteFile, renameRemoteFile, writeRemoteFile } from './sftp-io.js';

const { utils } = ssh2;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** stdout and stderr are each kept up to 1 MiB; probes print a few hundred bytes. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;
export const DEFAULT_CLOSE_GRACE_MS = 1000;

export interface NodeSshRemoteExecOptions {
  readonly logger?: Logger;
  /**
   * Budget of one connection attempt — TCP connect, SSH handshake and authentication (ssh2's
   * `readyTimeout`) — capped by the call's own `timeoutMs`. @default 10000
   */
  readonly connectTimeoutMs?: number;
  /** stdout and stderr are each truncated to this many bytes (the excess is dropped and logged). @default 1 MiB */
  readonly maxOutputBytes?: number;
  /** Downloads larger than this are refused before any data is read. @default 256 MiB */
  readonly maxDownloadBytes?: number;
  /** After a timeout or when done, how long a polite close may take before the socket is destroyed. @default 1000 */
  readonly closeGraceMs?: number;
  /**
   * TCP no-delay (Nagle off) on the SSH socket. Leave it on: with Nagle, every small
   * request/response round trip waits for a delayed ACK. Turning it off exists so the performance
   * suite (`pnpm bench`, figure 5) can measure what it saves. @default true
   */
  readonly noDelay?: boolean;
}

interface CommandOutput {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * core's `RemoteExec` over SSH: node-ssh establishes the connection (ssh2 underneath), commands and
 * SFTP run on ssh2 channels directly so output can be capped and a timed-out command killed
 * (node-ssh's `execCommand` buffers all output and has no timeout).
 *
 * exec returns stdout and stderr as received (not trimmed), each capped at `maxOutputBytes`
 * (1 MiB by default; the excess is dropped and a warning logged), and a null exit code for a command
 * killed by a signal.
 *
 * Connections are opened per call and always closed before the call returns. Calls are infrequent
 * (readiness every few seconds while provisioning, probes and transfers now and then), a handshake
 * costs tens of milliseconds, and a fresh connection per call means: no idle timers keeping the
 * process alive, no stale connection after a node reboots or sshd restarts mid-upgrade, and the
 * pinned host key is checked on every call.
 *
 * Host keys: with `target.hostKeyFingerprint` set, any other key fails the call with
 * `host_key_mismatch`; without it the key is accepted and its fingerprint returned in `ExecResult`
 * for the caller to pin (trust on first use).
 */
export class NodeSshRemoteExec implements RemoteExec {
  private readonly logger: Logger;
  private readonly connectTimeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly maxDownloadBytes: number;
  private readonly closeGraceMs: number;
  private readonly noDelay: boolean;

  constructor(options: NodeSshRemoteExecOptions = {}) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'ssh' });
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    this.closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    this.noDelay = options.noDelay ?? true;
  }

  async exec(target: RemoteTarget, command: string, options: ExecOptions): Promise<Result<ExecResult, RemoteExecError>> {
    return this.withSession(target, options, async (session, scope) => {
      const output = await this.runCommand(target, session, scope, command);
      if (!output.ok) return output;
      return Ok({ ...output.val, hostKeyFingerprint: session.hostKeyFingerprint });
    });
  }

  /**
   * Writes `content` to a hidden temporary sibling of `remotePath`, checks its SHA-256 on the node,
   * then renames it into place, so `remotePath` is either the old file or the complete new one.
   *
   * The digest is computed remotely with `sha256sum` (one short command; the node hashes at disk
   * speed) instead of reading the file back, which would double the bytes sent over what may be a
   * slow link for large files. If `sha256sum` cannot run (no coreutils, exec disabled), the file is
   * read back over SFTP and hashed locally. A mismatch removes the temporary file and fails with
   * `transfer`. A call stopped by its timeout may leave the `.part` file behind; never a partial
   * `remotePath`.
   */
  async upload(target: RemoteTarget, content: Uint8Array, remotePath: string, options: ExecOptions): Promise<Result<void, RemoteExecError>> {
    const problem = remotePathProblem(remotePath);
    if (problem) return Err(new RemoteExecError('transfer', target, problem));
    const expected = createHash('sha256').update(content).digest('hex');

    return this.withSession(target, options, async (session, scope) => {
      const sftp = await this.openSftp(session);
      if (!sftp.ok) return Err(scope.stopReason ? scope.stopError() : new RemoteExecError('transfer', target, `could not start SFTP: ${describe(sftp.err)}`, sftp.err));
      const temporaryPath = temporaryUploadPath(remotePath);
      let renamed = false;
      try {
        await ensureParentDirectories(sftp.val, remotePath);
        await writeRemoteFile(sftp.val, temporaryPath, content);
        const actual = await this.remoteSha256(target, session, scope, sftp.val, temporaryPath);
        if (!actual.ok) return actual;
        if (actual.val !== expected) {
          return Err(new RemoteExecError('transfer', target, `checksum mismatch after upload to ${remotePath}: expected sha256 ${expected}, node has ${actual.val}`));
        }
        await renameRemoteFile(sftp.val, temporaryPath, remotePath);
        renamed = true;
        return Ok();
      } catch (error) {
        if (scope.stopReason) return Err(scope.stopError());
        return Err(new RemoteExecError('transfer', target, `upload to ${remotePath} failed: ${describe(error)}`, error));
      } finally {
        if (!renamed && !scope.stopReason && !session.closed) {
          await removeRemoteFile(sftp.val, temporaryPath).catch(() => undefined);
        }
        sftp.val.end();
      }
    });
  }

  /** Reads a whole remote file over SFTP (refusing files above `maxDownloadBytes`). */
  async download(target: RemoteTarget, remotePath: string, options: ExecOptions): Promise<Result<Uint8Array, RemoteExecError>> {
    const problem = remotePathProblem(remotePath);
    if (problem) return Err(new RemoteExecError('transfer', target, problem));

    return this.withSession(target, options, async (session, scope) => {
      const sftp = await this.openSftp(session);
      if (!sftp.ok) return Err(scope.stopReason ? scope.stopError() : new RemoteExecError('transfer', target, `could not start SFTP: ${describe(sftp.err)}`, sftp.err));
      try {
        const bytes = await readRemoteFile(sftp.val, remotePath, this.maxDownloadBytes);
        return Ok(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (error) {
        if (scope.stopReason) return Err(scope.stopError());
        return Err(new RemoteExecError('transfer', target, `download of ${remotePath} failed: ${describe(error)}`, error));
      } finally {
        sftp.val.end();
      }
    });
  }

  /** Connects, runs `work`, and always closes the connection; the call's deadline covers both. */
  private async withSession<T>(
    target: RemoteTarget,
    options: ExecOptions,
    work: (session: SshSession, scope: CallScope) => Promise<Result<T, RemoteExecError>>,
  ): Promise<Result<T, RemoteExecError>> {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
    const invalid = targetProblem(target);
    if (invalid) return Err(invalid);

    const scope = new CallScope(target, options.timeoutMs, options.signal);
    try {
      if (scope.stopReason) return Err(scope.stopError());
      const connected = await this.connect(target, scope);
      if (!connected.ok) return connected;
      const session = connected.val;
      try {
        const working = work(session, scope).catch((error: unknown) =>
          Err(scope.stopReason ? scope.stopError() : new RemoteExecError('unknown', target, describe(error), error)),
        );
        return await Promise.race([working, scope.whenStopped().then((error) => Err(error))]);
      } finally {
        if (scope.stopReason && !session.closed) await scope.runCleanups();
        // After a stop this also bounds a peer that no longer answers: destroyed after the grace period.
        await session.close(this.closeGraceMs);
      }
    } finally {
      scope.dispose();
    }
  }

  private async connect(target: RemoteTarget, scope: CallScope): Promise<Result<SshSession, RemoteExecError>> {
    const pinned = target.hostKeyFingerprint ?? null;
    let seenFingerprint: string | null = null;
    let hostKeyRejected = false;
    const ssh = new NodeSSH();
    const connecting = ssh.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey: target.privateKey,
      readyTimeout: Math.max(1, Math.min(this.connectTimeoutMs, scope.remainingMs())),
      tryKeyboard: false,
      // Without `hostHash`, ssh2 passes the raw key blob, which is what OpenSSH fingerprints hash.
      hostVerifier: (key: Buffer): boolean => {
        seenFingerprint = sshFingerprint(key);
        if (pinned !== null && !sameFingerprint(pinned, seenFingerprint)) {
          hostKeyRejected = true;
          return false;
        }
        return true;
      },
    });
    // node-ssh creates the ssh2 client synchronously inside connect(); holding it lets a timeout or
    // abort destroy the socket mid-handshake instead of waiting for readyTimeout.
    const pending = ssh.connection;
    // ssh2 leaves Nagle on; every request/response round trip (4 of them during authentication
    // alone) then waits for a delayed ACK, ~40 ms each. Set before the TCP connect completes.
    pending?.setNoDelay(this.noDelay);
    const unhook = scope.onStop(() => pending?.destroy());
    try {
      await connecting;
    } catch (error) {
      if (scope.stopReason) return Err(scope.stopError());
      const { kind, detail } = classifyConnectError(error, { hostKeyRejected });
      this.logger.debug('ssh connect failed', { host: target.host, port: target.port, kind, detail });
      return Err(new RemoteExecError(kind, target, detail, error));
    } finally {
      unhook();
    }
    const client = ssh.connection;
    if (!client) return Err(new RemoteExecError('handshake', target, 'connection closed as soon as it was ready'));
    client.setNoDelay(this.noDelay);
    return Ok(new SshSession(client, seenFingerprint));
  }

  /** Runs one command on an open session, capping output and killing it if the call is stopped. */
  private runCommand(target: RemoteTarget, session: SshSession, scope: CallScope, command: string): Promise<Result<CommandOutput, RemoteExecError>> {
    return new Promise((resolve) => {
      let settled = false;
      let unhookStop: () => void = () => undefined;
      const onClientClose = (): void =>
        settle(Err(scope.stopReason ? scope.stopError() : new RemoteExecError('unknown', target, 'connection lost while the command ran', session.lateError)));
      const settle = (result: Result<CommandOutput, RemoteExecError>): void => {
        if (settled) return;
        settled = true;
        session.client.removeListener('close', onClientClose);
        unhookStop();
        resolve(result);
      };
      session.client.once('close', onClientClose);

      const opened = (error: Error | undefined, channel: ClientChannel): void => {
        if (error) {
          settle(Err(scope.stopReason ? scope.stopError() : new RemoteExecError('unknown', target, `could not start the command: ${error.message}`, error)));
          return;
        }
        const stdout = new CappedBuffer(this.maxOutputBytes);
        const stderr = new CappedBuffer(this.maxOutputBytes);
        const marker = new PidMarkerReader();
        let exitCode: number | null = null;
        channel.on('data', (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => stderr.push(marker.push(chunk)));
        // ssh2 reports `exit-status` as a number, `exit-signal` as (null, signalName): a killed
        // command has no exit code.
        channel.on('exit', (code: unknown) => {
          exitCode = typeof code === 'number' ? code : null;
        });
        channel.on('close', () => {
          if (scope.stopReason) {
            settle(Err(scope.stopError()));
            return;
          }
          stderr.push(marker.flush());
          for (const [stream, buffer] of [['stdout', stdout], ['stderr', stderr]] as const) {
            if (buffer.droppedBytes > 0) {
              this.logger.warn('remote command output truncated', { host: target.host, port: target.port, stream, droppedBytes: buffer.droppedBytes, limitBytes: this.maxOutputBytes });
            }
          }
          settle(Ok({ exitCode, stdout: stdout.text(), stderr: stderr.text() }));
        });
        // No stdin: send EOF at once so a command that reads it does not wait forever.
        channel.end();
        unhookStop = scope.onStop(() => {
          // Closing the channel alone leaves a non-tty command running. The `signal` request works
          // for non-root logins; for root (refused by OpenSSH) the process group is killed by PID.
          sendSignal(channel, 'KILL');
          channel.close();
          const pid = marker.pid;
          if (pid !== null) scope.addCleanup(() => this.killRemoteProcessGroup(session, pid));
        });
      };

      try {
        session.client.exec(withPidMarker(command), opened);
      } catch (error) {
        settle(Err(new RemoteExecError('unknown', target, `could not start the command: ${describe(error)}`, error)));
      }
    });
  }

  /** Best effort, bounded by closeGraceMs: `kill -KILL -- -<pid>` on a second channel of the same connection. */
  private killRemoteProcessGroup(session: SshSession, pid: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.closeGraceMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      try {
        session.client.exec(killProcessGroupCommand(pid), (error, channel) => {
          if (error) return done();
          channel.resume();
          channel.stderr.resume();
          channel.on('close', done);
          channel.end();
        });
      } catch {
        done();
      }
    });
  }

  private openSftp(session: SshSession): Promise<Result<SFTPWrapper, unknown>> {
    return new Promise((resolve) => {
      try {
        session.client.sftp((error, sftp) => resolve(error ? Err(error) : Ok(sftp)));
      } catch (error) {
        resolve(Err(error));
      }
    });
  }

  /** SHA-256 (hex) of a remote file: `sha256sum` on the node, else read back and hashed here. */
  private async remoteSha256(target: RemoteTarget, session: SshSession, scope: CallScope, sftp: SFTPWrapper, path: string): Promise<Result<string, RemoteExecError>> {
    const hashed = await this.runCommand(target, session, scope, `sha256sum -- ${shellQuote(path)}`);
    if (!hashed.ok && (scope.stopReason || session.closed)) return hashed;
    if (hashed.ok) {
      const digest = /^([0-9a-f]{64})\s/i.exec(hashed.val.stdout)?.[1];
      if (hashed.val.exitCode === 0 && digest) return Ok(digest.toLowerCase());
    }
    this.logger.debug('sha256sum unavailable on the node; reading the upload back', {
      host: target.host,
      exitCode: hashed.ok ? hashed.val.exitCode : null,
    });
    const bytes = await readRemoteFile(sftp, path, Number.MAX_SAFE_INTEGER);
    return Ok(createHash('sha256').update(bytes).digest('hex'));
  }
}

/**
 * Sends an SSH `signal` channel request. ssh2's `channel.signal()` silently does nothing once stdin's
 * EOF has been sent (it requires the channel to still be "open"), although SSH allows channel
 * requests after EOF (RFC 4254 §5.3); since every command gets EOF at once, the request goes
 * through ssh2's protocol object (present in the pinned ssh2 1.17), falling back to the public call.
 */
function sendSignal(channel: ClientChannel, signalName: string): void {
  const internals = channel as unknown as { _client?: { _protocol?: { signal?: unknown } }; outgoing?: { id?: unknown; state?: unknown } };
  const protocol = internals._client?._protocol;
  const signal = protocol?.signal;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  if (typeof signal === 'function' && typeof id === 'number' && (state === 'open' || state === 'eof')) {
    (signal as (this: unknown, channelId: number, name: string) => void).call(protocol, id, signalName);
  } else {
    channel.signal(signalName);
  }
}

/** Target fields that make a connection pointless; a private key ssh2 cannot parse is `auth` (permanent). */
function targetProblem(target: RemoteTarget): RemoteExecError | undefined {
  if (target.host.trim() === '') return new RemoteExecError('unknown', target, 'host is empty');
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) return new RemoteExecError('unknown', target, 'port must be between 1 and 65535');
  if (target.user.trim() === '') return new RemoteExecError('unknown', target, 'user is empty');
  const key = target.privateKey.trim() === '' ? undefined : utils.parseKey(target.privateKey);
  // Never include the key or ssh2's parse message (which can quote key material) in the error.
  if (key === undefined || key instanceof Error || Array.isArray(key) || !key.isPrivateKey()) {
    return new RemoteExecError('auth', target, 'the private key is missing or cannot be parsed (unencrypted OpenSSH or PEM key expected)');
  }
  return undefined;
}
