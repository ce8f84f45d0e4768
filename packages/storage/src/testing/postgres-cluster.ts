/**
 * A real, throwaway PostgreSQL for tests and the chaos soak: `initdb` into a temporary folder, `pg_ctl start` on a free
 * loopback port, one database per test, and everything removed on `stop()`. The binaries come from
 * Debian's `postgresql` package (`/usr/lib/postgresql/<major>/bin`), or POSTGRES_BIN_DIR, or PATH.
 * PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` OS user (runuser).
 */
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

import { findTool, POSTGRES } from '@gpu-shopper/test-support';

const execFile = promisify(execFileCallback);

/** What to install when the binaries are missing (named in the skip message and the CI failure). */
export const POSTGRES_DEBIAN_PACKAGE = 'postgresql';

/**
 * The folder holding initdb, pg_ctl and postgres (POSTGRES_BIN_DIR, else Debian's newest major, else
 * PATH); undefined when none is installed. The lookup is test-support's POSTGRES tool, the one the
 * suites' skip-or-fail rule (requireTools) uses, so a suite runs exactly when a cluster can start.
 */
export function findPostgresBinDir(): string | undefined {
  const server = findTool(POSTGRES);
  return server === undefined ? undefined : path.dirname(server);
}

export type PostgresAvailability = { readonly available: true; readonly binDir: string } | { readonly available: false; readonly reason: string };

export function postgresAvailability(): PostgresAvailability {
  const binDir = findPostgresBinDir();
  if (binDir) return { available: true, binDir };
  return {
    available: false,
    reason: `PostgreSQL binaries (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin, POSTGRES_BIN_DIR or PATH: install the Debian package \`${POSTGRES_DEBIAN_PACKAGE}\` (apt-get install ${POSTGRES_DEBIAN_PACKAGE})`,
  };
}

export interface PostgresCluster {
  readonly port: number;
  /** A connection URL for one database of this cluster. */
  url(database: string): string;
  /**
   * Creates a database with a fresh name and returns its URL: empty, or a copy of `template` (a
   * database of this cluster nobody is connected to; copying a migrated one is faster than migrating).
   */
  createDatabase(prefix?: string, template?: string): Promise<string>;
  /** Stops the server (immediate mode) and removes its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** As root, a command runs as the `postgres` OS user; otherwise as the current user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

function ownerIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

let databaseCounter = 0;

/**
 * Starts a throwaway cluster. Durability is off (fsync, synchronous_commit, full_page_writes): the
 * data lives only as long as the test. `-k` puts the Unix socket in the cluster's own folder.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const availability = postgresAvailability();
  if (!availability.available) throw new Error(availability.reason);
  const bin = (name: string) => path.join(availability.binDir, name);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-pg-'));
  const owner = ownerIds();
  // mkdtemp makes the folder 0700; the postgres user must own it to create the data directory.
  if (owner) fs.chownSync(base, owner.uid, owner.gid);
  const dataDir = path.join(base, 'data');
  const logFile = path.join(base, 'server.log');
  const run = async (command: string, args: string[]) => {
    const [file, argv] = asServerUser(command, args);
    await execFile(file, argv, { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  };
  let port = 0;
  try {
    await run(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    // A free port can be taken between the probe and the start by another test: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await run(bin('pg_ctl'), [
          '-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start',
          '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${base} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
        ]);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
    fs.rmSync(base, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL: ${error instanceof Error ? error.message : String(error)}\n${log}`, { cause: error });
  }
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    port,
    url,
    async createDatabase(prefix = 'test', template?: string) {
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++databaseCounter}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await run(bin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
