import { readFileSync } from 'node:fs';

/** A sample output from bench-ssh-ops §B, stored under src/probes/fixtures/. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../probes/fixtures/${name}`, import.meta.url), 'utf8');
}
