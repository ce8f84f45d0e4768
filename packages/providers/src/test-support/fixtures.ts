import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');

/** A recorded vendor payload from fixtures/<vendor>/<name>.json, parsed. */
export function recorded(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as unknown;
}

const REAL = path.resolve(import.meta.dirname, '..', '..', 'test', 'fixtures', 'real');

/** A real vendor payload from test/fixtures/real/<vendor>/<name>.json (sources in test/fixtures/real/SOURCES). */
export function real(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(REAL, name), 'utf8')) as unknown;
}
