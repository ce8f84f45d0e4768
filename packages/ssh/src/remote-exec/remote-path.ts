import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';

/**
 * Why a remote path is refused, or undefined when it is acceptable. Remote paths are POSIX whatever
 * the local OS; relative paths resolve against the login directory (SFTP and exec agree on that).
 * `..` segments are refused so a server-initiated transfer cannot climb out of the directory its
 * caller meant (bench-ssh-ops §E.5).
 */
export function remotePathProblem(remotePath: string): string | undefined {
  if (remotePath.trim() === '') return 'remote path is empty';
  if (remotePath.includes('\0')) return 'remote path contains a NUL byte';
  if (remotePath.split('/').includes('..')) return "remote path contains a '..' segment";
  if (remotePath.endsWith('/')) return 'remote path names a directory';
  return undefined;
}

/**
 * The temporary name an upload is written to before the rename: a hidden sibling in the same
 * directory, so the rename stays on one filesystem and is atomic.
 */
export function temporaryUploadPath(remotePath: string): string {
  const dir = posix.dirname(remotePath);
  const name = `.${posix.basename(remotePath)}.${randomBytes(6).toString('hex')}.part`;
  return dir === '.' ? name : posix.join(dir, name);
}

/** The ancestors of a remote path's directory, outermost first (`a/b/c.txt` → `a`, `a/b`). */
export function parentDirectories(remotePath: string): string[] {
  const dirs: string[] = [];
  let dir = posix.dirname(remotePath);
  while (dir !== '.' && dir !== '/' && dir !== '') {
    dirs.unshift(dir);
    dir = posix.dirname(dir);
  }
  return dirs;
}
