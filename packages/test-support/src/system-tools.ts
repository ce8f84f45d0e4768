import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A program from the operating system that some tests need, and the Debian package that installs it. */
export interface SystemTool {
  readonly name: string;
  /** Where it must be (sshd must be started by absolute path); otherwise it is looked up on PATH. */
  readonly path?: string;
  /** Extra folders to look in besides PATH (PostgreSQL's binaries are not on it). */
  readonly searchDirs?: () => readonly string[];
  readonly debianPackage: string;
}

export const SSHD: SystemTool = { name: 'sshd', path: '/usr/sbin/sshd', debianPackage: 'openssh-server' };
export const SSH_KEYGEN: SystemTool = { name: 'ssh-keygen', debianPackage: 'openssh-client' };
export const CHROMIUM: SystemTool = { name: 'chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', debianPackage: 'chromium' };
export const POSTGRES: SystemTool = {
  name: 'postgres',
  debianPackage: 'postgresql',
  searchDirs: () => {
    try {
      return readdirSync('/usr/lib/postgresql').map((version) => `/usr/lib/postgresql/${version}/bin`);
    } catch {
      return [];
    }
  },
};

/** The tool's absolute path, or undefined when it is not installed. */
export function findTool(tool: SystemTool): string | undefined {
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
  const missing = tools.filter((tool) => findTool(tool) === undefined);
  if (missing.length === 0) return true;
  const names = missing.map((tool) => `${tool.name}${tool.path ? ` (${tool.path})` : ''}`).join(', ');
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))].join(' ');
  const message = `${suite} did NOT run: ${names} not installed (apt-get install ${packages})`;
  if (env.CI === 'true') throw new MissingToolError(`${message}; under CI a missing tool fails the suite`);
  warn(`\n\n!!! SKIPPED: ${message}. !!!\n\n`);
  return false;
}
