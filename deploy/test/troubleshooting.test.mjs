// docs/troubleshooting.md explains every API error code (API_ERROR_STATUS in
// packages/contract/src/errors.ts, read as text) with its status, a cause and a fix.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { fromRoot } from './lib/paths.mjs';

function errorStatuses() {
  const source = fs.readFileSync(fromRoot('packages', 'contract', 'src', 'errors.ts'), 'utf8');
  const start = source.indexOf('export const API_ERROR_STATUS = {');
  assert.ok(start >= 0, 'errors.ts declares API_ERROR_STATUS');
  const body = source.slice(start, source.indexOf('}', start));
  return [...body.matchAll(/^\s+([A-Z_]+):\s*(\d{3}),/gm)].map((m) => ({ code: m[1], status: Number(m[2]) }));
}

describe('docs/troubleshooting.md', () => {
  const doc = fs.readFileSync(fromRoot('docs', 'troubleshooting.md'), 'utf8');
  const sections = doc.split(/^### /m).slice(1);

  test('has a section per error code, with its status, a cause and a fix', () => {
    const codes = errorStatuses();
    assert.ok(codes.length >= 20, `read only ${codes.length} codes from errors.ts`);
    const problems = [];
    for (const { code, status } of codes) {
      const section = sections.find((s) => s.startsWith(`\`${code}\` (`));
      if (!section) problems.push(`${code}: no "### \`${code}\` (${status})" section`);
      else if (!section.startsWith(`\`${code}\` (${status})`)) problems.push(`${code}: heading does not say ${status}`);
      else if (!/\*\*Cause\*\*/.test(section) || !/\*\*Fix\*\*/.test(section)) problems.push(`${code}: needs a **Cause** and a **Fix**`);
    }
    assert.deepEqual(problems, []);
  });
});
