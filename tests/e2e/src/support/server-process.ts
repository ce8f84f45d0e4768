import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The built server entry point: these tests run the real process, as a user would (`pnpm start`). */
export const SERVER_ENTRY = path.resolve(import.meta.dirname, '../../../../apps/server/dist/main.js');

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcessOptions {
  /** Extra environment (provider keys, *_BASE_URL, intervals…). Nothing is inherited but PATH and HOME. */
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse a data directory (a restart keeps the database and the encryption key). */
  readonly dataDir?: string;
  /** The admin token; `null` starts the server without one (protected mode: local requests act as admin). @default ADMIN_TOKEN */
  readonly adminToken?: string | null;
}

/**
 * One `node apps/server/dist/main.js` process in an empty working directory (so no `.env` is read),
 * with its own SQLite file. Every line it prints is kept in `logs` for assertions (and secret scans).
 */
export class ServerProcess {
  readonly logs: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly url: string,
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly ownsDataDir: boolean,
  ) {}

  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`the server is not built (${SERVER_ENTRY} is missing): run \`pnpm build\` first`);
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'gpushop-e2e-')));
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      DATABASE_PATH: path.join(dataDir, 'gpu-shopper.db'),
      ...(options.adminToken === null ? {} : { GPU_SHOPPER_ADMIN_TOKEN: options.adminToken ?? ADMIN_TOKEN }),
      LOG_LEVEL: 'debug',
      ...options.env,
    };
    // The port was free when picked, but another process (a parallel suite's server or simulator)
    // may take it before this server binds: try again on a fresh one.
    for (let attempt = 1; ; attempt++) {
      const server = new ServerProcess(`http://127.0.0.1:${env.SERVER_PORT}`, Number(env.SERVER_PORT), dataDir, env, options.dataDir === undefined);
      try {
        await server.launch();
        return server;
      } catch (error) {
        if (attempt >= 3 || !server.logs.some((line) => line.includes('EADDRINUSE'))) throw error;
        env.SERVER_PORT = String(await freePort());
      }
    }
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: this.dataDir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        this.logs.push(...lines);
      });
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${this.logs.slice(-20).join('\n')}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not answer /health within 30 s:\n${this.logs.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: a crash, no shutdown hook runs. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for a clean exit; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Starts the process again on the same port, database and key. */
  async restart(): Promise<void> {
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
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
}
