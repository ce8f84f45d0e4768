import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from './free-port.js';
import { baseEnv, collectLines, waitForHttp } from './processes.js';

/** The repository root (this file is in packages/test-support/src or …/dist). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
/** The built server: suites run the process a user runs (`pnpm start`), never its sources. */
export const SERVER_ENTRY = path.join(REPO_ROOT, 'apps/server/dist/main.js');

/** A child process a suite owns: its output, its memory, and a stop that always ends it. */
export class OwnedProcess {
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    readonly url: string,
    /** Every line it printed (or, with `maxLogLines`, the tail). */
    readonly logs: string[] = [],
    maxLogLines?: number,
  ) {
    collectLines(child, this.logs, maxLogLines);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('process has no pid');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resident set size in bytes, from /proc (Linux): what the kernel really holds for the process. */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (!kb) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(kb) * 1024;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves to the exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const done = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, graceMs, false).unref())]);
      if (!done) this.child.kill('SIGKILL');
    }
    return this.exited;
  }

  /** SIGKILL: a crash, no shutdown hook runs. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

export interface ServerProcessOptions {
  /** Extra environment (provider keys, *_BASE_URL, intervals…). Nothing is inherited but PATH (and HOME, see `home`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse a data directory (a seeded database, or a restart that keeps the database and key). It is then not removed. */
  readonly dataDir?: string;
  /** GPU_SHOPPER_ADMIN_TOKEN; none by default (protected mode: local requests act as admin). */
  readonly adminToken?: string;
  /** @default 'warn' */
  readonly logLevel?: string;
  /** `inherit` passes the caller's HOME; `dataDir` (the default) gives the server an empty home. */
  readonly home?: 'inherit' | 'dataDir';
  /** Keep only the tail of the output (long benchmark runs); by default every line is kept for assertions. */
  readonly maxLogLines?: number;
}

/**
 * One `node apps/server/dist/main.js` in an empty working directory (so no `.env` is read) with its
 * own SQLite file. Every line it prints is kept in `logs`, across restarts.
 */
export class ServerProcess {
  readonly logs: string[] = [];
  private process: OwnedProcess | null = null;

  private constructor(
    readonly url: string,
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly ownsDataDir: boolean,
    private readonly maxLogLines: number | undefined,
  ) {}

  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`the server is not built (${SERVER_ENTRY} is missing): run \`pnpm build\` first`);
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'gpushop-server-')));
    const inherited = baseEnv();
    const env: Record<string, string> = {
      PATH: inherited.PATH ?? '/usr/bin:/bin',
      HOME: options.home === 'inherit' ? (inherited.HOME ?? dataDir) : dataDir,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(await freePort()),
      DATABASE_PATH: path.join(dataDir, 'gpu-shopper.db'),
      ...(options.adminToken === undefined ? {} : { GPU_SHOPPER_ADMIN_TOKEN: options.adminToken }),
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.env,
    };
    // The port was free when picked, but another process (a parallel suite's server or simulator)
    // may take it before this server binds: try again on a fresh one.
    for (let attempt = 1; ; attempt++) {
      const server = new ServerProcess(`http://127.0.0.1:${env.SERVER_PORT}`, Number(env.SERVER_PORT), dataDir, env, options.dataDir === undefined, options.maxLogLines);
      try {
        await server.launch();
        return server;
      } catch (error) {
        await server.process?.kill();
        if (attempt >= 3 || !server.logs.some((line) => line.includes('EADDRINUSE'))) {
          if (server.ownsDataDir) await rm(dataDir, { recursive: true, force: true });
          throw error;
        }
        env.SERVER_PORT = String(await freePort());
      }
    }
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: this.dataDir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = new OwnedProcess(child, this.url, this.logs, this.maxLogLines);
    await waitForHttp(`${this.url}/health`, child, this.logs, 'the server');
  }

  get pid(): number {
    return this.owned().pid;
  }

  rssBytes(): Promise<number> {
    return this.owned().rssBytes();
  }

  /** SIGKILL: a crash, no shutdown hook runs. */
  async kill(): Promise<void> {
    await this.process?.kill();
  }

  /** SIGTERM and wait for a clean exit; resolves to the exit code. */
  async stop(): Promise<number | null> {
    return this.process ? this.process.stop() : null;
  }

  /** Starts the process again on the same port, database and key. */
  async restart(): Promise<void> {
    if (this.process?.running) throw new Error('the server is still running: stop or kill it first');
    await this.launch();
  }

  /** Stops the process and removes the data directory it made. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** `/health`, as the admin when the server has an admin token (only the admin sees the simulator's URL). */
  async health(): Promise<{ deployment_id: string; simulator: { control: string } | null }> {
    const token = this.env.GPU_SHOPPER_ADMIN_TOKEN;
    const res = await fetch(`${this.url}/health`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return (await res.json()) as { deployment_id: string; simulator: { control: string } | null };
  }

  /** Parsed JSON log lines (non-JSON lines, e.g. Node warnings, are returned as `{ raw }`). */
  entries(): Record<string, unknown>[] {
    return this.logs
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return { raw: line };
        }
      });
  }

  private owned(): OwnedProcess {
    if (!this.process) throw new Error('the server was never started');
    return this.process;
  }
}
