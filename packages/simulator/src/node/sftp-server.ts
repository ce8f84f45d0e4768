import { posix } from 'node:path';

import ssh2, { type Attributes, type SFTPWrapper } from 'ssh2';

import { FsError, type FsEntry, type MemoryFs } from './memory-fs.js';
import { canRead, canWrite, owner } from './programs.js';

const { utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;
const OPEN = utils.sftp.OPEN_MODE;

type Handle = { readonly kind: 'file'; readonly path: string; readonly flags: number } | { readonly kind: 'dir'; readonly path: string; listed: boolean };

function attributes(entry: FsEntry): Attributes {
  return {
    mode: (entry.kind === 'dir' ? 0o040000 : 0o100000) | (entry.mode & 0o7777),
    uid: entry.uid,
    gid: entry.gid,
    size: entry.data.length,
    atime: Math.floor(entry.atimeMs / 1000),
    mtime: Math.floor(entry.mtimeMs / 1000),
  };
}

function longname(name: string, entry: FsEntry): string {
  const perms = (entry.mode & 0o777).toString(8).padStart(3, '0').split('').map((d) => ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'][Number(d)] ?? '---').join('');
  const who = entry.uid === 0 ? 'root' : 'user';
  return `${entry.kind === 'dir' ? 'd' : '-'}${perms}    1 ${who.padEnd(8)} ${who.padEnd(8)} ${String(entry.data.length).padStart(8)} Jan  1 00:00 ${name}`;
}

/**
 * Serves SFTP from the node's in-memory file system: enough of the protocol for node-ssh's
 * putFile/getFile/putDirectory and plain `sftp` use (open/read/write/stat/setstat/readdir/mkdir/
 * rename/remove/realpath). Relative paths start in the user's home, like OpenSSH's sftp-server.
 */
export function serveSftp(sftp: SFTPWrapper, fs: MemoryFs, user: string): void {
  // OpenSSH's sftp-server wording; node-ssh's putFile retries with mkdir only on exactly "No such file".
  const MESSAGES: Readonly<Record<number, string>> = {
    [STATUS.OK]: 'Success',
    [STATUS.EOF]: 'End of file',
    [STATUS.NO_SUCH_FILE]: 'No such file',
    [STATUS.PERMISSION_DENIED]: 'Permission denied',
    [STATUS.FAILURE]: 'Failure',
    [STATUS.OP_UNSUPPORTED]: 'Operation unsupported',
  };
  const reply = (reqId: number, code: number, message?: string): void => sftp.status(reqId, code, message ?? MESSAGES[code] ?? 'Failure');
  const home = user === 'root' ? '/root' : `/home/${user}`;
  const handles = new Map<number, Handle>();
  let nextHandle = 1;
  const resolve = (path: string): string => posix.resolve(home, path || '.');
  const handleBuffer = (handle: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, handle);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id, 0);
    return buffer;
  };
  const lookup = (buffer: Buffer): [number, Handle | undefined] => {
    if (buffer.length !== 4) return [-1, undefined];
    const id = buffer.readUInt32BE(0);
    return [id, handles.get(id)];
  };
  const fsStatus = (reqId: number, err: unknown): void => {
    if (!(err instanceof FsError)) throw err;
    const code = err.code === 'ENOENT' ? STATUS.NO_SUCH_FILE : err.code === 'EACCES' ? STATUS.PERMISSION_DENIED : STATUS.FAILURE;
    const message = { ENOSPC: 'No space left on device', EEXIST: 'File exists', ENOTEMPTY: 'Directory not empty', EISDIR: 'Is a directory', ENOTDIR: 'Not a directory' }[err.code as string];
    reply(reqId, code, message);
  };

  sftp.on('OPEN', (reqId, filename, flags) => {
    const path = resolve(filename);
    const entry = fs.stat(path);
    const writing = (flags & (OPEN.WRITE | OPEN.APPEND | OPEN.CREAT | OPEN.TRUNC)) !== 0;
    if (entry?.kind === 'dir') return reply(reqId, STATUS.FAILURE, 'Is a directory');
    if (entry && flags & OPEN.CREAT && flags & OPEN.EXCL) return reply(reqId, STATUS.FAILURE, 'File exists');
    if (!entry && !(flags & OPEN.CREAT)) return reply(reqId, STATUS.NO_SUCH_FILE);
    if ((writing && !canWrite(user, path)) || (flags & OPEN.READ && !canRead(user, path))) return reply(reqId, STATUS.PERMISSION_DENIED);
    try {
      if (!entry) fs.writeFile(path, Buffer.alloc(0), owner(user));
      else if (flags & OPEN.TRUNC) fs.truncate(path, 0);
    } catch (err) {
      return fsStatus(reqId, err);
    }
    return sftp.handle(reqId, handleBuffer({ kind: 'file', path, flags }));
  });

  sftp.on('READ', (reqId, buffer, offset, length) => {
    const [, handle] = lookup(buffer);
    if (handle?.kind !== 'file') return reply(reqId, STATUS.FAILURE);
    try {
      const data = fs.readFile(handle.path);
      if (offset >= data.length) return reply(reqId, STATUS.EOF);
      return sftp.data(reqId, data.subarray(offset, Math.min(data.length, offset + length)));
    } catch (err) {
      return fsStatus(reqId, err);
    }
  });

  sftp.on('WRITE', (reqId, buffer, offset, data) => {
    const [, handle] = lookup(buffer);
    if (handle?.kind !== 'file') return reply(reqId, STATUS.FAILURE);
    try {
      if (handle.flags & OPEN.APPEND) fs.writeFile(handle.path, data, { append: true });
      else fs.writeAt(handle.path, offset, data);
      return reply(reqId, STATUS.OK);
    } catch (err) {
      return fsStatus(reqId, err);
    }
  });

  const statPath = (reqId: number, path: string): void => {
    const abs = resolve(path);
    const entry = fs.stat(abs);
    if (!entry) return reply(reqId, STATUS.NO_SUCH_FILE);
    if (!canRead(user, abs)) return reply(reqId, STATUS.PERMISSION_DENIED);
    return sftp.attrs(reqId, attributes(entry));
  };
  sftp.on('STAT', statPath);
  sftp.on('LSTAT', statPath);
  sftp.on('FSTAT', (reqId, buffer) => {
    const [, handle] = lookup(buffer);
    const entry = handle ? fs.stat(handle.path) : undefined;
    if (!entry) return reply(reqId, STATUS.FAILURE);
    return sftp.attrs(reqId, attributes(entry));
  });

  const setAttributes = (reqId: number, path: string, attrs: Partial<Attributes>): void => {
    const entry = fs.stat(path);
    if (!entry) return reply(reqId, STATUS.NO_SUCH_FILE);
    if (!canWrite(user, path)) return reply(reqId, STATUS.PERMISSION_DENIED);
    try {
      if (typeof attrs.mode === 'number') entry.mode = attrs.mode & 0o7777;
      if (typeof attrs.size === 'number' && entry.kind === 'file') fs.truncate(path, attrs.size);
      if (typeof attrs.mtime === 'number') entry.mtimeMs = attrs.mtime * 1000;
      if (typeof attrs.atime === 'number') entry.atimeMs = attrs.atime * 1000;
    } catch (err) {
      return fsStatus(reqId, err);
    }
    return reply(reqId, STATUS.OK);
  };
  sftp.on('SETSTAT', (reqId, path, attrs) => setAttributes(reqId, resolve(path), attrs));
  sftp.on('FSETSTAT', (reqId, buffer, attrs) => {
    const [, handle] = lookup(buffer);
    if (!handle) return reply(reqId, STATUS.FAILURE);
    return setAttributes(reqId, handle.path, attrs);
  });

  sftp.on('CLOSE', (reqId, buffer) => {
    const [id, handle] = lookup(buffer);
    if (!handle) return reply(reqId, STATUS.FAILURE);
    handles.delete(id);
    return reply(reqId, STATUS.OK);
  });

  sftp.on('OPENDIR', (reqId, path) => {
    const abs = resolve(path);
    const entry = fs.stat(abs);
    if (!entry) return reply(reqId, STATUS.NO_SUCH_FILE);
    if (entry.kind !== 'dir') return reply(reqId, STATUS.FAILURE, 'Not a directory');
    if (!canRead(user, abs)) return reply(reqId, STATUS.PERMISSION_DENIED);
    return sftp.handle(reqId, handleBuffer({ kind: 'dir', path: abs, listed: false }));
  });

  sftp.on('READDIR', (reqId, buffer) => {
    const [, handle] = lookup(buffer);
    if (handle?.kind !== 'dir') return reply(reqId, STATUS.FAILURE);
    if (handle.listed) return reply(reqId, STATUS.EOF);
    handle.listed = true;
    const names = ['.', '..', ...fs.readdir(handle.path)];
    const entries = names.flatMap((name) => {
      const entry = fs.stat(name === '.' ? handle.path : name === '..' ? posix.dirname(handle.path) : posix.join(handle.path, name));
      return entry ? [{ filename: name, longname: longname(name, entry), attrs: attributes(entry) }] : [];
    });
    return sftp.name(reqId, entries);
  });

  sftp.on('REALPATH', (reqId, path) => {
    const abs = resolve(path);
    const entry = fs.stat(abs);
    const attrs = entry ? attributes(entry) : { mode: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };
    return sftp.name(reqId, [{ filename: abs, longname: abs, attrs }]);
  });

  sftp.on('MKDIR', (reqId, path, attrs) => {
    const abs = resolve(path);
    if (!canWrite(user, abs)) return reply(reqId, STATUS.PERMISSION_DENIED);
    try {
      fs.mkdir(abs, { ...owner(user), mode: typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : 0o755 });
      return reply(reqId, STATUS.OK);
    } catch (err) {
      return fsStatus(reqId, err);
    }
  });

  sftp.on('RMDIR', (reqId, path) => {
    const abs = resolve(path);
    if (!canWrite(user, abs)) return reply(reqId, STATUS.PERMISSION_DENIED);
    try {
      fs.rmdir(abs);
      return reply(reqId, STATUS.OK);
    } catch (err) {
      return fsStatus(reqId, err);
    }
  });

  sftp.on('REMOVE', (reqId, path) => {
    const abs = resolve(path);
    if (!canWrite(user, abs)) return reply(reqId, STATUS.PERMISSION_DENIED);
    try {
      fs.remove(abs);
      return reply(reqId, STATUS.OK);
    } catch (err) {
      return fsStatus(reqId, err);
    }
  });

  sftp.on('RENAME', (reqId, oldPath, newPath) => {
    const from = resolve(oldPath);
    const to = resolve(newPath);
    if (!canWrite(user, from) || !canWrite(user, to)) return reply(reqId, STATUS.PERMISSION_DENIED);
    // SFTP v3 rename refuses to replace an existing target, as OpenSSH's sftp-server does.
    if (fs.stat(to)) return reply(reqId, STATUS.FAILURE, 'File exists');
    try {
      fs.rename(from, to);
      return reply(reqId, STATUS.OK);
    } catch (err) {
      return fsStatus(reqId, err);
    }
  });

  const unsupported = (reqId: number): void => reply(reqId, STATUS.OP_UNSUPPORTED);
  sftp.on('READLINK', unsupported);
  sftp.on('SYMLINK', unsupported);
  sftp.on('EXTENDED', unsupported);
}
