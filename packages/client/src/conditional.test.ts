import { GpuShopper } from './client.js';
import { MemoryValidatorCache } from './core/validator-cache.js';
import { ScriptedFetch, json } from './testing/scripted-fetch.js';

const ANSWER = { offers: [{ id: 'vastai-1' }], count: 1, providers: [] };

describe('conditional inventory requests (ETag / If-None-Match)', () => {
  it('keeps an answer with its strong ETag, revalidates it, and returns the kept body on 304', async () => {
    const script = new ScriptedFetch().reply(json(200, ANSWER, { etag: '"abc"' }), new Response(null, { status: 304, headers: { etag: '"abc"' } }));
    const client = new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: script.fetch });
    expect(await client.inventory.list({ gpu: 'RTX4090' })).toEqual(ANSWER);
    expect(script.requests[0]?.headers.get('if-none-match')).toBeNull();
    expect(await client.inventory.list({ gpu: 'RTX4090' })).toEqual(ANSWER);
    expect(script.requests[1]?.headers.get('if-none-match')).toBe('"abc"');
  });

  it('a changed answer replaces the kept one; another query sends no validator', async () => {
    const changed = { ...ANSWER, count: 0, offers: [] };
    const script = new ScriptedFetch().reply(json(200, ANSWER, { etag: '"v1"' }), json(200, changed, { etag: '"v2"' }), json(200, ANSWER, { etag: '"v3"' }), new Response(null, { status: 304 }));
    const client = new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: script.fetch });
    await client.inventory.list();
    expect(await client.inventory.list()).toEqual(changed);
    await client.inventory.list({ provider: 'vastai' });
    expect(script.requests[2]?.headers.get('if-none-match')).toBeNull();
    expect(await client.inventory.list()).toEqual(changed);
    expect(script.requests[3]?.headers.get('if-none-match')).toBe('"v2"');
  });

  it('weak tags are not kept, and validatorCache: null turns it off', async () => {
    const weak = new ScriptedFetch().always(() => json(200, ANSWER, { etag: 'W/"w"' }));
    const client = new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: weak.fetch });
    await client.inventory.list();
    await client.inventory.list();
    expect(weak.requests[1]?.headers.get('if-none-match')).toBeNull();
    const off = new ScriptedFetch().always(() => json(200, ANSWER, { etag: '"s"' }));
    const plain = new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: off.fetch, validatorCache: null });
    await plain.inventory.list();
    await plain.inventory.list();
    expect(off.requests[1]?.headers.get('if-none-match')).toBeNull();
  });

  it('the memory store keeps the most recent answers only', () => {
    const store = new MemoryValidatorCache(2);
    store.set('a', { etag: '"a"', body: 'A' });
    store.set('b', { etag: '"b"', body: 'B' });
    store.get('a');
    store.set('c', { etag: '"c"', body: 'C' });
    expect([store.get('a')?.body, store.get('b')?.body, store.get('c')?.body]).toEqual(['A', undefined, 'C']);
  });
});
