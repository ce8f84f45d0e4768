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
