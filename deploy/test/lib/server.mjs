import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { fromRoot, serverDir, serverEntry } from './paths.mjs';

/** Newest modification time of the non-test sources under `dir` (ms), 0 when there are none. */
function newestSourceMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|mts|json)$/.test(entry.name) || /\.test\.ts$/.test(entry.name)) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    if (full.includes(`${path.sep}test-support${path.sep}`)) continue;
    newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Workspace packages `dir` depends on at run time, transitively (folders). */
function workspaceRuntimeDeps(dir, seen = new Map()) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
    if (!String(spec).startsWith('workspace:') || seen.has(name)) continue;
    const folder = [fromRoot('packages', name.replace('@gpu-shopper/', '')), fromRoot('apps', name.replace('@gpu-shopper/', ''))].find((f) => fs.existsSync(path.join(f, 'package.json')));
    if (!folder) continue;
    seen.set(name, folder);
    workspaceRuntimeDeps(folder, seen);
  }
  return seen;
}

/**
 * Whether the built server (apps/server/dist/main.js) and the built workspace packages it runs on
 * are present and not older than their sources. These tests never build; `pnpm build` does.
 * Returns `{ ok: true }` or `{ ok: false, reason }` (the reason is the skip message).
 */
export function serverBuildState() {
  const hint = 'run `pnpm build` (or `pnpm start` once) at the repository root, then rerun these tests';
  if (!fs.existsSync(serverEntry)) return { ok: false, reason: `the server is not built (${path.relative(fromRoot(), serverEntry)} is missing): ${hint}` };
  const packages = [['@gpu-shopper/server', serverDir], ...workspaceRuntimeDeps(serverDir)];
  for (const [name, folder] of packages) {
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const entry = path.join(folder, manifest.exports?.['.']?.default ?? manifest.main ?? 'dist/main.js');
    if (!fs.existsSync(entry)) return { ok: false, reason: `${name} is not built (${path.relative(fromRoot(), entry)} is missing): ${hint}` };
    const distMtime = fs.statSync(entry).mtimeMs;
    if (newestSourceMtime(path.join(folder, 'src')) > distMtime) {
      return { ok: false, reason: `${name}'s build is older than its sources (${path.relative(fromRoot(), entry)}): ${hint}` };
    }
  }
  return { ok: true };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a test server: nothing inherited that could configure it (no provider keys, so simulate mode). */
export function isolatedEnv(extra) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'warn', ...extra };
  if (process.env.HOME) env.HOME = process.env.HOME;
  return env;
}

/**
 * Starts `node <entry>` and waits until GET /health answers 200. The working directory should be an
 * empty temporary folder, so no `.env` is picked up. Always call `stop()` (it kills by PID).
 */
export async function startServer({ entry = serverEntry, cwd, env, timeoutMs = 20_000 }) {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], { cwd, env: { ...env, SERVER_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  void exited.then((info) => (exitInfo = info));

  const handle = {
    pid: child.pid,
    baseUrl: `http://127.0.0.1:${port}`,
    log: () => output,
    async stop() {
      if (exitInfo) return exitInfo;
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exitInfo) process.kill(child.pid, 'SIGKILL');
      }, 10_000);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitInfo) throw new Error(`the server exited (${JSON.stringify(exitInfo)}) before /health answered:\n${output}`);
    try {
      const response = await fetch(`${handle.baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`/health did not answer within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
