// The production bundle the Dockerfile ships: `pnpm --filter @gpu-shopper/server deploy --prod`
// of the built server. It must contain no devDependencies, no symlink leaving the bundle (the
// Dockerfile copies the folder into another image), and must start with what it contains.
// These tests build nothing: without a (fresh) build of the server this is skipped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { fromDeploy, fromRoot, serverDir } from './lib/paths.mjs';
import { isolatedEnv, serverBuildState, startServer } from './lib/server.mjs';

const build = serverBuildState();
const pnpm = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const skip = !build.ok ? build.reason : pnpm.error ? 'pnpm is not on PATH (npm i -g -E pnpm@12.4.2)' : false;

/** Every symlink under `dir` (recursively, without following links). */
function symlinks(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isSymbolicLink())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

describe('production bundle (pnpm deploy --prod)', { skip }, () => {
  test('contains production dependencies only, is self-contained, and serves /health', { timeout: 55_000 }, async (t) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-bundle-'));
    t.after(() => fs.rmSync(work, { recursive: true, force: true }));
    const bundle = path.join(work, 'server');

    // The Dockerfile's command. Packages come from the store; pnpm's supply-chain check of the
    // pruned lockfile may fetch registry metadata it has not cached yet.
    const deploy = spawnSync('pnpm', ['--filter', '@gpu-shopper/server', 'deploy', '--prod', '--prefer-offline', bundle], {
      cwd: fromRoot(),
      encoding: 'utf8',
      timeout: 45_000,
      env: { ...process.env, CI: 'true' },
    });
    assert.equal(deploy.status, 0, `pnpm deploy failed:\n${deploy.stdout}${deploy.stderr}`);
    assert.ok(fs.existsSync(path.join(bundle, 'dist', 'main.js')), 'the bundle has dist/main.js');

    const manifest = JSON.parse(fs.readFileSync(path.join(serverDir, 'package.json'), 'utf8'));
    const top = new Set(
      fs.readdirSync(path.join(bundle, 'node_modules')).flatMap((name) =>
        name.startsWith('@') ? fs.readdirSync(path.join(bundle, 'node_modules', name)).map((child) => `${name}/${child}`) : [name],
      ),
    );
    for (const dependency of Object.keys(manifest.dependencies ?? {})) assert.ok(top.has(dependency), `production dependency ${dependency} is installed`);
    const devPresent = Object.keys(manifest.devDependencies ?? {}).filter((name) => top.has(name) && !(name in (manifest.dependencies ?? {})));
    assert.deepEqual(devPresent, [], 'devDependencies in the bundle');
    const virtualStore = fs.readdirSync(path.join(bundle, 'node_modules', '.pnpm'));
    const tooling = virtualStore.filter((name) => /^(typescript|jest|ts-jest|eslint|supertest|turbo|@types\+jest|@types\+supertest)@/.test(name));
    assert.deepEqual(tooling, [], 'build and test tooling in the bundle');

    const escaping = symlinks(bundle).filter((link) => !path.resolve(path.dirname(link), fs.readlinkSync(link)).startsWith(bundle + path.sep));
    assert.deepEqual(escaping, [], 'symlinks pointing outside the bundle');

    const dataDir = path.join(work, 'data');
    const server = await startServer({ entry: path.join(bundle, 'dist', 'main.js'), cwd: bundle, env: isolatedEnv({ DATABASE_PATH: path.join(dataDir, 'gpu-shopper.db'), NODE_ENV: 'production' }) });
    try {
      const health = await (await fetch(`${server.baseUrl}/health`)).json();
      assert.equal(health.status, 'ok');
      assert.equal(health.mode, 'simulate');
    } finally {
      const exit = await server.stop();
      assert.equal(exit.code, 0, `the server did not exit cleanly on SIGTERM:\n${server.log()}`);
    }
    assert.ok(fs.existsSync(path.join(dataDir, 'gpu-shopper.db')), 'the database was created at DATABASE_PATH');
    assert.ok(fs.existsSync(path.join(dataDir, 'gpu-shopper.key')), 'the encryption key file was created beside the database');

    // The image ships the backup script at /app/scripts: it must find better-sqlite3 in the bundle.
    fs.mkdirSync(path.join(bundle, 'scripts'));
    fs.copyFileSync(fromDeploy('scripts', 'backup-db.mjs'), path.join(bundle, 'scripts', 'backup-db.mjs'));
    const backup = spawnSync(process.execPath, ['scripts/backup-db.mjs', path.join(dataDir, 'gpu-shopper.db'), path.join(work, 'backup.db'), '--with-key'], {
      cwd: bundle,
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(backup.status, 0, `${backup.stdout}${backup.stderr}`);
    assert.ok(fs.existsSync(path.join(work, 'backup.db.key')));
  });
});
