// deploy/scripts/backup-db.mjs: an online backup of a WAL-mode database that another connection
// holds open with uncheckpointed writes (as the running server does), where copying the file is not enough.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { fromDeploy, fromRoot } from './lib/paths.mjs';

const Database = createRequire(fromRoot('packages', 'storage', 'package.json'))('better-sqlite3');
const script = fromDeploy('scripts', 'backup-db.mjs');

describe('backup-db.mjs', () => {
  test('copies committed rows still in the WAL, checks the copy, and copies the key file with --with-key', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-backup-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const source = path.join(dir, 'gpu-shopper.db');
    const live = new Database(source);
    t.after(() => live.close());
    live.pragma('journal_mode = WAL');
    live.pragma('wal_autocheckpoint = 0'); // keep every commit in the -wal file, like a busy server between checkpoints
    live.exec('create table sessions (id text primary key)');
    const insert = live.prepare('insert into sessions values (?)');
    for (let i = 0; i < 50; i++) insert.run(`ses_${i}`);
    fs.writeFileSync(path.join(dir, 'gpu-shopper.key'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });

    // Why a plain copy is not a backup: the .db file alone misses what is in the WAL.
    fs.copyFileSync(source, path.join(dir, 'plain-copy.db'));
    const plain = new Database(path.join(dir, 'plain-copy.db'), { readonly: true });
    assert.throws(() => plain.prepare('select count(*) from sessions').get(), /no such table/);
    plain.close();

    const destination = path.join(dir, 'backups', 'gpu-shopper-backup.db');
    const run = spawnSync(process.execPath, [script, source, destination, '--with-key'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /backup written: .*integrity ok/);

    assert.ok(!fs.existsSync(`${destination}-wal`) && !fs.existsSync(`${destination}-shm`), 'the backup is one self-contained file');
    const copy = new Database(destination, { readonly: true });
    assert.equal(copy.prepare('select count(*) as n from sessions').get().n, 50);
    copy.close();
    assert.equal(fs.readFileSync(`${destination}.key`, 'utf8'), fs.readFileSync(path.join(dir, 'gpu-shopper.key'), 'utf8'));
    assert.equal(fs.statSync(`${destination}.key`).mode & 0o777, 0o600);

    // The live connection keeps working, and no backup overwrites an existing file.
    insert.run('ses_after');
    const again = spawnSync(process.execPath, [script, source, destination], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists; choose a new file name/);
  });
});
