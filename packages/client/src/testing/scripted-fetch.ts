/**
 * Test support (not built into dist): a `fetch` that answers from a script and records every request,
 * so client behaviour is tested by injection rather than by mocking modules.
 */
import type { Fetch } from '../client.js';
import type { Session } from '../resources/sessions.js';

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  /** The parsed JSON body, or undefined. */
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
}

/** A scripted answer: a Response, a function of the request, or an Error to throw (network failure). */
export type Reply = Response | Error | ((request: RecordedRequest) => Response | Promise<Response>);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The error envelope of the API. */
export function envelope(status: number, code: string, message: string, extra: { requestId?: string; details?: unknown[]; headers?: Record<string, string> } = {}): Response {
  const error = { code, message, request_id: extra.requestId ?? 'req_test', ...(extra.details ? { details: extra.details } : {}) };
  return json(status, { error }, extra.headers);
}

/** A reply that never answers until the request's signal aborts (then rejects like fetch does). */
export function hang(): Reply {
  return (request) =>
    new Promise<Response>((_resolve, reject) => {
      const abort = () => reject((request.signal?.reason as Error | undefined) ?? new DOMException('aborted', 'AbortError'));
      if (request.signal?.aborted) abort();
      request.signal?.addEventListener('abort', abort, { once: true });
    });
}

/** A `text/event-stream` response whose body is the given chunks, sent one by one. */
export function sse(chunks: readonly string[], status = 200): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });
}

export class ScriptedFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: Reply[] = [];
  private fallback: Reply | undefined;

  /** Queues replies, answered in order. */
  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  /** Answers every request once the queue is empty. */
  always(reply: Reply): this {
    this.fallback = reply;
    return this;
  }

  readonly fetch: Fetch = async (input, init) => {
    const headers = new Headers(init.headers);
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url: new URL(input),
      headers,
      body: text === undefined ? undefined : JSON.parse(text),
      signal: init.signal ?? undefined,
    };
    this.requests.push(request);
    const reply = this.replies.shift() ?? this.fallback;
    if (reply === undefined) throw new Error(`no scripted reply for ${request.method} ${request.url.pathname}`);
    if (reply instanceof Error) throw reply;
    if (reply instanceof Response) return reply;
    return reply(request);
  };

  /** `METHOD /path?query` of every request, for compact assertions. */
  get calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`);
  }
}

/** A wire session with sensible values; override what the test is about. */
export function buildSession(overrides: Partial<Session> = {}): Session {
  return {
    id: 'ses_1',
    consumer_id: 'alice',
    provider: 'vastai',
    offer_id: 'vastai-1',
    provider_instance_id: null,
    gpu_type: 'RTX 4090',
    gpu_count: 1,
    status: 'pending',
    workload_type: 'llm',
    reservation_hours: 2,
    idle_timeout: 0,
    storage_policy: 'destroy',
    price_per_hour: 0.4,
    price_per_hour_micros: 400_000,
    ssh_host: null,
    ssh_port: null,
    ssh_user: null,
    ssh_command: null,
    created_at: '2026-02-02T14:00:00.000Z',
    expires_at: '2026-02-02T16:00:00.000Z',
    hard_max_at: '2026-02-03T14:00:00.000Z',
    stopped_at: null,
    stop_reason: null,
    error: null,
    error_type: null,
    retry_suggested: false,
    auto_retry: false,
    attempt: 1,
    interruptible: false,
    bid: null,
    max_bid: null,
    on_preempt: null,
    preemptions: 0,
    on_demand_price: null,
    on_demand_price_micros: null,
    cost_so_far: 0,
    cost_so_far_micros: 0,
    simulated: true,
    ...overrides,
  };
}
