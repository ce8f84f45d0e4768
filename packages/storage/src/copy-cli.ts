#!/usr/bin/env node
/**
 * `pnpm db:copy-to-postgres --from ./data/gpu-shopper.db --to postgres://…`: moves a SQLite
 * deployment to PostgreSQL (docs/operations.md, "Moving from SQLite to PostgreSQL"). Stop the server
 * first: the copy is a snapshot of the file.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { copySqliteToPostgres } from './copy-to-postgres.js';
import { redactDatabaseUrl } from './postgres/open-postgres-storage.js';

const USAGE = 'usage: db:copy-to-postgres --from <sqlite file> --to <postgres://…>';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } }, allowPositionals: false });
  const from = values.from;
  const to = values.to;
  if (!from || !to) throw new Error(USAGE);
  if (!fs.existsSync(from)) throw new Error(`--from: ${from} does not exist`);
  if (!/^postgres(ql)?:\/\//.test(to)) throw new Error('--to: must be a postgres:// or postgresql:// URL');
  const report = await copySqliteToPostgres(from, to);
  process.stdout.write(`copied ${from} to ${redactDatabaseUrl(to)}\n`);
  for (const [table, count] of Object.entries(report.rows)) process.stdout.write(`  ${table}: ${count}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
