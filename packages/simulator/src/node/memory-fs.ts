import { posix } from 'node:path';

export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOSPC' | 'ENOTEMPTY' | 'EACCES';

export class FsError extends Error {
  override readonly name = 'FsError';
  constructor(
    readonly code: FsErrorCode,
    readonly path: string,
  ) {
    super(`${code}: ${path}`);
  }
}

export interface FsEntry {
  readonly kind: 'file' | 'dir';
  /** Stable for the entry's life (a rename keeps it), as stat and /proc/locks report it. */
  readonly ino: number;
  data: Buffer;
  mode: number;
  uid: number;
  gid: number;
  atimeMs: number;
  mtimeMs: number;
}

/**
 * A node's file system: a flat map of absolute paths, shared by SFTP and the shell (`cat`, `>`,
 * `test -f`), so an uploaded script can be run and its output file downloaded again.
 */
export class MemoryFs {
  /** st_dev of the node's one file system: device fd:01 (253:1), as stat -c %d prints it. */
  static readonly DEVICE = 0xfd01;
  private readonly entries = new Map<string, FsEntry>();
  private bytesUsed = 0;
  private nextIno = 131_073;

  constructor(private readonly capacityBytes: number) {
    this.entries.set('/', this.newEntry('dir', 0o755, 0, 0));
  }

  static resolve(path: string, cwd = '/'): string {
    return posix.resolve(cwd, path);
  }

  stat(path: string): FsEntry | undefined {
    return this.entries.get(MemoryFs.resolve(path));
  }

  mkdir(path: string, options: { recursive?: boolean; uid?: number; gid?: number; mode?: number } = {}): void {
    const abs = MemoryFs.resolve(path);
    const existing = this.entries.get(abs);
    if (existing) {
      if (options.recursive && existing.kind === 'dir') return;
      throw new FsError('EEXIST', abs);
    }
    const parent = posix.dirname(abs);
    const parentEntry = this.entries.get(parent);
    if (!parentEntry) {
      if (!options.recursive) throw new FsError('ENOENT', abs);
      this.mkdir(parent, options);
    } else if (parentEntry.kind !== 'dir') {
      throw new FsError('ENOTDIR', parent);
    }
    this.entries.set(abs, this.newEntry('dir', options.mode ?? 0o755, options.uid ?? 0, options.gid ?? 0));
  }

  readFile(path: string): Buffer {
    const abs = MemoryFs.resolve(path);
    const entry = this.entries.get(abs);
    if (!entry) throw new FsError('ENOENT', abs);
    if (entry.kind === 'dir') throw new FsError('EISDIR', abs);
    entry.atimeMs = Date.now();
    return entry.data;
  }

  /** Creates or replaces (or appends to) a file; the parent folder must exist. */
  writeFile(path: string, data: Buffer, options: { append?: boolean; uid?: number; gid?: number; mode?: number } = {}): void {
    const abs = MemoryFs.resolve(path);
    const existing = this.entries.get(abs);
    if (existing?.kind === 'dir') throw new FsError('EISDIR', abs);
    const parent = this.entries.get(posix.dirname(abs));
    if (!parent) throw new FsError('ENOENT', abs);
    if (parent.kind !== 'dir') throw new FsError('ENOTDIR', posix.dirname(abs));
    const next = options.append && existing ? Buffer.concat([existing.data, data]) : Buffer.from(data);
    const delta = next.length - (existing?.data.length ?? 0);
    if (this.bytesUsed + delta > this.capacityBytes) throw new FsError('ENOSPC', abs);
    this.bytesUsed += delta;
    if (existing) {
      existing.data = next;
      existing.mtimeMs = Date.now();
    } else {
      const entry = this.newEntry('file', options.mode ?? 0o644, options.uid ?? 0, options.gid ?? 0);
      entry.data = next;
      this.entries.set(abs, entry);
    }
  }

  /** Writes `data` at `offset`, growing the file with zeros if needed (SFTP WRITE). */
  writeAt(path: string, offset: number, data: Buffer): void {
    const abs = MemoryFs.resolve(path);
    const entry = this.entries.get(abs);
    if (!entry) throw new FsError('ENOENT', abs);
    if (entry.kind === 'dir') throw new FsError('EISDIR', abs);
    const end = offset + data.length;
    if (end > entry.data.length) {
      const delta = end - entry.data.length;
      if (this.bytesUsed + delta > this.capacityBytes) throw new FsError('ENOSPC', abs);
      this.bytesUsed += delta;
      const grown = Buffer.alloc(end);
      entry.data.copy(grown);
      entry.data = grown;
    }
    data.copy(entry.data, offset);
    entry.mtimeMs = Date.now();
  }

  truncate(path: string, size: number): void {
    const abs = MemoryFs.resolve(path);
    const entry = this.entries.get(abs);
    if (!entry) throw new FsError('ENOENT', abs);
    if (entry.kind === 'dir') throw new FsError('EISDIR', abs);
    const next = Buffer.alloc(size);
    entry.data.copy(next, 0, 0, Math.min(size, entry.data.length));
    this.bytesUsed += next.length - entry.data.length;
    entry.data = next;
  }

  readdir(path: string): string[] {
    const abs = MemoryFs.resolve(path);
    const entry = this.entries.get(abs);
    if (!entry) throw new FsError('ENOENT', abs);
    if (entry.kind !== 'dir') throw new FsError('ENOTDIR', abs);
    const prefix = abs === '/' ? '/' : `${abs}/`;
    const names: string[] = [];
    for (const key of this.entries.keys()) {
      if (key !== abs && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) names.push(key.slice(prefix.length));
    }
    return names.sort();
  }

  remove(path: string): void {
    const abs = MemoryFs.resolve(path);
    const entry = this.entries.get(abs);
    if (!entry) throw new FsError('ENOENT', abs);
    if (entry.kind === 'dir') throw new FsError('EISDIR', abs);
    this.bytesUsed -= entry.data.length;
    this.entries.delete(abs);
  }

  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    const abs = MemoryFs.resolve(path);
    const entry = this.entries.get(abs);
    if (!entry) throw new FsError('ENOENT', abs);
    if (entry.kind !== 'dir') throw new FsError('ENOTDIR', abs);
    const children = this.readdir(abs);
    if (children.length > 0 && !options.recursive) throw new FsError('ENOTEMPTY', abs);
    for (const child of children) {
      const childPath = posix.join(abs, child);
      if (this.entries.get(childPath)?.kind === 'dir') this.rmdir(childPath, options);
      else this.remove(childPath);
    }
    if (abs !== '/') this.entries.delete(abs);
  }

  /** Moves a file or folder (with everything under it); replaces an existing target file. */
  rename(from: string, to: string): void {
    const src = MemoryFs.resolve(from);
    const dst = MemoryFs.resolve(to);
    const entry = this.entries.get(src);
    if (!entry) throw new FsError('ENOENT', src);
    const parent = this.entries.get(posix.dirname(dst));
    if (!parent) throw new FsError('ENOENT', dst);
    const target = this.entries.get(dst);
    if (target?.kind === 'dir') throw new FsError('EISDIR', dst);
    if (target) this.remove(dst);
    const moved: [string, FsEntry][] = [];
    for (const [key, value] of this.entries) {
      if (key === src || key.startsWith(`${src}/`)) moved.push([dst + key.slice(src.length), value]);
    }
    for (const [key] of moved) this.entries.delete(src + key.slice(dst.length));
    for (const [key, value] of moved) this.entries.set(key, value);
  }

  private newEntry(kind: 'file' | 'dir', mode: number, uid: number, gid: number): FsEntry {
    const now = Date.now();
    return { kind, ino: this.nextIno++, data: Buffer.alloc(0), mode, uid, gid, atimeMs: now, mtimeMs: now };
  }
}
