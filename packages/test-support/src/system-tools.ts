import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A program from the operating system that some tests need, and the Debian package that installs it. */
export interface SystemTool {
  readonly name: string;
  /** Where it must be (sshd must be started by absolute path); otherwise it is looked up on PATH. */
  readonly path?: string;
  /** Extra folders to look in besides PATH. */
  readonly searchDirs?: () => readonly string[];
  /** A lookup of its own, replacing PATH and `searchDirs` (PostgreSQL's binaries come as a set). */
  readonly locate?: (env: Readonly<Record<string, string | undefined>>) => string | undefined;
  readonly debianPackage: string;
}

export const SSHD: SystemTool = { name: 'sshd', path: '/usr/sbin/sshd', debianPackage: 'openssh-server' };
export const SSH_KEYGEN: SystemTool = { name: 'ssh-keygen', debianPackage: 'openssh-client' };
export const CHROMIUM: SystemTool = { name: 'chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', debianPackage: 'chromium' };

/** A folder holding the three programs a throwaway cluster needs. */
function isPostgresBinDir(dir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(path.join(dir, bin)));
}

/**
 * PostgreSQL's server (`postgres`, with `initdb` and `pg_ctl` beside it): from POSTGRES_BIN_DIR when
 * set (and only there), else Debian's newest major (`/usr/lib/postgresql/<major>/bin`, not on PATH),
 * else PATH. Storage's throwaway cluster starts the binaries found here, so the suites that skip
 * and the cluster that runs agree on what is installed.
 */
export const POSTGRES: SystemTool = {
  name: 'postgres',
  debianPackage: 'postgresql',
  locate: (env) => {
    const fromEnv = env.POSTGRES_BIN_DIR;
    if (fromEnv) return isPostgresBinDir(fromEnv) ? path.join(fromEnv, 'postgres') : undefined;
    let majors: string[] = [];
    try {
      majors = readdirSync('/usr/lib/postgresql')
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a));
    } catch {
      // No Debian cluster binaries; PATH may still have them.
    }
    const dirs = [...majors.map((major) => `/usr/lib/postgresql/${major}/bin`), ...(env.PATH ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
    const dir = dirs.find(isPostgresBinDir);
    return dir === undefined ? undefined : path.join(dir, 'postgres');
  },
};

/** The tool's absolute path, or undefined when it is not installed (`env` is read by a tool's own lookup). */
export function findTool(tool: SystemTool, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (tool.locate) return tool.locate(env);
  if (tool.path) return existsSync(tool.path) ? tool.path : undefined;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...(tool.searchDirs?.() ?? [])];
  return dirs.map((dir) => path.join(dir, tool.name)).find((candidate) => existsSync(candidate));
}

/** Thrown where a suite's tools are missing under CI: the suite fails instead of passing without running. */
export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}

/**
 * The one rule for suites that need system tools. Returns true when every tool is installed. When
 * one is missing: under CI (`CI=true`) it throws, so the suite fails, because a suite that passes
 * without running proves nothing; elsewhere it prints a loud notice naming the Debian packages to
 * install and returns false, and the caller skips the suite:
 *
 *     const describeWithSshd = requireTools('real sshd tests', [SSHD]) ? describe : describe.skip;
 */
export function requireTools(
  suite: string,
  tools: readonly SystemTool[],
  options: { env?: Readonly<Record<string, string | undefined>>; warn?: (notice: string) => void } = {},
): boolean {
  const { env = process.env, warn = (notice: string) => void process.stderr.write(notice) } = options;
  const missing = tools.filter((tool) => findTool(tool, env) === undefined);
  if (missing.length === 0) return true;
  const names = missing.map((tool) => `${tool.name}${tool.path ? ` (${tool.path})` : ''}`).join(', ');
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))].join(' ');
  const message = `${suite} did NOT run: ${names} not installed (apt-get install ${packages})`;
  if (env.CI === 'true') throw new MissingToolError(`${message}; under CI a missing tool fails the suite`);
  warn(`\n\n!!! SKIPPED: ${message}. !!!\n\n`);
  return false;
}
