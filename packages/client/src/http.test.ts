/**
 * The real transport: the global fetch against a tiny node:http server started here (not the GPU
 * Shopper server; that end-to-end test lives with the server). It exercises what a scripted fetch
 * cannot: real headers, chunked bodies split mid-line, and closing a live connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { GpuShopper } from './client.js';
import { APIConnectionError, APIConnectionTimeoutError, NotFoundError } from './core/error.js';
import { buildSession } from './testing/scripted-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

const seen: Seen[] = [];
let server: Server;
let baseURL: string;
let streamClosed: Promise<void> | undefined;

const session = buildSession({ id: 'ses_http' });
const event = (id: string, type: string, to: string) => ({ id, session_id: 'ses_http', type, from_status: null, to_status: to, actor: 'system', reason: 'r', occurred_at: '2026-02-02T14:00:00.000Z' });
/** Longer than the stream's timeout in the test below: only a connect-only timeout lets the stream through. */
const STREAM_PAUSE_MS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${seen.length}` });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: raw === '' ? undefined : JSON.parse(raw) });
  if (req.headers.authorization !== 'Bearer gs_http') {
    send(res, 401, { error: { code: 'UNAUTHORIZED', message: 'bad key', request_id: 'req_auth' } });
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/api/v1/sessions') {
    send(res, 201, { session, offer: {}, ssh_private_key: '-----BEGIN OPENSSH PRIVATE KEY-----', replayed: false });
  } else if (req.method === 'GET' && url.pathname === '/api/v1/sessions/ses_http') {
    send(res, 200, session);
  } else if (req.method === 'GET' && url.pathname === '/api/v1/sessions/ses_http/events' && req.headers.accept === 'text/event-stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const first = `id: ev_1\nevent: created\ndata: ${JSON.stringify(event('ev_1', 'created', 'pending'))}\n\n`;
    // Split mid-line, with pauses longer than the client's timeout, so chunking and the
    // connect-only timeout are both exercised over a real socket.
    res.write(first.slice(0, 20));
    await sleep(STREAM_PAUSE_MS);
    res.write(first.slice(20) + ': keep-alive\n\n');
    await sleep(STREAM_PAUSE_MS);
    res.write(`id: ev_2\nevent: status_changed\ndata: ${JSON.stringify(event('ev_2', 'status_changed', 'running'))}\n\n`);
    if (url.searchParams.get('forever') === '1') {
      streamClosed = new Promise((resolve) => res.on('close', () => resolve()));
      return; // never ends: only the client can close it
    }
    res.end();
  } else if (url.pathname === '/api/v1/slow') {
    await sleep(1_000);
    send(res, 200, {});
  } else {
    send(res, 404, { error: { code: 'SESSION_NOT_FOUND', message: `no ${url.pathname}`, request_id: 'req_404' } });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

describe('over real HTTP', () => {
  const client = () => new GpuShopper({ baseURL, apiKey: 'gs_http', timeout: 2_000, maxRetries: 0, logLevel: 'off' });

  it('creates, retrieves and streams a session', async () => {
    // When a session is created
    const created = await client().sessions.create({ consumer_id: 'alice', gpu: 'RTX4090' });
    // Then the server saw the JSON body, the key and an Idempotency-Key
    expect(created.ssh_private_key).toContain('OPENSSH');
    expect(seen[0]?.body).toEqual({ consumer_id: 'alice', gpu: 'RTX4090' });
    expect(seen[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]?.headers['content-type']).toBe('application/json');

    // And retrieving it round-trips the wire type, with the request id readable
    const { data, requestID } = await client().sessions.retrieve(created.session.id).withResponse();
    expect(data).toEqual(session);
    expect(requestID).toBe('req_2');

    // And its stream yields both events though its pauses exceed the 100 ms timeout (it covers connecting only)
    const types: string[] = [];
    for await (const e of await client().sessions.stream(created.session.id, { timeout: 100 })) types.push(`${e.type}:${e.to_status}`);
    expect(types).toEqual(['created:pending', 'status_changed:running']);
  });

  it('closes a live stream when the caller aborts', async () => {
    const controller = new AbortController();
    const types: string[] = [];
    const stream = await client().request<AsyncIterable<{ type: string }>>({ method: 'get', path: '/api/v1/sessions/ses_http/events', query: { forever: 1 }, stream: true, signal: controller.signal });
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'status_changed') controller.abort();
    }
    expect(types).toEqual(['created', 'status_changed']);
    await streamClosed;
  });

  it('maps an error envelope to its class, with code and request id', async () => {
    const error = (await client().sessions.retrieve('ses_nope').catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect([error.status, error.code, error.requestID]).toEqual([404, 'SESSION_NOT_FOUND', 'req_404']);
    expect(error.headers?.get('x-request-id')).toBe('req_1');
  });

  it('times out a slow answer', async () => {
    await expect(client().request({ method: 'get', path: '/api/v1/slow', timeout: 50 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('reports a refused connection as APIConnectionError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await new GpuShopper({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'k', maxRetries: 0 }).health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });
});
