import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root, from dist/support/ or src/support/ alike. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
/** The built server: the benchmark measures the process a user runs (`pnpm start`), never its sources. */
export const SERVER_ENTRY = path.join(REPO_ROOT, 'apps/server/dist/main.js');
export const CLI_ENTRY = path.join(REPO_ROOT, 'apps/cli/bin/run.js');
export const BARE_EXPRESS_ENTRY = path.resolve(import.meta.dirname, 'bare-express.js');

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** Only PATH and HOME are inherited: a developer's provider keys must never turn the bench live. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.HOME ? { HOME: process.env.HOME } : {}) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

function collectLines(child: ChildProcess, into: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
      // Keep memory flat over a long run: only the tail is ever shown in errors.
      if (into.length > 2000) into.splice(0, into.length - 1000);
    });
  }
}

async function waitForHttp(url: string, child: ChildProcess, logs: string[], what: string, timeoutMs = 30_000): Promise<void> {
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

/** A child process we own: its pid (for RSS), its output tail (for errors) and a clean stop. */
export class OwnedProcess {
  readonly logs: string[] = [];
  private readonly exited: Promise<void>;

  constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly cleanupDir?: string,
  ) {
    collectLines(child, this.logs);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('process has no pid');
    return this.child.pid;
  }

  /** Resident set size in bytes, from /proc (Linux): what the kernel really holds for the process. */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (!kb) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(kb) * 1024;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const done = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
      if (!done) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    if (this.cleanupDir) await rm(this.cleanupDir, { recursive: true, force: true });
  }
}

export interface ServerStart {
  /** The data directory: the database may be seeded before the server opens it. */
  readonly dataDir: string;
  readonly env?: Readonly<Record<string, string>>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'gpushop-bench-'));
}

/**
 * `node apps/server/dist/main.js` in an empty working directory (no `.env` is read) with its own
 * SQLite file, attached to the bench's simulator through SIMULATOR_URL (simulate mode).
 */
export async function startServer(options: ServerStart): Promise<OwnedProcess> {
  if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`the server is not built (${SERVER_ENTRY} is missing): run \`pnpm bench\` from the repository root, which builds it`);
  const port = await freePort();
  const env: Record<string, string> = {
    ...baseEnv(),
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: String(port),
    DATABASE_PATH: path.join(options.dataDir, 'gpu-shopper.db'),
    GPU_SHOPPER_ADMIN_TOKEN: ADMIN_TOKEN,
    // Logging every request would measure the logger; warnings still reach the output tail.
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: options.dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new OwnedProcess(child, `http://127.0.0.1:${port}`, options.dataDir);
  await waitForHttp(`${server.url}/health`, child, server.logs, 'the server');
  return server;
}

/** The bare Express baseline of figure 1, in its own process like the server. */
export async function startBareExpress(bodyFile: string): Promise<OwnedProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE_EXPRESS_ENTRY, String(port), bodyFile], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const bare = new OwnedProcess(child, `http://127.0.0.1:${port}`);
  await waitForHttp(`${bare.url}/health`, child, bare.logs, 'the bare Express baseline');
  return bare;
}

export interface CliRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** One CLI invocation as a user types it: a fresh `node` process, wall time from spawn to exit. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'apps/cli/dist'))) throw new Error('the CLI is not built (apps/cli/dist is missing): run `pnpm bench` from the repository root');
  const start = performance.now();
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { exitCode, stdout, stderr, wallMs: performance.now() - start };
}
