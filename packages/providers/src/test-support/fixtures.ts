import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');

/** A recorded vendor payload from fixtures/<vendor>/<name>.json, parsed. */
export function recorded(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as unknown;
}
