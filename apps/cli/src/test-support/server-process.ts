import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The built server (apps/server/dist): the CLI is tested against the real process, as users run it. */
export const SERVER_ENTRY = path.resolve(import.meta.dirname, '../../../server/dist/main.js');

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

/**
 * One `node apps/server/dist/main.js` in an empty working directory (no `.env` is read) with its own
 * SQLite file; simulate mode unless provider keys are passed in `env`.
 */
export class ServerProcess {
  readonly logs: string[] = [];
  private exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly url: string,
    private readonly dataDir: string,
    private readonly child: ChildProcess,
    /** The admin token it was started with: /health shows the simulator's URL to the admin only. */
    private readonly adminToken: string | undefined,
  ) {}

  static async start(env: Readonly<Record<string, string>> = {}): Promise<ServerProcess> {
    if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`the server is not built (${SERVER_ENTRY} is missing): run \`pnpm build\` first`);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gpushop-cli-server-'));
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dataDir,
        SERVER_HOST: '127.0.0.1',
        SERVER_PORT: String(port),
        DATABASE_PATH: path.join(dataDir, 'gpu-shopper.db'),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(`http://127.0.0.1:${port}`, dataDir, child, env.GPU_SHOPPER_ADMIN_TOKEN);
    server.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => server.logs.push(...chunk.split('\n').filter(Boolean)));
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${server.logs.slice(-20).join('\n')}`);
      try {
        const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not answer /health within 30 s:\n${server.logs.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async health(): Promise<{ deployment_id: string; simulator: { control: string } | null }> {
    const res = await fetch(`${this.url}/health`, { headers: this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {} });
    return (await res.json()) as { deployment_id: string; simulator: { control: string } | null };
  }

  async dispose(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
