#!/usr/bin/env node
/**
 * Online backup of the GPU Shopper SQLite database, safe while the server runs.
 *
 *   node backup-db.mjs <database> <destination> [--with-key]
 *
 * The database runs in WAL mode: committed transactions may still be in `<database>-wal`, so
 * copying the .db file alone (or the files one after the other) can lose or tear data. This uses
 * SQLite's online backup API (what `sqlite3 <db> ".backup <dest>"` does), which copies a consistent
 * snapshot including the WAL, then checks the copy with `PRAGMA integrity_check`.
 *
 * --with-key also copies the encryption key file `gpu-shopper.key` from beside the database to
 * `<destination>.key` (mode 0600). Store it apart from the database backups if you can: together
 * they decrypt the session private keys kept at rest.
 *
 * In the container image this file is /app/scripts/backup-db.mjs:
 *   docker-compose exec server node scripts/backup-db.mjs /data/gpu-shopper.db /data/backup.db --with-key
 * From a checkout: node deploy/scripts/backup-db.mjs data/gpu-shopper.db /backups/gpu-shopper.db
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** better-sqlite3, found through @gpu-shopper/storage (in the image) or the repository's storage package. */
function loadDatabase() {
  const here = createRequire(import.meta.url);
  const bases = [];
  try {
    bases.push(here.resolve('@gpu-shopper/storage'));
  } catch {
    // not installed beside this script: try the repository layout
  }
  bases.push(path.resolve(import.meta.dirname, '..', '..', 'packages', 'storage', 'package.json'));
  for (const base of bases) {
    try {
      return createRequire(base)('better-sqlite3');
    } catch {
      // next
    }
  }
  throw new Error('better-sqlite3 not found: run this inside the server image (/app/scripts) or from a repository checkout after `pnpm install`');
}

export async function backupDatabase(source, destination, { withKey = false } = {}) {
  if (!fs.existsSync(source)) throw new Error(`no database at ${source}`);
  if (fs.existsSync(destination)) throw new Error(`${destination} exists; choose a new file name`);
  // Opening a WAL database creates its -wal/-shm files when they are missing (the server stopped):
  // created by another user, they would keep the server from opening its own database.
  const owner = fs.statSync(source).uid;
  if (typeof process.getuid === 'function' && process.getuid() !== owner) {
    throw new Error(`run this as the database's owner (uid ${owner}), not uid ${process.getuid()}: in the container, \`docker-compose exec server …\` does`);
  }
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  const Database = loadDatabase();
  // Read-only: never creates -wal/-shm files with this process' owner, never writes the database.
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
  // A single self-contained file (rollback journal, no -wal/-shm beside it); the server switches
  // it back to WAL when it opens a restored copy.
  const copy = new Database(destination, { fileMustExist: true });
  let check;
  try {
    copy.pragma('journal_mode = DELETE');
    check = copy.pragma('integrity_check', { simple: true });
  } finally {
    copy.close();
  }
  if (check !== 'ok') throw new Error(`the backup failed its integrity check: ${check}`);
  const result = { destination, bytes: fs.statSync(destination).size, key: null };
  const keyFile = path.join(path.dirname(path.resolve(source)), 'gpu-shopper.key');
  if (withKey) {
    if (!fs.existsSync(keyFile)) throw new Error(`--with-key: no ${keyFile} (GPU_SHOPPER_ENCRYPTION_KEY may be set instead; back that up with your secrets)`);
    fs.copyFileSync(keyFile, `${destination}.key`, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(`${destination}.key`, 0o600);
    result.key = `${destination}.key`;
  }
  return result;
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  const args = process.argv.slice(2);
  const [source, destination] = args.filter((a) => !a.startsWith('--'));
  if (!source || !destination) {
    console.error('usage: node backup-db.mjs <database> <destination> [--with-key]');
    process.exit(2);
  }
  backupDatabase(source, destination, { withKey: args.includes('--with-key') }).then(
    (result) => {
      console.log(`backup written: ${result.destination} (${result.bytes} bytes, integrity ok)`);
      if (result.key) console.log(`encryption key copied: ${result.key}`);
      else console.log('remember the encryption key (gpu-shopper.key beside the database, or GPU_SHOPPER_ENCRYPTION_KEY): without it the session private keys in the backup cannot be read');
    },
    (error) => {
      console.error(`backup failed: ${error instanceof Error ? error.message : error}`);
      process.exitCode = 1;
    },
  );
}
