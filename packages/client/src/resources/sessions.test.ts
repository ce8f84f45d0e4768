import { GpuShopper } from '../client.js';
import { APIUserAbortError, GpuShopperError, NotFoundError, SessionTerminalError, SessionWaitTimeoutError } from '../core/error.js';
import { ScriptedFetch, buildSession, envelope, hang, json, sse } from '../testing/scripted-fetch.js';
import type { Session } from './sessions.js';

function clientWith(script: ScriptedFetch): GpuShopper {
  return new GpuShopper({ baseURL: 'http://api.test', apiKey: 'gs_key', fetch: script.fetch });
}

const event = (id: string, type: string, to: string | null) => ({
  id,
  session_id: 'ses_1',
  type,
  from_status: null,
  to_status: to,
  actor: 'system',
  reason: 'r',
  occurred_at: '2026-02-02T14:00:00.000Z',
});

describe('sessions.waitUntilRunning', () => {
  it('polls until running, reporting each status change once, and resolves the session', async () => {
    const script = new ScriptedFetch().reply(
      json(200, buildSession({ status: 'pending' })),
      json(200, buildSession({ status: 'provisioning' })),
      json(200, buildSession({ status: 'provisioning' })),
      json(200, buildSession({ status: 'running', ssh_command: 'ssh -p 22 root@1.2.3.4' })),
    );
    const seen: string[] = [];
    const session = await clientWith(script).sessions.waitUntilRunning('ses_1', { pollIntervalMs: 1, onStatus: (s) => seen.push(s.status) });
    expect(session.ssh_command).toBe('ssh -p 22 root@1.2.3.4');
    expect(seen).toEqual(['pending', 'provisioning', 'running']);
    expect(script.calls).toEqual(Array(4).fill('GET /api/v1/sessions/ses_1'));
  });

  it('rejects with SessionTerminalError carrying the session and its error_type when it fails', async () => {
    const failed = buildSession({ status: 'failed', error: 'offer taken', error_type: 'offer_unavailable', retry_suggested: true });
    const script = new ScriptedFetch().reply(json(200, buildSession({ status: 'provisioning' })), json(200, failed));
    const error = (await clientWith(script).sessions.waitUntilRunning('ses_1', { pollIntervalMs: 1 }).catch((e: unknown) => e)) as SessionTerminalError;
    expect(error).toBeInstanceOf(SessionTerminalError);
    expect([error.sessionStatus, error.errorType, error.retrySuggested, error.session.error]).toEqual(['failed', 'offer_unavailable', true, 'offer taken']);
  });

  it('rejects on terminated too (someone deleted it)', async () => {
    const script = new ScriptedFetch().reply(json(200, buildSession({ status: 'terminated', stop_reason: 'deleted' })));
    await expect(clientWith(script).sessions.waitUntilRunning('ses_1')).rejects.toMatchObject({ name: 'SessionTerminalError', sessionStatus: 'terminated', errorType: null });
  });

  it('times out with SessionWaitTimeoutError carrying the last session seen', async () => {
    const script = new ScriptedFetch().always(() => json(200, buildSession({ status: 'provisioning' })));
    const error = (await clientWith(script).sessions.waitUntilRunning('ses_1', { timeoutMs: 30, pollIntervalMs: 5 }).catch((e: unknown) => e)) as SessionWaitTimeoutError;
    expect(error).toBeInstanceOf(SessionWaitTimeoutError);
    expect([error.timeoutMs, error.session?.status]).toEqual([30, 'provisioning']);
    expect(script.requests.length).toBeGreaterThan(1);
  });

  it('stops with APIUserAbortError when the signal aborts between polls', async () => {
    const script = new ScriptedFetch().always(() => json(200, buildSession({ status: 'provisioning' })));
    const controller = new AbortController();
    const pending = clientWith(script).sessions.waitUntilRunning('ses_1', { pollIntervalMs: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('lets a 404 through as NotFoundError', async () => {
    const script = new ScriptedFetch().reply(envelope(404, 'SESSION_NOT_FOUND', 'no session ses_x'));
    await expect(clientWith(script).sessions.waitUntilRunning('ses_x')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('sessions.events and sessions.stream', () => {
  it('events() asks for JSON and returns the log', async () => {
    const script = new ScriptedFetch().reply(json(200, { events: [event('ev_1', 'created', 'pending')] }));
    const log = await clientWith(script).sessions.events('ses_1');
    expect(log.events.map((e) => e.type)).toEqual(['created']);
    expect(script.requests[0]?.headers.get('accept')).toBe('application/json');
  });

  it('stream() asks for text/event-stream and yields parsed events until the server ends', async () => {
    const script = new ScriptedFetch().reply(
      sse([
        `id: ev_1\nevent: created\ndata: ${JSON.stringify(event('ev_1', 'created', 'pending'))}\n\n: keep-alive\n\n`,
        `id: ev_2\nevent: status_changed\ndata: ${JSON.stringify(event('ev_2', 'status_changed', 'running'))}\n\n`,
      ]),
    );
    const stream = await clientWith(script).sessions.stream('ses_1');
    const seen: (string | null)[] = [];
    for await (const e of stream) seen.push(e.to_status);
    expect(seen).toEqual(['pending', 'running']);
    expect(script.requests[0]?.headers.get('accept')).toBe('text/event-stream');
    expect(script.calls).toEqual(['GET /api/v1/sessions/ses_1/events']);
  });

  it('stream() throws the typed error when the server refuses, and a GpuShopperError when it answers JSON', async () => {
    const script = new ScriptedFetch().reply(envelope(404, 'SESSION_NOT_FOUND', 'gone'), json(200, { events: [] }));
    const client = clientWith(script);
    await expect(client.sessions.stream('ses_x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.sessions.stream('ses_1')).rejects.toThrow(GpuShopperError);
  });

  it('stream() times out only while connecting', async () => {
    const script = new ScriptedFetch().reply(hang());
    await expect(clientWith(script).sessions.stream('ses_1', { timeout: 20, maxRetries: 0 })).rejects.toMatchObject({ name: 'APIConnectionTimeoutError' });

    // Once connected, a stream slower than the timeout is not cut off (the body obeys the signal like fetch's).
    const encoder = new TextEncoder();
    script.reply((request) => {
      const slow = new ReadableStream<Uint8Array>({
        async start(c) {
          request.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
          await new Promise((resolve) => setTimeout(resolve, 60));
          if (request.signal?.aborted) return;
          c.enqueue(encoder.encode(`data: ${JSON.stringify(event('ev_1', 'created', 'pending'))}\n\n`));
          c.close();
        },
      });
      return new Response(slow, { headers: { 'content-type': 'text/event-stream' } });
    });
    const events: unknown[] = [];
    for await (const e of await clientWith(script).sessions.stream('ses_1', { timeout: 20 })) events.push(e);
    expect(events).toHaveLength(1);
  });

  it('stream() ends quietly when the caller’s signal aborts', async () => {
    const controller = new AbortController();
    const encoder = new TextEncoder();
    const script = new ScriptedFetch().reply((request) => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(encoder.encode(`data: ${JSON.stringify(event('ev_1', 'created', 'pending'))}\n\n`));
          request.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const seen: Session['status'][] = [];
    for await (const e of await clientWith(script).sessions.stream('ses_1', { signal: controller.signal })) {
      seen.push(e.to_status as Session['status']);
      controller.abort();
    }
    expect(seen).toEqual(['pending']);
  });
});
