import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseFastInventory } from './fast-path.js';

describe('inventory -o json fast path: only the plain, valid shape skips oclif', () => {
  it('parses every inventory flag, in any order and spelling', () => {
    expect(parseFastInventory(['-o', 'json', 'inventory', '-g', 'RTX4090', '--max-price=0.5', '--min-vram', '24', '--min-gpus=2', '-p', 'vastai', '--server', 'http://h:1'])).toEqual({
      server: 'http://h:1',
      options: { provider: 'vastai', gpu: 'RTX4090', minVram: 24, maxPrice: 0.5, minGpus: 2, template: undefined },
    });
    expect(parseFastInventory(['inventory', '-ojson', '--gpu-type=A100'])?.options.gpu).toBe('A100');
  });

  it('anything else goes to the full CLI: table output, help, unknown flags, bad values, other commands', () => {
    for (const argv of [
      ['inventory'],
      ['inventory', '-o', 'table'],
      ['inventory', '-o', 'json', '--help'],
      ['inventory', '-o', 'json', '--colour', 'red'],
      ['inventory', '-o', 'json', '--max-price', 'cheap'],
      ['inventory', '-o', 'json', '--min-gpus', '0'],
      ['inventory', '-o', 'json', '-p', 'aws'],
      ['inventory', '-o', 'json', '--server', 'ftp://h'],
      ['inventory', '-o', 'json', '-g', 'A', '-g', 'B'],
      ['sessions', 'list', '-o', 'json'],
      ['inventory', 'extra', '-o', 'json'],
    ]) {
      expect(parseFastInventory(argv)).toBeNull();
    }
  });
});

describe('the launcher (bin/run.js)', () => {
  const BIN = path.resolve(import.meta.dirname, '../bin/run.js');

  it('answers --version as CommonJS, loading no other module: no ES module loader, no oclif, no SDK', () => {
    // require() of an ES module fails on Node 20, so this also proves the launcher is CommonJS.
    const script = `process.argv = [process.argv[0], ${JSON.stringify(BIN)}, '--version']; require(${JSON.stringify(BIN)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as { name: string; version: string };
    const [line = '', loaded = ''] = out.split('\n');
    expect(line).toBe(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}`);
    expect(JSON.parse(loaded)).toEqual([BIN]);
  });
});
