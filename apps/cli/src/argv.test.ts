import { editDistance, nearestCommand, normalizeArgv } from './argv.js';

describe('normalizeArgv: global flags anywhere, `help <command>`', () => {
  it.each([
    [['--server', 'http://h:1', 'inventory'], ['inventory', '--server', 'http://h:1']],
    [['--server=http://h:1', 'inventory', '-g', 'A100'], ['inventory', '-g', 'A100', '--server=http://h:1']],
    [['-o', 'json', 'sessions', 'list'], ['sessions', 'list', '-o', 'json']],
    [['sessions', '-o', 'json', 'list', '-c', 'x'], ['sessions', 'list', '-c', 'x', '-o', 'json']],
    [['-ojson', '--output', 'table', 'costs'], ['costs', '-ojson', '--output', 'table']],
    [['inventory', '-g', 'RTX4090'], ['inventory', '-g', 'RTX4090']],
    [['help'], ['--help']],
    [['help', 'sessions', 'list'], ['sessions', 'list', '--help']],
    [['--server', 'http://h:1', 'help', 'inventory'], ['inventory', '--help', '--server', 'http://h:1']],
    // After `--` everything is data.
    [['transfer', 'upload', '--', '-o', 'x'], ['transfer', 'upload', '--', '-o', 'x']],
  ])('%j → %j', (input, expected) => {
    expect(normalizeArgv(input)).toEqual(expected);
  });
});

describe('nearestCommand', () => {
  const known = ['inventory', 'provision', 'sessions:list', 'sessions:get', 'sessions:done', 'costs', 'costs:summary', 'shutdown'];

  it('suggests the closest command for a typo', () => {
    expect(nearestCommand('invetory', known)).toBe('inventory');
    expect(nearestCommand('provison', known)).toBe('provision');
    expect(nearestCommand('sesions:list', known)).toBe('sessions list');
    expect(nearestCommand('sessions lst', known)).toBe('sessions list');
  });

  it('suggests a topic for a mistyped topic', () => {
    expect(nearestCommand('sesions', [...known, 'sessions', 'costs', 'transfer'])).toBe('sessions');
    expect(nearestCommand('benchmarks:shedules:list', ['benchmarks', 'benchmarks:schedules:list', 'benchmarks:runs:list'])).toBe('benchmarks schedules list');
  });

  it('suggests nothing when nothing is close', () => {
    expect(nearestCommand('xyzzy', known)).toBeUndefined();
  });

  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
