// Every variable the server reads (the keys of `serverEnvSchema` in apps/server/src/env.ts) is
// documented in docs/configuration.md with its default, and listed in deploy/.env.example.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { fromDeploy, fromRoot } from './lib/paths.mjs';

/** Variables of deploy/.env.example that are Compose's, not the server's. */
const COMPOSE_ONLY = new Set(['GRAFANA_ADMIN_PASSWORD', 'POSTGRES_PASSWORD']);

/** `[{ name, fallback }]` from the text of env.ts: each `NAME:` key of `serverEnvSchema = z.object({...})`. */
function serverEnvVariables(source) {
  const start = source.indexOf('export const serverEnvSchema = z.object({');
  assert.ok(start >= 0, 'env.ts declares `export const serverEnvSchema = z.object({`');
  const end = source.indexOf('\n});', start);
  const body = source.slice(start, end);
  const keys = [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)];
  return keys.map((match, i) => {
    const text = body.slice(match.index, keys[i + 1]?.index ?? body.length);
    const explicit = [...text.matchAll(/\.default\(\s*('([^']*)'|[^)\s]+)\s*\)/g)].at(-1);
    const viaHelper = /\b(?:duration)\(\s*'([^']+)'\s*\)/.exec(text);
    const fallback = explicit ? (explicit[2] ?? explicit[1]) : viaHelper ? viaHelper[1] : undefined;
    return { name: match[1], fallback };
  });
}

const envSource = fs.readFileSync(fromRoot('apps', 'server', 'src', 'env.ts'), 'utf8');
const variables = serverEnvVariables(envSource);
const configuration = fs.readFileSync(fromRoot('docs', 'configuration.md'), 'utf8');
const example = fs.readFileSync(fromDeploy('.env.example'), 'utf8');

describe('configuration reference', () => {
  test('env.ts parsing finds the schema keys and their defaults', () => {
    assert.ok(variables.length >= 20, `found only ${variables.length} variables`);
    const byName = Object.fromEntries(variables.map((v) => [v.name, v.fallback]));
    assert.equal(byName.SERVER_PORT, '8080');
    assert.equal(byName.DATABASE_PATH, './data/gpu-shopper.db');
    assert.equal(byName.LIFECYCLE_CHECK_INTERVAL, '60s');
    assert.equal(byName.VASTAI_API_KEY, undefined);
  });

  test('docs/configuration.md has a table row for every variable, showing its default', () => {
    const problems = [];
    for (const { name, fallback } of variables) {
      const row = configuration.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      if (!row) {
        problems.push(`${name}: no "| \`${name}\` |" row`);
        continue;
      }
      const defaultCell = row.split('|')[2]?.trim() ?? '';
      if (fallback === undefined ? !/unset/.test(defaultCell) : !defaultCell.includes(`\`${fallback}\``)) {
        problems.push(`${name}: default cell is "${defaultCell}", expected ${fallback === undefined ? '"unset"' : `\`${fallback}\``}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('deploy/.env.example lists every variable, with no secret filled in', () => {
    const lines = example.split('\n');
    const listed = new Map();
    for (const line of lines) {
      const match = /^#?\s?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (match) listed.set(match[1], { value: match[2], commented: line.startsWith('#') });
    }
    const missing = variables.map((v) => v.name).filter((name) => !listed.has(name));
    assert.deepEqual(missing, [], 'variables missing from deploy/.env.example');
    const known = new Set(variables.map((v) => v.name));
    const unknown = [...listed.keys()].filter((name) => !known.has(name) && !COMPOSE_ONLY.has(name));
    assert.deepEqual(unknown, [], 'deploy/.env.example lists variables the server does not read');
    for (const [name, { value, commented }] of listed) {
      if (/TOKEN|KEY|AUTH_ID|PASSWORD/.test(name) && !commented && name !== 'GRAFANA_ADMIN_PASSWORD') assert.equal(value, '', `${name} must be empty in the example`);
    }
  });
});
