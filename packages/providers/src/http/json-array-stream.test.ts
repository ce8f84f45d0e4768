import { JsonArrayStream } from './json-array-stream.js';

/** Writes `body` in pieces cut at `cuts` and returns what the stream made of it. */
function streamed(body: string, cuts: readonly number[]): { items: unknown[]; complete: boolean; runs: number } {
  const items: unknown[] = [];
  let runs = 0;
  const stream = new JsonArrayStream('offers', (run) => {
    runs++;
    items.push(...run);
  });
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    stream.write(body.slice(from, cut));
    from = cut;
  }
  return { items, complete: stream.complete, runs };
}

const BODY = JSON.stringify({
  offers: [
    { id: 1, gpu_name: 'RTX 4090', geolocation: 'Texas, "US" {[', nested: { list: [1, { deep: ']}' }], empty: {} } },
    { id: 2, gpu_name: 'back\\slash\\', note: 'quote \\" and \\\\' },
    { id: 3, gpu_name: 'ünïcödé ✓ 🎮', escaped: '\u0000\n\t' },
  ],
});

describe('JsonArrayStream', () => {
  it('hands over every item, whatever the cuts (inside strings, escapes, nesting, characters)', () => {
    const expected = (JSON.parse(BODY) as { offers: unknown[] }).offers;
    for (let a = 0; a <= BODY.length; a++) {
      for (const b of [a, a + 1, a + 7, Math.floor((a + BODY.length) / 2)]) {
        const result = streamed(BODY, [a, Math.min(b, BODY.length)]);
        expect(result).toMatchObject({ items: expected, complete: true });
      }
    }
    // One character at a time.
    expect(streamed(BODY, Array.from({ length: BODY.length }, (_, i) => i))).toMatchObject({ items: expected, complete: true });
  });

  it('hands over the items that are complete before the rest of the body arrives', () => {
    const items: unknown[] = [];
    const stream = new JsonArrayStream('offers', (run) => items.push(...run));
    const secondEnds = BODY.indexOf('{"id":3');
    stream.write(BODY.slice(0, secondEnds));
    expect(items.map((item) => (item as { id: number }).id)).toEqual([1, 2]);
    expect(stream.complete).toBe(false);
    stream.write(BODY.slice(secondEnds));
    expect(items).toHaveLength(3);
    expect(stream.complete).toBe(true);
  });

  it('reads white space and an empty list', () => {
    expect(streamed(' \n{ "offers" :\t[ \n] }\n', [3, 9])).toEqual({ items: [], complete: true, runs: 0 });
    expect(streamed('{"offers":[ {"id":1} , {"id":2}\n]}', [14])).toMatchObject({ items: [{ id: 1 }, { id: 2 }], complete: true });
  });

  it('gives up on a run that never parses instead of retrying it for ever (the caller reads the whole body)', () => {
    const items: unknown[] = [];
    const stream = new JsonArrayStream('offers', (run) => items.push(...run));
    stream.write('{"offers":[{"id":1,"bad":01},');
    for (let i = 0; i < 600; i++) stream.write(`{"id":${i},"pad":"${'x'.repeat(1000)}"},`);
    stream.write('{"id":0}]}');
    expect(items).toEqual([]);
    expect(stream.complete).toBe(false);
  });

  test.each([
    ['another key first', '{"count":1,"offers":[{"id":1}]}'],
    ['a key after the list', '{"offers":[{"id":1}],"count":1}'],
    ['a single object, not a list', '{"offers":{"id":1}}'],
    ['not an object', '[{"id":1}]'],
    ['HTML', '<html><body>Cloudflare</body></html>'],
    ['truncated', '{"offers": [{"id": 1'],
    ['truncated after the list', '{"offers":[{"id":1}]'],
    ['a missing comma', '{"offers":[{"id":1}{"id":2}]}'],
    ['a trailing comma', '{"offers":[{"id":1},]}'],
    ['a leading comma', '{"offers":[,{"id":1}]}'],
    ['items that are not objects', '{"offers":[1,2]}'],
    ['invalid JSON inside an item', '{"offers":[{"id":01}]}'],
    ['a mismatched bracket inside an item', '{"offers":[{"id":[1}]]}'],
    ['text after the document', '{"offers":[{"id":1}]} x'],
    ['two documents', '{"offers":[]}{"offers":[]}'],
  ])('is not complete for %s (the caller then reads the whole body)', (_what, body) => {
    for (const cut of [0, 5, Math.floor(body.length / 2), body.length]) expect(streamed(body, [cut]).complete).toBe(false);
  });
});
