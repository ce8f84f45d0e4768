import { FsError } from './memory-fs.js';
import { type ExecResult, type ProgramContext } from './shell.js';

/** What every simulated program shares: results, the node's permission rules, file-error messages, input reading. */

export const DPKG_LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'];

export function out(stdout: string, code = 0): ExecResult {
  return { stdout, stderr: '', code };
}

export function fail(stderr: string, code = 1): ExecResult {
  return { stdout: '', stderr, code };
}

/** Home and temp folders are writable by their user; everything else needs root, as on a VM. */
export function canWrite(user: string, path: string): boolean {
  if (user === 'root') return true;
  const home = `/home/${user}`;
  return [home, '/tmp', '/var/tmp', '/dev/shm'].some((dir) => path === dir || path.startsWith(`${dir}/`));
}

export function canRead(user: string, path: string): boolean {
  if (user === 'root') return true;
  if (path === '/root' || path.startsWith('/root/')) return false;
  return !DPKG_LOCKS.includes(path);
}

const FS_MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOSPC: 'No space left on device',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
};

export function fsMessage(err: unknown): string {
  if (err instanceof FsError) return FS_MESSAGES[err.code] ?? err.code;
  throw err;
}

export function owner(user: string): { uid: number; gid: number } {
  return user === 'root' ? { uid: 0, gid: 0 } : { uid: 1000, gid: 1000 };
}

/** Reads the named files (or stdin when none / `-`), reporting missing files like coreutils. */
export function readInputs(ctx: ProgramContext, files: readonly string[], tool: string): { text: string; errors: string; code: number } {
  if (files.length === 0) return { text: ctx.stdin, errors: '', code: 0 };
  let text = '';
  let errors = '';
  let code = 0;
  for (const file of files) {
    if (file === '-') {
      text += ctx.stdin;
      continue;
    }
    const content = ctx.shell.env.files.readText(ctx.shell.resolvePath(file), ctx.shell.user);
    if (typeof content === 'string') text += content;
    else {
      errors += `${tool}: ${file}: ${content.error}\n`;
      code = tool === 'grep' ? 2 : 1;
    }
  }
  return { text, errors, code };
}

export function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Waits `ms` unless the session is cancelled (channel closed, signal, `timeout`). */
export function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
