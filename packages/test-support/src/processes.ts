import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From spawn to exit. */
  readonly wallMs: number;
}

export interface RunProcessOptions {
  /** The whole environment of the process: nothing is inherited unless the caller passes it. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Written to stdin, then closed (stdin is always closed, so a prompt never hangs). */
  readonly input?: string;
  /** Killed with SIGKILL after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/** Only PATH and HOME are inherited: a developer's provider keys must never reach a process under test. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.HOME ? { HOME: process.env.HOME } : {}) };
}

/** Runs a program to its exit and collects its exit code and output. */
export async function runProcess(command: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Appends every complete line a child prints (stdout and stderr) to `into`. With `maxLines`, only
 * the tail is kept, so a long-running process does not grow memory (errors show only the tail).
 */
export function collectLines(child: ChildProcess, into: string[], maxLines?: number): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
      if (maxLines !== undefined && into.length > maxLines) into.splice(0, into.length - Math.floor(maxLines / 2));
    });
  }
}

/** Resolves once `url` answers 2xx; fails at once if the child exits, or after `timeoutMs`, with its output tail. */
export async function waitForHttp(url: string, child: ChildProcess, logs: readonly string[], what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${logs.slice(-20).join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s:\n${logs.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
