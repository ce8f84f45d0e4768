import { SequentialIdGenerator } from '../testing/sequential-id-generator.js';
import { UlidIdGenerator, idPattern, isId } from './ids.js';

describe('prefixed sortable ids', () => {
  it('carries the prefix of its kind and a 26-character body', () => {
    const id = new UlidIdGenerator().next('session');
    expect(id).toMatch(idPattern('session'));
    expect(isId('session', id)).toBe(true);
    expect(isId('apiKey', id)).toBe(false);
  });

  it('sorts by creation time, including many ids in the same millisecond', () => {
    let now = 1_767_225_600_000;
    const generator = new UlidIdGenerator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) {
      if (i % 100 === 0) now += 1;
      ids.push(generator.next('session'));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays monotonic when the random part overflows within one millisecond', () => {
    const generator = new UlidIdGenerator(() => 1000, (n) => new Uint8Array(n).fill(31));
    const first = generator.next('session');
    const second = generator.next('session');
    expect(second > first).toBe(true);
  });

  test.each(['ses_', 'ses_01J', 'ses_01JABCDEFGHJKMNPQRSTVWXYZI', 'SES_01JABCDEFGHJKMNPQRSTVWXYZ0', "ses_' OR 1=1 --"])('%p is not a session id', (id) => {
    expect(isId('session', id)).toBe(false);
  });

  it('sequential test ids are well formed too', () => {
    const ids = new SequentialIdGenerator();
    expect(isId('session', ids.next('session'))).toBe(true);
    expect(ids.next('session')).toBe('ses_00000000000000000000000002');
  });
});
