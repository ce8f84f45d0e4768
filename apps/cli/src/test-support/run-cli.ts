import fs from 'node:fs';
import path from 'node:path';

import { runProcess } from '@gpu-shopper/test-support';

/** The built binary, exactly what `gpu-shopper` runs (bin/run.js → dist/commands). */
export const CLI_BIN = path.resolve(import.meta.dirname, '../../bin/run.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Environment of the process; nothing is inherited but PATH. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to stdin, then closed (stdin is always closed, so a prompt never hangs). */
  readonly input?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

function assertBuilt(): void {
  if (!fs.existsSync(path.resolve(import.meta.dirname, '../../dist/commands'))) {
    throw new Error('the CLI is not built (apps/cli/dist is missing): run `pnpm --filter @gpu-shopper/cli build` first');
  }
}

/** Runs `node bin/run.js …args` and collects its exit code and output. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  assertBuilt();
  return run(process.execPath, [CLI_BIN, ...args], options);
}

/** Runs a script through a real `bash` (pipes, jq, loops exactly as a user types them). */
export async function runShell(script: string, options: RunOptions = {}): Promise<CliResult> {
  assertBuilt();
  return run('bash', ['-euo', 'pipefail', '-c', script], options);
}

async function run(command: string, args: readonly string[], options: RunOptions): Promise<CliResult> {
  const { code, stdout, stderr } = await runProcess(command, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { code, stdout, stderr };
}

/** The parsed JSON output of a command that must have succeeded (its output in the error otherwise). */
export function jsonOf<T = Record<string, unknown>>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
