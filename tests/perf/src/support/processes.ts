import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { baseEnv, freePort, OwnedProcess, REPO_ROOT, runProcess, ServerProcess, waitForHttp } from '@gpu-shopper/test-support';

export { baseEnv, freePort, OwnedProcess, REPO_ROOT, runProcess };

export const CLI_ENTRY = path.join(REPO_ROOT, 'apps/cli/bin/run.js');
export const BARE_EXPRESS_ENTRY = path.resolve(import.meta.dirname, 'bare-express.js');

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export interface ServerStart {
  /** The data directory: the database may be seeded before the server opens it. It is removed by `dispose()`. */
  readonly dataDir: string;
  readonly env?: Readonly<Record<string, string>>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'gpushop-bench-'));
}

/** The benchmarked server: the built process a user runs, attached to the bench's simulator through SIMULATOR_URL. */
export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  rssBytes(): Promise<number>;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * `node apps/server/dist/main.js` in an empty working directory (no `.env` is read) with its own
 * SQLite file. Logging every request would measure the logger, so only warnings are printed, and
 * only the tail of the output is kept over a long run.
 */
export async function startServer(options: ServerStart): Promise<BenchServer> {
  const server = await ServerProcess.start({ dataDir: options.dataDir, adminToken: ADMIN_TOKEN, home: 'inherit', logLevel: 'warn', maxLogLines: 2000, ...(options.env ? { env: options.env } : {}) });
  return {
    url: server.url,
    pid: server.pid,
    rssBytes: () => server.rssBytes(),
    stop: async () => {
      await server.stop();
      await fs.promises.rm(options.dataDir, { recursive: true, force: true });
    },
  };
}

/** The bare Express baseline of figure 1, in its own process like the server. */
export async function startBareExpress(bodyFile: string): Promise<OwnedProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE_EXPRESS_ENTRY, String(port), bodyFile], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const bare = new OwnedProcess(child, `http://127.0.0.1:${port}`, [], 2000);
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
  const { code, stdout, stderr, wallMs } = await runProcess(process.execPath, [CLI_ENTRY, ...args], { env: { ...baseEnv(), ...env } });
  return { exitCode: code, stdout, stderr, wallMs };
}

/**
 * CPU time (user + system) a process has used so far, in milliseconds (/proc, 10 ms ticks). Beside
 * a throughput, the CPU each request cost: what another process on a loaded machine cannot skew.
 */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses: utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const SIMULATOR_ENTRY = path.join(REPO_ROOT, 'packages/simulator/dist/cli.js');

/** The simulator in its own process, as a vendor is another machine: its sending never waits on this process's work. */
export interface SimulatorProcess {
  readonly urls: { readonly vastai: string; readonly tensordock: string; readonly bluelobster: string; readonly control: string };
  /** `POST /_sim/faults` on its control API. */
  injectFault(fault: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** `node packages/simulator/dist/cli.js …`; resolves once it printed its URLs (its first stdout line). */
export async function startSimulatorProcess(args: readonly string[]): Promise<SimulatorProcess> {
  if (!fs.existsSync(SIMULATOR_ENTRY)) throw new Error('the simulator is not built (packages/simulator/dist is missing): run `pnpm bench` from the repository root');
  const child = spawn(process.execPath, [SIMULATOR_ENTRY, ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const owned = new OwnedProcess(child, '', [], 2000);
  const firstLine = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0) return;
      child.stdout?.off('data', onData);
      resolve(text.slice(0, end));
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before printing its URLs: ${owned.logs.slice(-5).join(' | ')}`)));
  });
  const urls = JSON.parse(firstLine) as SimulatorProcess['urls'];
  return {
    urls,
    injectFault: async (fault) => {
      const res = await fetch(`${urls.control}/_sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fault) });
      if (!res.ok) throw new Error(`the simulator refused a fault (${res.status}): ${await res.text()}`);
    },
    stop: async () => {
      await owned.stop();
    },
  };
}
