import { buildOffer } from '@gpu-shopper/core/testing';
import { selectOffers } from '@gpu-shopper/core';

import { recorded } from '../test-support/fixtures.js';
import { FAST_HTTP, NO_RATE_LIMIT, ScriptedFetch, TEST_PUBLIC_KEY } from '../test-support/scripted-fetch.js';
import { VastAiAdapter, parseVastOfferId } from './vastai-adapter.js';

const API_KEY = 'a'.repeat(64);
const LABEL = 'gpushop-dep_A-ses_sess001';

function adapter(script: ScriptedFetch) {
  return new VastAiAdapter({
    apiKey: API_KEY,
    baseUrl: 'https://vast.test/api/v0',
    now: () => new Date('2026-02-02T14:00:00.000Z'),
    http: { ...FAST_HTTP, fetch: script.fetch },
    rateLimit: NO_RATE_LIMIT,
  });
}

const createRequest = (overrides: Partial<Parameters<VastAiAdapter['createInstance']>[0]> = {}) => ({
  offer: buildOffer({ id: 'vastai-12345', providerOfferId: '12345' }),
  label: LABEL,
  sshPublicKey: `${TEST_PUBLIC_KEY}\n`,
  workloadType: 'llm' as const,
  storagePolicy: 'destroy' as const,
  templateHashId: null,
  diskGb: null,
  onStartScript: null,
  ...overrides,
});

describe('Vast.ai adapter (recorded payloads)', () => {
  it('case 1: maps bundles to offers and sends the documented search query with Bearer auth', async () => {
    const script = new ScriptedFetch().on('POST', /^\/api\/v0\/bundles\/$/, { status: 200, body: recorded('vastai/bundles.json') });
    const result = await adapter(script).listOffers();
    if (!result.ok) throw result.err;

    const rtx4090 = result.val.find((o) => o.id === 'vastai-12345');
    expect(rtx4090).toMatchObject({
      provider: 'vastai',
      providerOfferId: '12345',
      gpuType: 'RTX 4090',
      gpuName: 'GeForce RTX 4090',
      gpuKnown: true,
      gpuCount: 2,
      vramGbPerGpu: 24,
      pricePerHourMicros: 900_000,
      location: 'California, US',
      available: true,
    });
    expect(selectOffers(result.val, { minVramGb: 20, gpu: 'RTX 4090' }).map((o) => o.id)).toEqual(['vastai-12345']);

    const [request] = script.requests;
    expect(request?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    const q = request?.body as Record<string, unknown>;
    expect(q).toMatchObject({ rentable: { eq: true }, type: 'on-demand', reliability2: { gte: 0.95 } });
  });

  it('Q-V13: rounds gpu_ram MB to GB instead of truncating (32607 MB is a 32 GB RTX 5090)', async () => {
    const script = new ScriptedFetch().on('POST', /bundles/, { status: 200, body: recorded('vastai/bundles.json') });
    const result = await adapter(script).listOffers();
    expect(result.ok && result.val.find((o) => o.id === 'vastai-30406190')).toMatchObject({ vramGbPerGpu: 32, gpuType: 'RTX 5090', cudaVersion: '12.8' });
  });

  it('Q-V14: reads geolocation with an empty region (", CN") as "CN"', async () => {
    const script = new ScriptedFetch().on('POST', /bundles/, { status: 200, body: recorded('vastai/bundles.json') });
    const result = await adapter(script).listOffers();
    expect(result.ok && result.val.find((o) => o.id === 'vastai-30406190')?.location).toBe('CN');
  });

  it('case 2 / Q-V3: create is two calls; the SSH key is attached again and a failed attach is not fatal', async () => {
    const script = new ScriptedFetch()
      .on('PUT', /^\/api\/v0\/asks\/12345\/$/, { status: 200, body: recorded('vastai/create-success.json') })
      .on('POST', /^\/api\/v0\/instances\/67890\/ssh\/$/, { status: 500, body: 'boom' });
    const result = await adapter(script).createInstance(createRequest());

    expect(result).toEqual({ ok: true, val: { providerInstanceId: '67890', ssh: null, pricePerHourMicros: 420_000, requestSentAt: expect.any(Date) } });
    const put = script.requestsTo('PUT', /asks/)[0];
    expect(put?.body).toMatchObject({ client_id: 'me', disk: 50, label: LABEL, runtype: 'ssh_proxy', ssh_key: TEST_PUBLIC_KEY });
    expect(put?.body).not.toHaveProperty('price');
    expect(script.requestsTo('POST', /ssh/)[0]?.body).toEqual({ ssh_key: TEST_PUBLIC_KEY });
  });

  it('case 2 (template): sends template_hash_id and no image', async () => {
    const script = new ScriptedFetch()
      .on('PUT', /asks/, { status: 200, body: recorded('vastai/create-success.json') })
      .on('POST', /ssh/, { status: 200, body: { success: true } });
    const result = await adapter(script).createInstance(createRequest({ templateHashId: '4e17788f74f075dd9aab7d0d4427968f', diskGb: 80 }));
    expect(result.ok).toBe(true);
    const body = script.requestsTo('PUT', /asks/)[0]?.body;
    expect(body).toMatchObject({ template_hash_id: '4e17788f74f075dd9aab7d0d4427968f', runtype: 'ssh_proxy', disk: 80 });
    expect(body).not.toHaveProperty('image');
  });

  describe('case 3: error classification', () => {
    it('Q-V1: a 400 no_such_ask is a stale offer (try another one), not a generic failure', async () => {
      const script = new ScriptedFetch().on('PUT', /asks/, { status: 400, body: recorded('vastai/create-no-such-ask.json') });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.code).toBe('PROVIDER_OFFER_UNAVAILABLE');
    });

    it('Q-V2: 429 twice then 200 succeeds after three requests (reads are retried)', async () => {
      const script = new ScriptedFetch().on(
        'POST',
        /bundles/,
        { status: 429, body: recorded('vastai/rate-limited.json') },
        { status: 429, body: recorded('vastai/rate-limited.json'), headers: { 'retry-after': '0' } },
        { status: 200, body: { offers: [] } },
      );
      const result = await adapter(script).listOffers();
      expect(result).toEqual({ ok: true, val: [] });
      expect(script.requests).toHaveLength(3);
    });

    it('Q-V2: 429 every time ends as a retryable rate-limit error carrying Retry-After', async () => {
      const script = new ScriptedFetch().on('POST', /bundles/, { status: 429, body: recorded('vastai/rate-limited.json'), headers: { 'retry-after': '0.001' } });
      const result = await adapter(script).listOffers();
      expect(!result.ok && result.err).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', retryable: true, retryAfterMs: 1 });
      expect(script.requests).toHaveLength(4);
    });

    it('a 429 on create is reported as rate limited and never retried', async () => {
      const script = new ScriptedFetch().on('PUT', /asks/, { status: 429, body: recorded('vastai/rate-limited.json') });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.code).toBe('PROVIDER_RATE_LIMITED');
      expect(script.requests).toHaveLength(1);
    });

    it('401 is an auth error, not retryable', async () => {
      const script = new ScriptedFetch().on('POST', /bundles/, { status: 401, body: { error: 'unauthorized' } });
      const result = await adapter(script).listOffers();
      expect(!result.ok && result.err).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', retryable: false });
      expect(script.requests).toHaveLength(1);
    });

    it('200 with success:false and new_contract 0 is a refused create', async () => {
      const script = new ScriptedFetch().on('PUT', /asks/, { status: 200, body: recorded('vastai/create-no-contract.json') });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.code).toBe('PROVIDER_INVALID_REQUEST');
      expect(!result.ok && result.err.message).toContain('insufficient credit');
    });

    it('Q-V8: success:false with new_contract > 0 is a created instance', async () => {
      const script = new ScriptedFetch()
        .on('PUT', /asks/, { status: 200, body: recorded('vastai/create-interruptible.json') })
        .on('POST', /ssh/, { status: 200, body: { success: true } });
      const result = await adapter(script).createInstance(createRequest());
      expect(result.ok && result.val.providerInstanceId).toBe('67891');
    });

    it('a 5xx or a dropped connection after a create was sent is an unknown outcome, never retried', async () => {
      for (const response of [{ status: 502, body: '<html>bad gateway</html>' }, { status: 0, networkError: 'ECONNRESET' }]) {
        const script = new ScriptedFetch().on('PUT', /asks/, response);
        const result = await adapter(script).createInstance(createRequest());
        expect(!result.ok && result.err.code).toBe('PROVIDER_UNKNOWN_OUTCOME');
        expect(script.requests).toHaveLength(1);
      }
    });

    it('a refused connection before a create was sent is not an unknown outcome', async () => {
      const script = new ScriptedFetch().on('PUT', /asks/, { status: 0, networkError: 'ECONNREFUSED' });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
    });
  });

  describe('case 4: status, ports and gone instances', () => {
    it('reads SSH from ssh_host/ssh_port (Q-V7) and the label', async () => {
      const script = new ScriptedFetch().on('GET', /^\/api\/v0\/instances\/12345\/$/, { status: 200, body: recorded('vastai/instance-running.json') });
      const result = await adapter(script).getInstance('12345');
      expect(result).toEqual({
        ok: true,
        val: {
          provider: 'vastai',
          providerInstanceId: '12345',
          label: 'gpushop-dep_A-ses_B',
          state: 'running',
          ssh: { host: 'ssh.vast.ai', port: 20544, user: 'root' },
          pricePerHourMicros: 76_000,
          startedAt: new Date(1706745600 * 1000),
        },
      });
    });

    it('Q-V4: 200 {"instances": null} is not found', async () => {
      const script = new ScriptedFetch().on('GET', /instances\/12345/, { status: 200, body: recorded('vastai/instance-gone.json') });
      const result = await adapter(script).getInstance('12345');
      expect(!result.ok && result.err.code).toBe('PROVIDER_NOT_FOUND');
    });

    it('404 is not found', async () => {
      const script = new ScriptedFetch().on('GET', /instances\/12345/, { status: 404, body: { error: 'no such instance' } });
      const result = await adapter(script).getInstance('12345');
      expect(!result.ok && result.err.code).toBe('PROVIDER_NOT_FOUND');
    });

    it('Q-V5: loading is progress (starting), not running and not a failure; no SSH yet', async () => {
      const script = new ScriptedFetch().on('GET', /instances\/12345/, { status: 200, body: recorded('vastai/instance-loading.json') });
      const result = await adapter(script).getInstance('12345');
      expect(result.ok && result.val).toMatchObject({ state: 'starting', ssh: null });
    });
  });

  it('case 5: lists instances by label prefix; foreign, legacy and unlabelled instances are left out', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v1\/instances\/$/, { status: 200, body: recorded('vastai/instances-list.json') });
    const ours = await adapter(script).listInstances('gpushop-');
    expect(ours.ok && ours.val.map((i) => [i.providerInstanceId, i.label])).toEqual([
      ['123', 'gpushop-dep_01JDEPLOY00000000000000000-ses_01JSESSION0000000000000000'],
    ]);
    const all = await adapter(script).listInstances('');
    expect(all.ok && all.val.map((i) => i.providerInstanceId)).toEqual(['123', '124', '125', '126']);
  });

  it('invariant 5: a null instance list is an error, never "no instances"', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v1\/instances\/$/, { status: 200, body: { instances: null } });
    const result = await adapter(script).listInstances('gpushop-');
    expect(!result.ok && result.err.code).toBe('PROVIDER_SCHEMA_MISMATCH');
  });

  it('destroy is idempotent: 200 and 404 both succeed; a 500 that persists is an error', async () => {
    const ok = new ScriptedFetch().on('DELETE', /instances\/1\//, { status: 200, body: { success: true } });
    expect((await adapter(ok).destroyInstance('1')).ok).toBe(true);
    const gone = new ScriptedFetch().on('DELETE', /instances\/1\//, { status: 404, body: {} });
    expect((await adapter(gone).destroyInstance('1')).ok).toBe(true);
    const failing = new ScriptedFetch().on('DELETE', /instances\/1\//, { status: 500, body: 'oops' });
    const result = await adapter(failing).destroyInstance('1');
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(failing.requests).toHaveLength(4);
  });

  it('Q-V17: offer ids are accepted as VASTAI-123, " vastai-123 " or a bare number', () => {
    expect(parseVastOfferId('VASTAI-123')).toBe(123);
    expect(parseVastOfferId(' vastai-123 ')).toBe(123);
    expect(parseVastOfferId('123')).toBe(123);
    expect(parseVastOfferId('tensordock-123')).toBeUndefined();
  });

  it('Q-X10: refuses instance ids that could change the URL path, without sending anything', async () => {
    const script = new ScriptedFetch();
    for (const id of ['', '../users/current', 'a%2Fb', 'x'.repeat(129), 'a\\b']) {
      const result = await adapter(script).getInstance(id);
      expect(!result.ok && result.err.code).toBe('PROVIDER_INVALID_REQUEST');
    }
    expect(script.requests).toHaveLength(0);
  });

  it('Q-X9: the API key never appears in error messages', async () => {
    const script = new ScriptedFetch().on('POST', /bundles/, { status: 400, body: `bad key ${API_KEY} in Bearer ${API_KEY}` });
    const result = await adapter(script).listOffers();
    expect(!result.ok && result.err.message).not.toContain(API_KEY);
  });

  it('Q-X8: an HTML or truncated body is a schema error, not an empty catalogue', async () => {
    for (const body of ['<html><body>Cloudflare</body></html>', '{"offers": [{"id": 1', '{"offers": "none"}']) {
      const script = new ScriptedFetch().on('POST', /bundles/, { status: 200, body });
      const result = await adapter(script).listOffers();
      expect(!result.ok && result.err.code).toBe('PROVIDER_SCHEMA_MISMATCH');
    }
  });

  describe('a listing read while it arrives', () => {
    /** Answers the search with `body` cut into pieces of `size` characters, as a slow connection delivers it. */
    function inPieces(body: string, size: number, status = 200): typeof fetch {
      return () =>
        Promise.resolve(
          new Response(
            new ReadableStream<Uint8Array>({
              start: (controller) => {
                for (let at = 0; at < body.length; at += size) controller.enqueue(new TextEncoder().encode(body.slice(at, at + size)));
                controller.close();
              },
            }),
            { status },
          ),
        );
    }
    const piecesAdapter = (fetchImpl: typeof fetch) =>
      new VastAiAdapter({ apiKey: API_KEY, baseUrl: 'https://vast.test/api/v0', now: () => new Date('2026-02-02T14:00:00.000Z'), http: { ...FAST_HTTP, fetch: fetchImpl, retries: 0 }, rateLimit: NO_RATE_LIMIT, pricing: 'any' });
    const fixture = recorded('vastai/bundles.json') as { offers: Record<string, unknown>[] };

    it('maps the recorded bundles alike whether they come in one piece, in small pieces or in another layout', async () => {
      const whole = await piecesAdapter(inPieces(JSON.stringify(fixture), 1 << 20)).listOffers();
      if (!whole.ok) throw whole.err;
      expect(whole.val.length).toBe(2 * fixture.offers.length);
      for (const body of [JSON.stringify(fixture, null, 2), JSON.stringify({ total: fixture.offers.length, ...fixture }), JSON.stringify({ ...fixture, total: 1 })]) {
        for (const size of [1, 7, 64]) {
          const result = await piecesAdapter(inPieces(body, size)).listOffers();
          expect(result.ok && result.val).toEqual(whole.val);
        }
      }
    });

    test.each([
      ['HTML', '<html><body>Cloudflare</body></html>', /expected JSON/],
      ['a truncated body', JSON.stringify(fixture).slice(0, 400), /expected JSON/],
      ['a list that is not bundles', '{"offers": "none"}', /offers: expected a list of bundles/],
      ['a bundle with a field of another type', JSON.stringify({ offers: [fixture.offers[0], { ...fixture.offers[1], gpu_name: 4090 }] }), /offers\.1\.gpu_name: expected a string, got number 4090/],
      ['a bundle that is not an object', JSON.stringify({ offers: [fixture.offers[0], fixture.offers[1], [1]] }), /JSON|offers\.2: expected a bundle object, got an array/],
      ['a bad bundle in a body in another layout', JSON.stringify({ total: 2, offers: [fixture.offers[0], { ...fixture.offers[1], num_gpus: 0 }] }), /offers\.1\.num_gpus: expected a positive integer, got number 0/],
    ])('refuses %s with a clear schema error, whatever the pieces', async (_what, body, message) => {
      for (const size of [3, 50, 1 << 20]) {
        const result = await piecesAdapter(inPieces(body, size)).listOffers();
        expect(!result.ok && result.err.code).toBe('PROVIDER_SCHEMA_MISMATCH');
        expect(!result.ok && result.err.message).toMatch(message);
      }
    });

    it('reads an error status as before, without parsing its body as a listing', async () => {
      const result = await piecesAdapter(inPieces('{"offers": []}', 4, 401)).listOffers();
      expect(!result.ok && result.err.code).toBe('PROVIDER_AUTH_FAILED');
    });
  });
});
