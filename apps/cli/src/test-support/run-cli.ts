import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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
  return runProcess(process.execPath, [CLI_BIN, ...args], options);
}

/** Runs a script through a real `bash` (pipes, jq, loops exactly as a user types them). */
export async function runShell(script: string, options: RunOptions = {}): Promise<CliResult> {
  assertBuilt();
  return runProcess('bash', ['-euo', 'pipefail', '-c', script], options);
}

async function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
