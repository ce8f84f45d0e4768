import { spawnSync } from 'node:child_process';

import { shellQuote } from './shell-quote.js';

describe('shellQuote', () => {
  it.each([
    ['plain', `'plain'`],
    ['with space', `'with space'`],
    [`it's`, `'it'\\''s'`],
    ['$(rm -rf /)', `'$(rm -rf /)'`],
    ['', `''`],
  ])('quotes %j as %s', (input, expected) => {
    expect(shellQuote(input)).toBe(expected);
  });

  it('round-trips hostile strings through a real shell unchanged', () => {
    for (const input of [`a'b"c`, '$(echo pwned)', '`id`', 'x\ny', '--', "'''", '\\n']) {
      const out = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(input)}`], { encoding: 'utf8' });
      expect(out.stdout).toBe(input);
    }
  });
});
