import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FileAnswerCache } from './answer-cache.js';

describe('FileAnswerCache: answers kept between CLI runs for If-None-Match', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const made = mkdtempSync(path.join(tmpdir(), 'gpushop-answers-'));
    dirs.push(made);
    return path.join(made, 'answers');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a second store on the same directory (the next run) reads what the first kept, per URL', () => {
    const where = dir();
    new FileAnswerCache(where).set('http://h/api/v1/inventory?gpu=A', { etag: '"a"', body: '{"offers":[]}' });
    const next = new FileAnswerCache(where);
    expect(next.get('http://h/api/v1/inventory?gpu=A')).toEqual({ etag: '"a"', body: '{"offers":[]}' });
    expect(next.get('http://h/api/v1/inventory?gpu=B')).toBeUndefined();
  });

  it('a damaged file or an unwritable directory means nothing kept, never an error', () => {
    const where = dir();
    const store = new FileAnswerCache(where);
    store.set('u', { etag: '"x"', body: 'b' });
    const [file] = readdirSync(where);
    writeFileSync(path.join(where, file ?? ''), '{not json');
    expect(store.get('u')).toBeUndefined();
    const blocked = path.join(where, file ?? '', 'below-a-file');
    expect(() => new FileAnswerCache(blocked).set('u', { etag: '"x"', body: 'b' })).not.toThrow();
  });
});
