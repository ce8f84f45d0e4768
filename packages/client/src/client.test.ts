import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

import { GpuShopper, type ClientOptions } from './client.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GpuShopperError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './core/error.js';
import type { Logger } from './internal/log.js';
import { ScriptedFetch, buildSession, envelope, hang, json } from './testing/scripted-fetch.js';
import { VERSION } from './version.js';

function clientWith(script: ScriptedFetch, options: ClientOptions = {}): GpuShopper {
  return new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: script.fetch, ...options });
}

function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') };
}

const ENV_NAMES = ['GPU_SHOPPER_URL', 'GPU_SHOPPER_API_KEY', 'GPU_SHOPPER_LOG'] as const;

describe('GpuShopper construction', () => {
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('reads baseURL and the API key from the environment, trimmed', async () => {
    // Given the env names a server and a key
    process.env.GPU_SHOPPER_URL = ' http://env.test:9000/ ';
    process.env.GPU_SHOPPER_API_KEY = ' gs_env ';
    const script = new ScriptedFetch().reply(json(200, { status: 'ok' }));
    // When a client is built without options
    const client = new GpuShopper({ fetch: script.fetch });
    await client.health();
    // Then both come from the env
    expect(client.baseURL).toBe('http://env.test:9000');
    expect(script.calls).toEqual(['GET /health']);
    expect(script.requests[0]?.url.host).toBe('env.test:9000');
    expect(script.requests[0]?.headers.get('authorization')).toBe('Bearer gs_env');
  });

  it('defaults baseURL to http://localhost:8080 and options win over the environment', () => {
    delete process.env.GPU_SHOPPER_URL;
    process.env.GPU_SHOPPER_API_KEY = 'gs_env';
    expect(new GpuShopper().baseURL).toBe('http://localhost:8080');
    expect(new GpuShopper({ baseURL: 'http://option.test' }).baseURL).toBe('http://option.test');
  });

  it('without credentials calls the server without them (a local protected-mode server accepts that); a 401 then says which key to set', async () => {
    delete process.env.GPU_SHOPPER_API_KEY;
    const script = new ScriptedFetch()
      .reply(json(200, { offers: [], count: 0, providers: [] }))
      .reply(json(401, { error: { code: 'UNAUTHORIZED', message: 'missing bearer token', request_id: 'req_1' } }));
    const client = new GpuShopper({ baseURL: 'http://api.test', fetch: script.fetch, maxRetries: 0 });
    await client.inventory.list();
    expect(script.requests[0]?.headers.has('authorization')).toBe(false);
    const refused = await client.inventory.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect((refused as Error).message).toMatch(/^401 UNAUTHORIZED: missing bearer token \(no API key was sent: .*GPU_SHOPPER_API_KEY/);
    // apiKey: null says the same explicitly.
    const health = new ScriptedFetch().reply(json(200, { status: 'ok' }));
    await new GpuShopper({ apiKey: null, fetch: health.fetch }).health();
    expect(health.requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('refuses a malformed baseURL, timeout or maxRetries', () => {
    expect(() => new GpuShopper({ apiKey: 'k', baseURL: 'not a url' })).toThrow(/baseURL/);
    expect(() => new GpuShopper({ apiKey: 'k', timeout: 0 })).toThrow(/timeout/);
    expect(() => new GpuShopper({ apiKey: 'k', maxRetries: 1.5 })).toThrow(/maxRetries/);
  });

  it('warns about an invalid log level instead of throwing', () => {
    const logger = memoryLogger();
    process.env.GPU_SHOPPER_LOG = 'verbose';
    const client = new GpuShopper({ apiKey: 'k', logger });
    expect(client.logLevel).toBe('warn');
    expect(logger.lines.join('\n')).toMatch(/GPU_SHOPPER_LOG="verbose" is not one of/);
    process.env.GPU_SHOPPER_LOG = 'debug';
    expect(new GpuShopper({ apiKey: 'k', logger }).logLevel).toBe('debug');
    expect(new GpuShopper({ apiKey: 'k', logger, logLevel: 'off' }).logLevel).toBe('off');
  });

  it('withOptions() keeps everything else, the key included', async () => {
    const script = new ScriptedFetch().reply(json(200, { offers: [], count: 0, providers: [] }));
    const client = clientWith(script, { timeout: 5_000 });
    const other = client.withOptions({ maxRetries: 0 });
    expect([other.baseURL, other.timeout, other.maxRetries]).toEqual(['http://api.test', 5_000, 0]);
    await other.inventory.list();
    expect(script.requests[0]?.headers.get('authorization')).toBe('Bearer gs_key');
  });

  it('keeps the API key out of console.log', () => {
    const client = new GpuShopper({ apiKey: 'gs_secret_key', baseURL: 'http://api.test' });
    expect(inspect(client, { depth: 5 })).not.toContain('gs_secret_key');
  });

  it('exposes the error classes as statics', () => {
    expect(GpuShopper.NotFoundError).toBe(NotFoundError);
    expect(GpuShopper.APIConnectionTimeoutError).toBe(APIConnectionTimeoutError);
  });

  it('sends a version equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('requests', () => {
  it('builds URLs under the base path and serialises queries, leaving out undefined', async () => {
    const script = new ScriptedFetch().reply(json(200, { offers: [], count: 0, providers: [] }));
    await clientWith(script, { baseURL: 'http://api.test/prefix/' }).inventory.list({ gpu: 'RTX 4090', min_vram: 24, max_price: 0.5, provider: undefined, sort: 'price' });
    expect(script.calls).toEqual(['GET /prefix/api/v1/inventory?gpu=RTX+4090&min_vram=24&max_price=0.5&sort=price']);
  });

  it('percent-encodes path parameters and refuses empty ones', async () => {
    const script = new ScriptedFetch().reply(json(200, buildSession()));
    const client = clientWith(script);
    await client.sessions.retrieve('ses/../x y');
    expect(script.requests[0]?.url.pathname).toBe('/api/v1/sessions/ses%2F..%2Fx%20y');
    expect(() => client.sessions.retrieve('')).toThrow(/path parameter is empty/);
  });

  it('sends the Bearer key, JSON bodies, Accept, User-Agent and the retry count', async () => {
    const script = new ScriptedFetch().reply(json(200, { session: buildSession(), extended_by_hours: 2 }));
    await clientWith(script).sessions.extend('ses_1', { hours: 2 });
    const request = script.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.body).toEqual({ hours: 2 });
    expect(Object.fromEntries(request?.headers ?? [])).toMatchObject({
      authorization: 'Bearer gs_key',
      'content-type': 'application/json',
      accept: 'application/json',
      'x-gpu-shopper-retry-count': '0',
    });
    expect(request?.headers.get('user-agent')).toMatch(/^gpu-shopper-client\/\d+\.\d+\.\d+/);
  });

  it('merges default and per-request headers; null removes one', async () => {
    const script = new ScriptedFetch().always(() => json(200, { consumers: [] }));
    const client = clientWith(script, { defaultHeaders: { 'x-team': 'ml', 'x-trace': 'a' } });
    await client.consumers.list({ headers: { 'x-trace': 'b', 'x-team': null } });
    expect(script.requests[0]?.headers.get('x-trace')).toBe('b');
    expect(script.requests[0]?.headers.has('x-team')).toBe(false);
  });

  it('sends no body and no content-type on GET', async () => {
    const script = new ScriptedFetch().reply(json(200, { consumers: [] }));
    await clientWith(script).consumers.list();
    expect(script.requests[0]?.body).toBeUndefined();
    expect(script.requests[0]?.headers.has('content-type')).toBe(false);
  });

  it('withResponse() gives the body, the raw response and the request id; asResponse() the response', async () => {
    const script = new ScriptedFetch().reply(json(200, buildSession(), { 'x-request-id': 'req_42' }), json(200, buildSession()));
    const client = clientWith(script);
    const { data, response, requestID } = await client.sessions.retrieve('ses_1').withResponse();
    expect([data.id, response.status, requestID]).toEqual(['ses_1', 200, 'req_42']);
    const raw = await client.sessions.retrieve('ses_1').asResponse();
    expect(((await raw.json()) as { id: string }).id).toBe('ses_1');
  });

  it('ready() resolves not_ready (503) without retrying', async () => {
    const script = new ScriptedFetch().reply(json(503, { status: 'not_ready', checks: { storage: 'ok', vastai: 'failing' } }));
    const ready = await clientWith(script).ready();
    expect(ready.status).toBe('not_ready');
    expect(script.requests).toHaveLength(1);
  });

  it('throws a GpuShopperError when a 2xx body is not JSON', async () => {
    const script = new ScriptedFetch().reply(new Response('<html>proxy</html>', { status: 200 }));
    await expect(clientWith(script).health()).rejects.toThrow(/expected JSON from GET \/health/);
  });

  it('logs requests at debug with the key redacted', async () => {
    const logger = memoryLogger();
    const script = new ScriptedFetch().reply(json(200, { consumers: [] }));
    const debug: string[] = [];
    const capturing: Logger = { ...logger, debug: (message, ...rest) => debug.push(`${message} ${JSON.stringify(rest)}`) };
    await clientWith(script, { logger: capturing, logLevel: 'debug' }).consumers.list();
    expect(debug.join('\n')).toContain('GET http://api.test/api/v1/consumers');
    expect(debug.join('\n')).toContain('"authorization":"***"');
    expect(debug.join('\n')).not.toContain('gs_key');
  });
});

describe('error mapping', () => {
  it.each([
    [400, 'VALIDATION_FAILED', BadRequestError],
    [401, 'UNAUTHORIZED', AuthenticationError],
    [403, 'FORBIDDEN', PermissionDeniedError],
    [404, 'SESSION_NOT_FOUND', NotFoundError],
    [409, 'INVALID_TRANSITION', ConflictError],
    [413, 'PAYLOAD_TOO_LARGE', APIError],
    [422, 'BUDGET_EXCEEDED', UnprocessableEntityError],
    [429, 'RATE_LIMITED', RateLimitError],
    [500, 'INTERNAL', InternalServerError],
    [503, 'PROVIDER_UNAVAILABLE', InternalServerError],
  ])('throws %i %s as %p with code, request id and details', async (status, code, errorClass) => {
    const details = [{ path: 'reservation_hours', message: 'at most 12' }];
    const script = new ScriptedFetch().reply(envelope(status, code, 'refused', { requestId: `req_${status}`, details, headers: { 'x-request-id': 'req_header' } }));
    const error = (await clientWith(script, { maxRetries: 0 }).sessions.done('ses_1').catch((e: unknown) => e)) as APIError;
    expect(error.constructor).toBe(errorClass);
    expect([error.status, error.code, error.requestID, error.message]).toEqual([status, code, `req_${status}`, `${status} ${code}: refused`]);
    expect(error.details).toEqual(details);
    expect(error.headers?.get('x-request-id')).toBe('req_header');
  });
});

describe('retries', () => {
  it('retries a 429 honouring retry-after-ms, then succeeds, counting attempts in a header', async () => {
    const script = new ScriptedFetch().reply(
      envelope(429, 'RATE_LIMITED', 'slow down', { headers: { 'retry-after-ms': '5' } }),
      envelope(429, 'RATE_LIMITED', 'slow down', { headers: { 'retry-after': '0.005' } }),
      json(200, buildSession()),
    );
    const session = await clientWith(script).sessions.retrieve('ses_1');
    expect(session.id).toBe('ses_1');
    expect(script.requests.map((r) => r.headers.get('x-gpu-shopper-retry-count'))).toEqual(['0', '1', '2']);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const soon = new Date(Date.now() + 10).toUTCString();
    const script = new ScriptedFetch().reply(envelope(503, 'PROVIDER_UNAVAILABLE', 'down', { headers: { 'retry-after': soon } }), json(200, { consumers: [] }));
    await clientWith(script).consumers.list();
    expect(script.requests).toHaveLength(2);
  });

  it('gives up after maxRetries and throws the last error, typed', async () => {
    const script = new ScriptedFetch().always(() => envelope(500, 'INTERNAL', 'boom', { headers: { 'retry-after-ms': '0' } }));
    const error = await clientWith(script, { maxRetries: 3 }).consumers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(script.requests).toHaveLength(4);
  });

  it('per-request maxRetries overrides the client', async () => {
    const script = new ScriptedFetch().always(() => envelope(502, 'PROVIDER_ERROR', 'bad gateway'));
    await expect(clientWith(script).consumers.list({ maxRetries: 0 })).rejects.toBeInstanceOf(InternalServerError);
    expect(script.requests).toHaveLength(1);
  });

  it('retries 408 and 409 for a GET or DELETE', async () => {
    const script = new ScriptedFetch().reply(
      envelope(409, 'CONCURRENT_UPDATE', 'try again', { headers: { 'retry-after-ms': '0' } }),
      json(200, { session: buildSession(), message: 'ok' }),
      new Response('', { status: 408, headers: { 'retry-after-ms': '0' } }),
      json(200, buildSession()),
    );
    const client = clientWith(script);
    await client.sessions.delete('ses_1');
    await client.sessions.retrieve('ses_1');
    expect(script.calls).toEqual(['DELETE /api/v1/sessions/ses_1', 'DELETE /api/v1/sessions/ses_1', 'GET /api/v1/sessions/ses_1', 'GET /api/v1/sessions/ses_1']);
  });

  it('retries connection errors for a GET', async () => {
    const script = new ScriptedFetch().reply(new TypeError('fetch failed'), json(200, buildSession()));
    // The backoff without Retry-After is 0.5 s minus jitter: acceptable once.
    await clientWith(script).sessions.retrieve('ses_1');
    expect(script.requests).toHaveLength(2);
  });

  it('never retries a POST without an Idempotency-Key: not on 5xx, 409, 429 or a lost connection', async () => {
    const retryable = [
      envelope(500, 'INTERNAL', 'boom', { headers: { 'retry-after-ms': '0' } }),
      envelope(409, 'CONFLICT', 'busy', { headers: { 'retry-after-ms': '0' } }),
      envelope(429, 'RATE_LIMITED', 'slow', { headers: { 'retry-after-ms': '0' } }),
      new TypeError('fetch failed'),
    ];
    for (const reply of retryable) {
      const script = new ScriptedFetch().reply(reply).always(() => json(200, {}));
      await expect(clientWith(script).sessions.extend('ses_1', { hours: 1 })).rejects.toBeInstanceOf(reply instanceof Error ? APIConnectionError : GpuShopperError);
      expect(script.requests).toHaveLength(1);
      expect(script.requests[0]?.headers.has('idempotency-key')).toBe(false);
    }
  });

  it('does not retry a POST even when the server says x-should-retry: true', async () => {
    const script = new ScriptedFetch().reply(envelope(503, 'PROVIDER_UNAVAILABLE', 'down', { headers: { 'x-should-retry': 'true', 'retry-after-ms': '0' } }));
    await expect(clientWith(script).consumers.create({ id: 'bob' })).rejects.toBeInstanceOf(InternalServerError);
    expect(script.requests).toHaveLength(1);
  });

  it('obeys x-should-retry: false on a GET', async () => {
    const script = new ScriptedFetch().reply(envelope(503, 'PROVIDER_UNAVAILABLE', 'down', { headers: { 'x-should-retry': 'false' } }));
    await expect(clientWith(script).consumers.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(script.requests).toHaveLength(1);
  });

  it('does not retry 4xx other than 408/409/429', async () => {
    const script = new ScriptedFetch().reply(envelope(404, 'SESSION_NOT_FOUND', 'no such session'));
    await expect(clientWith(script).sessions.retrieve('ses_x')).rejects.toBeInstanceOf(NotFoundError);
    expect(script.requests).toHaveLength(1);
  });

  it('sessions.create sends one automatic Idempotency-Key, the same on every retry', async () => {
    const created = { session: buildSession(), offer: {}, ssh_private_key: 'KEY', replayed: false };
    const script = new ScriptedFetch().reply(
      envelope(503, 'PROVIDER_UNAVAILABLE', 'down', { headers: { 'retry-after-ms': '0' } }),
      new TypeError('socket hang up'),
      json(201, created),
    );
    const client = clientWith(script);
    const result = await client.sessions.create({ consumer_id: 'alice', gpu: 'RTX4090' });
    expect(result.ssh_private_key).toBe('KEY');
    const keys = script.requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);

    // A second call is a different intent, so it gets a different key.
    script.reply(json(201, created));
    await client.sessions.create({ consumer_id: 'alice', gpu: 'RTX4090' });
    expect(script.requests[3]?.headers.get('idempotency-key')).not.toBe(keys[0]);
  });

  it('sessions.create uses the caller’s Idempotency-Key and retries a 409 IDEMPOTENCY_CONFLICT', async () => {
    const script = new ScriptedFetch().reply(
      envelope(409, 'IDEMPOTENCY_CONFLICT', 'still being processed; retry shortly', { headers: { 'retry-after-ms': '0' } }),
      json(201, { session: buildSession(), offer: {}, ssh_private_key: null, replayed: true }),
    );
    const result = await clientWith(script).sessions.create({ consumer_id: 'alice', offer_id: 'vastai-1' }, { idempotencyKey: 'job-7' });
    expect(result.replayed).toBe(true);
    expect(script.requests.map((r) => r.headers.get('idempotency-key'))).toEqual(['job-7', 'job-7']);
    expect(script.requests[0]?.body).toEqual({ consumer_id: 'alice', offer_id: 'vastai-1' });
  });

  it('throws RateLimitError once the retries are spent, with its Retry-After in the headers', async () => {
    const script = new ScriptedFetch().always(() => envelope(429, 'RATE_LIMITED', 'slow', { headers: { 'retry-after-ms': '1' } }));
    const error = (await clientWith(script, { maxRetries: 1 }).consumers.list().catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers?.get('retry-after-ms')).toBe('1');
    expect(script.requests).toHaveLength(2);
  });
});

describe('timeouts and cancellation', () => {
  it('times out with APIConnectionTimeoutError, after retrying a GET', async () => {
    const script = new ScriptedFetch().always(hang());
    const started = Date.now();
    const error = await clientWith(script, { timeout: 20 }).sessions.retrieve('ses_1', { maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toMatch(/timed out after 20 ms/);
    expect(script.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a POST once, without retrying', async () => {
    const script = new ScriptedFetch().always(hang());
    await expect(clientWith(script).sessions.done('ses_1', { timeout: 20 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(script.requests).toHaveLength(1);
  });

  it('aborts with APIUserAbortError and does not retry', async () => {
    const controller = new AbortController();
    const script = new ScriptedFetch().always(hang());
    const pending = clientWith(script).sessions.retrieve('ses_1', { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.requests).toHaveLength(1);
  });

  it('aborts at once when the signal is already aborted, sending nothing', async () => {
    const script = new ScriptedFetch();
    await expect(clientWith(script).sessions.retrieve('ses_1', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.requests).toHaveLength(0);
  });

  it('aborts during the wait between retries', async () => {
    const controller = new AbortController();
    const script = new ScriptedFetch().always(() => envelope(503, 'PROVIDER_UNAVAILABLE', 'down', { headers: { 'retry-after-ms': '30000' } }));
    const pending = clientWith(script).consumers.list({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.requests).toHaveLength(1);
  });
});

describe('auto-pagination', () => {
  const page = (ids: string[], next: string | null) => json(200, { sessions: ids.map((id) => buildSession({ id })), count: ids.length, next_cursor: next });

  it('iterates every session over 3 pages, passing each next_cursor', async () => {
    const script = new ScriptedFetch().reply(page(['s1', 's2'], 's2'), page(['s3', 's4'], 's4'), page(['s5'], null));
    const ids: string[] = [];
    for await (const session of clientWith(script).sessions.list({ limit: 2, status: 'running' })) ids.push(session.id);
    expect(ids).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(script.calls).toEqual([
      'GET /api/v1/sessions?limit=2&status=running',
      'GET /api/v1/sessions?limit=2&status=running&cursor=s2',
      'GET /api/v1/sessions?limit=2&status=running&cursor=s4',
    ]);
  });

  it('walks pages by hand and stops at an empty last page', async () => {
    const script = new ScriptedFetch().reply(page(['s1'], 's1'), page(['s2'], 's2'), page([], null));
    const first = await clientWith(script).sessions.list({ limit: 1 });
    expect(first.data.map((s) => s.id)).toEqual(['s1']);
    expect(first.body.count).toBe(1);
    expect(first.hasNextPage()).toBe(true);
    const pages = [];
    for await (const p of first.iterPages()) pages.push(p.data.length);
    expect(pages).toEqual([1, 1, 0]);
    expect(script.requests).toHaveLength(3);
  });

  it('refuses getNextPage() on the last page', async () => {
    const script = new ScriptedFetch().reply(page(['s1'], null));
    const only = await clientWith(script).sessions.list();
    expect(only.hasNextPage()).toBe(false);
    await expect(only.getNextPage()).rejects.toThrow(/no next page/);
  });
});

describe('untyped callers', () => {
  it('cannot make a POST retryable or change its path through stray options', async () => {
    const script = new ScriptedFetch().reply(envelope(503, 'PROVIDER_UNAVAILABLE', 'down', { headers: { 'retry-after-ms': '0' } })).always(() => json(200, {}));
    const stray = { idempotencyKey: 'k', path: '/elsewhere', method: 'get' } as object;
    await expect(clientWith(script).sessions.extend('ses_1', { hours: 1 }, stray)).rejects.toBeInstanceOf(InternalServerError);
    expect(script.calls).toEqual(['POST /api/v1/sessions/ses_1/extend']);
    expect(script.requests[0]?.headers.has('idempotency-key')).toBe(false);
  });
});
