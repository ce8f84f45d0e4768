import { spawn, type ChildProcess } from 'node:child_process';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink, chmod } from 'node:fs/promises';
import { type Stats as FsStats } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';

import ssh2, { type Attributes, type Connection, type ParsedKey, type ServerChannel, type SFTPWrapper } from 'ssh2';

import { generateSessionKeyPair } from '../keys/session-key-pair.js';
import { fingerprintOfPublicKeyLine } from '../keys/host-key.js';
import { stripPidMarker } from '../remote-exec/pid-marker.js';

const { Server, utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;

/** What a scripted command does instead of running in bash. */
export type FakeExecReply =
  | { readonly stdout?: string; readonly stderr?: string; readonly exitCode?: number; readonly exitSignal?: string }
  /** Accepts the command and never answers (until the channel is closed or signalled). */
  | 'hang'
  /** Ends the SSH connection from the server side while the command "runs". */
  | 'drop-connection';

export interface FakeNodeOptions {
  /** OpenSSH public key lines allowed to log in. */
  readonly authorizedKeys: readonly string[];
  /** Host private key (OpenSSH PEM); a fresh ed25519 key when absent. */
  readonly hostPrivateKey?: string;
  /** Prepended to PATH for commands (where the fake tools live). */
  readonly binDir?: string;
  /** Extra environment for commands. */
  readonly env?: Readonly<Record<string, string>>;
  /** Login directory: cwd of commands and base of relative SFTP paths. */
  readonly homeDir: string;
  /** Scripted answers (given the command without the PID-marker prefix); others run in `bash -c`. */
  readonly onExec?: (command: string) => FakeExecReply | undefined;
  /** Flip the first byte of every SFTP write (to test the upload checksum). */
  readonly corruptUploads?: boolean;
  /** @default 0 (any free port) */
  readonly port?: number;
}

export interface FakeNode {
  readonly host: string;
  readonly port: number;
  readonly hostKeyFingerprint: string;
  /** Every command received, in order, without NodeSshRemoteExec's PID-marker prefix. */
  readonly commands: string[];
  /** Connections currently open on the server side. */
  openConnections(): number;
  /** Child processes of commands still running. */
  runningCommands(): number;
  stop(): Promise<void>;
}

const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * An SSH node in this process, on ssh2's `Server` (infra.md §3): public-key auth against
 * `authorizedKeys` (signatures verified), exec through a real `bash -c` (or a scripted reply), and an
 * SFTP subsystem on the real filesystem. Not OpenSSH — quoting, environment and error texts are
 * whatever this implements; the real-sshd suite covers those.
 */
export async function startFakeNode(options: FakeNodeOptions): Promise<FakeNode> {
  const hostPrivateKey = options.hostPrivateKey ?? generateSessionKeyPair({ comment: 'fake-node host' }).privateKey;
  const hostKey = utils.parseKey(hostPrivateKey);
  if (hostKey instanceof Error || Array.isArray(hostKey)) throw new Error('fake node: unusable host key');
  const hostPublicLine = `${hostKey.type} ${hostKey.getPublicSSH().toString('base64')}`;
  const allowed: ParsedKey[] = options.authorizedKeys.map((line) => {
    const key = utils.parseKey(line);
    if (key instanceof Error || Array.isArray(key)) throw new Error(`fake node: unusable authorized key: ${line}`);
    return key;
  });

  const commands: string[] = [];
  const connections = new Set<Connection>();
  const children = new Set<ChildProcess>();
  const env = { PATH: options.binDir ? `${options.binDir}:${BASE_PATH}` : BASE_PATH, HOME: options.homeDir, LANG: 'C.UTF-8', ...options.env };

  const killChild = (child: ChildProcess, signal: NodeJS.Signals): void => {
    // Commands run in their own process group so a whole pipeline dies, not just bash.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };

  const runExec = (client: Connection, channel: ServerChannel, command: string, onChild: (child: ChildProcess) => void): void => {
    const reply = options.onExec?.(stripPidMarker(command));
    if (reply === 'hang') return;
    if (reply === 'drop-connection') {
      client.end();
      return;
    }
    if (reply) {
      if (reply.stdout) channel.write(reply.stdout);
      if (reply.stderr) channel.stderr.write(reply.stderr);
      if (reply.exitSignal) channel.exit(reply.exitSignal, false, '');
      else channel.exit(reply.exitCode ?? 0);
      channel.end();
      return;
    }
    const child = spawn('bash', ['-c', command], { cwd: options.homeDir, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    onChild(child);
    child.stdout.on('data', (chunk: Buffer) => channel.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => channel.stderr.write(chunk));
    child.stdin.on('error', () => undefined);
    channel.on('data', (chunk: Buffer) => child.stdin.write(chunk));
    channel.on('end', () => child.stdin.end());
    child.on('error', () => {
      children.delete(child);
      channel.exit(127);
      channel.end();
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      if (code !== null) channel.exit(code);
      else channel.exit((signal ?? 'KILL').replace(/^SIG/, ''), false, '');
      channel.end();
    });
  };

  const server = new Server({ hostKeys: [hostPrivateKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    // Without it every request/response waits for a delayed ACK (~40 ms per round trip). ssh2's
    // server Connection has setNoDelay, but @types/ssh2 does not declare it.
    (client as Connection & { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const key = allowed.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
      if (!key) return ctx.reject(['publickey']);
      // A key offer without a signature is a probe: accepting it makes the client sign.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let child: ChildProcess | undefined;
        // No 'signal' handler: ssh2's server rejects channel requests once stdin's EOF arrived,
        // and the client always sends EOF first. Closing the channel kills the command instead.
        session.once('exec', (accept, _reject, info) => {
          commands.push(stripPidMarker(info.command));
          const channel = accept();
          channel.on('close', () => {
            if (child) killChild(child, 'SIGKILL');
          });
          runExec(client, channel, info.command, (started) => {
            child = started;
          });
        });
        session.once('sftp', (accept) => serveSftp(accept(), options));
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    hostKeyFingerprint: fingerprintOfPublicKeyLine(hostPublicLine),
    commands,
    openConnections: () => connections.size,
    runningCommands: () => children.size,
    stop: async () => {
      for (const child of children) killChild(child, 'SIGKILL');
      for (const client of connections) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type OpenHandle = { readonly kind: 'file'; readonly file: FileHandle } | { readonly kind: 'dir'; readonly path: string; listed: boolean };

function attrsOf(stats: FsStats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

function statusFor(error: unknown): number {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ENOENT') return STATUS.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS.PERMISSION_DENIED;
  return STATUS.FAILURE;
}

/** An SFTP v3 server over the real filesystem; relative paths resolve against the home directory. */
function serveSftp(sftp: SFTPWrapper, options: FakeNodeOptions): void {
  const handles = new Map<number, OpenHandle>();
  let nextHandle = 1;
  const toPath = (path: string): string => resolvePath(options.homeDir, path);
  const newHandle = (entry: OpenHandle): Buffer => {
    const id = nextHandle++;
    handles.set(id, entry);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const lookup = (handle: Buffer): [number, OpenHandle | undefined] => {
    const id = handle.length === 4 ? handle.readUInt32BE(0) : -1;
    return [id, handles.get(id)];
  };
  const serve = (reqid: number, op: () => Promise<void>): void => {
    op().catch((error: unknown) => sftp.status(reqid, statusFor(error), error instanceof Error ? error.message : String(error)));
  };

  sftp.on('OPEN', (reqid, filename, flags, attrs) =>
    serve(reqid, async () => {
      const mode = utils.sftp.flagsToString(flags);
      if (!mode) return void sftp.status(reqid, STATUS.FAILURE, 'bad open flags');
      const file = await open(toPath(filename), mode, attrs.mode ?? 0o644);
      sftp.handle(reqid, newHandle({ kind: 'file', file }));
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    serve(reqid, async () => {
      const [, entry] = lookup(handle);
      if (entry?.kind !== 'file') return void sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      const bytes = options.corruptUploads && data.length > 0 ? Buffer.from(data) : data;
      if (options.corruptUploads && bytes.length > 0) bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      await entry.file.write(bytes, 0, bytes.length, offset);
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('READ', (reqid, handle, offset, length) =>
    serve(reqid, async () => {
      const [, entry] = lookup(handle);
      if (entry?.kind !== 'file') return void sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      const buf = Buffer.alloc(length);
      const { bytesRead } = await entry.file.read(buf, 0, length, offset);
      if (bytesRead === 0) sftp.status(reqid, STATUS.EOF);
      else sftp.data(reqid, buf.subarray(0, bytesRead));
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    serve(reqid, async () => {
      const [, entry] = lookup(handle);
      if (entry?.kind !== 'file') return void sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      sftp.attrs(reqid, attrsOf(await entry.file.stat()));
    }),
  );
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS.OK));
  sftp.on('SETSTAT', (reqid, path, attrs) =>
    serve(reqid, async () => {
      if (attrs.mode !== undefined) await chmod(toPath(path), attrs.mode);
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('CLOSE', (reqid, handle) =>
    serve(reqid, async () => {
      const [id, entry] = lookup(handle);
      if (!entry) return void sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      handles.delete(id);
      if (entry.kind === 'file') await entry.file.close();
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('STAT', (reqid, path) => serve(reqid, async () => void sftp.attrs(reqid, attrsOf(await stat(toPath(path))))));
  sftp.on('LSTAT', (reqid, path) => serve(reqid, async () => void sftp.attrs(reqid, attrsOf(await lstat(toPath(path))))));
  sftp.on('REALPATH', (reqid, path) => sftp.name(reqid, [{ filename: toPath(path), longname: toPath(path), attrs: {} as Attributes }]));
  // POSIX rename semantics (replaces the target), like OpenSSH's posix-rename extension.
  sftp.on('RENAME', (reqid, from, to) => serve(reqid, async () => void (await rename(toPath(from), toPath(to)), sftp.status(reqid, STATUS.OK))));
  sftp.on('REMOVE', (reqid, path) => serve(reqid, async () => void (await unlink(toPath(path)), sftp.status(reqid, STATUS.OK))));
  sftp.on('MKDIR', (reqid, path, attrs) => serve(reqid, async () => void (await mkdir(toPath(path), attrs.mode ?? 0o755), sftp.status(reqid, STATUS.OK))));
  sftp.on('RMDIR', (reqid, path) => serve(reqid, async () => void (await rmdir(toPath(path)), sftp.status(reqid, STATUS.OK))));
  sftp.on('OPENDIR', (reqid, path) =>
    serve(reqid, async () => {
      const dir = toPath(path);
      if (!(await stat(dir)).isDirectory()) return void sftp.status(reqid, STATUS.FAILURE, 'not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', path: dir, listed: false }));
    }),
  );
  sftp.on('READDIR', (reqid, handle) =>
    serve(reqid, async () => {
      const [, entry] = lookup(handle);
      if (entry?.kind !== 'dir') return void sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      if (entry.listed) return void sftp.status(reqid, STATUS.EOF);
      entry.listed = true;
      const names = await readdir(entry.path);
      const listed = await Promise.all(
        names.map(async (filename) => ({ filename, longname: filename, attrs: attrsOf(await lstat(resolvePath(entry.path, filename))) })),
      );
      sftp.name(reqid, listed);
    }),
  );
}
