import { once } from 'node:events';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { type Express } from 'express';

import { buildOffer } from '@gpu-shopper/core/testing';

import { negotiateCoding, noneMatch } from '../../http/body-cache.js';
import { createAppHarness, request } from '../../test-support/app-harness.js';

const QUERY = '/api/v1/inventory?gpu=RTX4090&sort=price';

/** The bytes as they came over the wire (supertest would decode them): node:http against the app on a free port. */
async function wire(app: Express, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: QUERY, headers }, resolve).on('error', reject));
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  } finally {
    server.close();
  }
}

describe('GET /api/v1/inventory: cached body, strong ETag, conditional requests, compression', () => {
  it('a repeated query answers the same bytes with the same strong ETag; If-None-Match answers 304 with no body', async () => {
    const h = createAppHarness();
    const first = await request(h.app).get(QUERY).set(h.admin).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const second = await request(h.app).get(QUERY).set(h.admin).expect(200);
    expect(second.headers.etag).toBe(etag);
    expect(second.text).toBe(first.text);
    const notModified = await request(h.app).get(QUERY).set(h.admin).set('If-None-Match', `"other", ${etag}`).expect(304);
    expect(notModified.text).toBe('');
    await request(h.app).get(QUERY).set(h.admin).set('If-None-Match', '"other"').expect(200);
  });

  it('a refreshed catalogue changes the body and the ETag; the old tag no longer answers 304', async () => {
    const h = createAppHarness();
    const before = await request(h.app).get(QUERY).set(h.admin).expect(200);
    h.core.provider.setOffers([buildOffer({ id: 'vastai-9', pricePerHourMicros: 300_000 })]);
    h.core.clock.advanceMs(61_000);
    // The first request after the TTL starts the refresh (served stale); the next sees the new catalogue.
    await request(h.app).get(QUERY).set(h.admin).expect(200);
    await h.core.inventory.refreshStale();
    const after = await request(h.app).get(QUERY).set(h.admin).set('If-None-Match', before.headers.etag as string).expect(200);
    expect(after.body.offers.map((o: { id: string }) => o.id)).toEqual(['vastai-9']);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('an offer rented is gone from the next answer (the cache follows markRented)', async () => {
    const h = createAppHarness();
    // Twice: the first answer is built while the first fetch runs, under the version before it.
    await request(h.app).get(QUERY).set(h.admin).expect(200);
    await request(h.app).get(QUERY).set(h.admin).expect(200);
    h.core.inventory.markRented('vastai-1');
    const res = await request(h.app).get(QUERY).set(h.admin).expect(200);
    expect(res.body.offers.map((o: { id: string }) => o.id)).toEqual(['vastai-2']);
  });

  it('gzip and br are served when asked, each with its own strong ETag, and decode to the identity bytes', async () => {
    const h = createAppHarness();
    const plain = await wire(h.app, { ...h.admin, 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gz = await wire(h.app, { ...h.admin, 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const br = await wire(h.app, { ...h.admin, 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(new Set([plain.headers.etag, gz.headers.etag, br.headers.etag]).size).toBe(3);
    await request(h.app).get(QUERY).set(h.admin).set('Accept-Encoding', 'gzip').set('If-None-Match', gz.headers.etag as string).expect(304);
    // The gzip tag does not validate the identity representation.
    await request(h.app).get(QUERY).set(h.admin).set('Accept-Encoding', 'identity').set('If-None-Match', gz.headers.etag as string).expect(200);
  });

  it('a bad query is still refused with 400 and nothing cached', async () => {
    const h = createAppHarness();
    await request(h.app).get('/api/v1/inventory?max_price=cheap').set(h.admin).expect(400);
  });
});

describe('content negotiation helpers', () => {
  it('prefers br, then gzip; q=0 refuses a coding', () => {
    expect(negotiateCoding(undefined)).toBe('identity');
    expect(negotiateCoding('gzip, deflate, br')).toBe('br');
    expect(negotiateCoding('gzip, br;q=0')).toBe('gzip');
    expect(negotiateCoding('br;q=0, gzip;q=0')).toBe('identity');
  });

  it('If-None-Match: a list, weak prefixes and *', () => {
    expect(noneMatch(undefined, '"a"')).toBe(true);
    expect(noneMatch('"b", W/"a"', '"a"')).toBe(false);
    expect(noneMatch('*', '"a"')).toBe(false);
    expect(noneMatch('"b"', '"a"')).toBe(true);
  });
});
