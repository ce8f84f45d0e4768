import type { SFTPWrapper, Stats } from 'ssh2';

import { parentDirectories } from './remote-path.js';

/**
 * Promise wrappers over ssh2's callback SFTP client, plus pipelined whole-file read and write. Each
 * request waits a full round trip, so over a WAN link one-chunk-at-a-time would cost a round trip per
 * 32 KiB; keeping several requests in flight (as OpenSSH's sftp does) makes throughput independent of
 * latency.
 */

const CHUNK_BYTES = 32 * 1024;
const REQUESTS_IN_FLIGHT = 16;

/** An SFTP failure, with the SFTP status code when the server sent one. */
export class SftpOperationError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SftpOperationError';
  }
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function wrapError(operation: string, path: string, error: unknown): SftpOperationError {
  const message = error instanceof Error ? error.message : String(error);
  return new SftpOperationError(`${operation} ${path}: ${message}`, statusCodeOf(error), { cause: error });
}

const NO_SUCH_FILE = 2;

export function sftpStat(sftp: SFTPWrapper, path: string): Promise<Stats | undefined> {
  return new Promise((resolve, reject) => {
    sftp.stat(path, (err, stats) => {
      if (!err) resolve(stats);
      else if (statusCodeOf(err) === NO_SUCH_FILE) resolve(undefined);
      else reject(wrapError('stat', path, err));
    });
  });
}

function sftpMkdir(sftp: SFTPWrapper, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.mkdir(path, (err) => (err ? reject(wrapError('mkdir', path, err)) : resolve()));
  });
}

/** Creates the missing parent directories of `remotePath` (like `mkdir -p "$(dirname …)"`). */
export async function ensureParentDirectories(sftp: SFTPWrapper, remotePath: string): Promise<void> {
  for (const dir of parentDirectories(remotePath)) {
    const stats = await sftpStat(sftp, dir);
    if (stats?.isDirectory()) continue;
    if (stats) throw new SftpOperationError(`mkdir ${dir}: exists and is not a directory`, undefined);
    await sftpMkdir(sftp, dir);
  }
}

function sftpOpen(sftp: SFTPWrapper, path: string, flags: 'r' | 'w'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sftp.open(path, flags, (err, handle) => (err ? reject(wrapError('open', path, err)) : resolve(handle)));
  });
}

function sftpClose(sftp: SFTPWrapper, handle: Buffer, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.close(handle, (err) => (err ? reject(wrapError('close', path, err)) : resolve()));
  });
}

function sftpWrite(sftp: SFTPWrapper, handle: Buffer, data: Buffer, position: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.write(handle, data, 0, data.length, position, (err) => (err ? reject(wrapError('write', path, err)) : resolve()));
  });
}

function sftpRead(sftp: SFTPWrapper, handle: Buffer, into: Buffer, offset: number, length: number, position: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    sftp.read(handle, into, offset, length, position, (err, bytesRead) => {
      if (!err) resolve(bytesRead);
      // ssh2 reports end-of-file as an error with the SFTP EOF status.
      else if (statusCodeOf(err) === 1) resolve(0);
      else reject(wrapError('read', path, err));
    });
  });
}

function sftpFstat(sftp: SFTPWrapper, handle: Buffer, path: string): Promise<Stats> {
  return new Promise((resolve, reject) => {
    sftp.fstat(handle, (err, stats) => (err ? reject(wrapError('fstat', path, err)) : resolve(stats)));
  });
}

/** Runs `task(i)` for i in [0, count) with at most `limit` running at once; fails fast. */
async function pipelined(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** Creates or truncates `path` and writes `content` to it. */
export async function writeRemoteFile(sftp: SFTPWrapper, path: string, content: Uint8Array): Promise<void> {
  const handle = await sftpOpen(sftp, path, 'w');
  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  try {
    const chunks = Math.ceil(data.length / CHUNK_BYTES);
    await pipelined(chunks, REQUESTS_IN_FLIGHT, (i) => sftpWrite(sftp, handle, data.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), i * CHUNK_BYTES, path));
  } finally {
    await sftpClose(sftp, handle, path);
  }
}

/** Reads a whole regular file, refusing files above `maxBytes` before reading any data. */
export async function readRemoteFile(sftp: SFTPWrapper, path: string, maxBytes: number): Promise<Buffer> {
  const handle = await sftpOpen(sftp, path, 'r');
  try {
    const stats = await sftpFstat(sftp, handle, path);
    if (!stats.isFile()) throw new SftpOperationError(`read ${path}: not a regular file`, undefined);
    if (stats.size > maxBytes) throw new SftpOperationError(`read ${path}: ${stats.size} bytes exceeds the ${maxBytes}-byte download limit`, undefined);
    const out = Buffer.alloc(stats.size);
    const chunks = Math.ceil(stats.size / CHUNK_BYTES);
    await pipelined(chunks, REQUESTS_IN_FLIGHT, async (i) => {
      const start = i * CHUNK_BYTES;
      const end = Math.min(start + CHUNK_BYTES, stats.size);
      // A server may answer with fewer bytes than asked; keep reading until the chunk is full.
      for (let at = start; at < end; ) {
        const got = await sftpRead(sftp, handle, out, at, end - at, at, path);
        if (got === 0) throw new SftpOperationError(`read ${path}: file shrank while reading (EOF at ${at} of ${stats.size})`, undefined);
        at += got;
      }
    });
    return out;
  } finally {
    await sftpClose(sftp, handle, path);
  }
}

export function removeRemoteFile(sftp: SFTPWrapper, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.unlink(path, (err) => (err ? reject(wrapError('remove', path, err)) : resolve()));
  });
}

/**
 * Moves `from` over `to`. OpenSSH's `posix-rename@openssh.com` replaces an existing file atomically;
 * plain SFTPv3 RENAME is the fallback for servers without it (it fails on OpenSSH when `to` exists,
 * which is why it is not the first choice).
 */
export function renameRemoteFile(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null | undefined): void => (err ? reject(wrapError('rename', `${from} -> ${to}`, err)) : resolve());
    let posixRename = true;
    try {
      // ssh2 throws synchronously when the server did not advertise the extension.
      sftp.ext_openssh_rename(from, to, done);
    } catch {
      posixRename = false;
    }
    if (!posixRename) sftp.rename(from, to, done);
  });
}
