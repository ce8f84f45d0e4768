// Relative links between the operations docs (docs/*.md, deploy/README.md) point at files and
// headings that exist, so runbook links from alerts and error answers lead somewhere.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { fromDeploy, fromRoot } from './lib/paths.mjs';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown) {
  const out = new Set();
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of text.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(match[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

test('relative links in the operations docs resolve to existing files and headings', () => {
  const docs = [...fs.readdirSync(fromRoot('docs')).filter((f) => f.endsWith('.md')).map((f) => fromRoot('docs', f)), fromDeploy('README.md')];
  const problems = [];
  for (const file of docs) {
    const text = fs.readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue; // http:, mailto:
      const [file2, anchor] = target.split('#');
      const resolved = file2 ? path.resolve(path.dirname(file), file2) : file;
      if (!fs.existsSync(resolved)) {
        problems.push(`${path.relative(fromRoot(), file)}: ${target} (no such file)`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        problems.push(`${path.relative(fromRoot(), file)}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
