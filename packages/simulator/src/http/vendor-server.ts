import http, { type IncomingHttpHeaders } from 'node:http';

import { type FaultOf, type FaultRegistry } from '../faults/fault-registry.js';
import { type HTTP_FAULT_KINDS } from '../faults/fault-schema.js';
import { type Operation, type RecordedRequest, type VendorName } from '../model.js';
import { type InstanceRecord, type World } from '../state/world.js';
import { BodyTooLargeError, GATEWAY_HTML, jsonReply, listen, parseJsonBody, readBody, replyText, sendReply, sendReplyPaced, type HttpReply } from './http-kit.js';

type HttpFault = FaultOf<(typeof HTTP_FAULT_KINDS)[number]>;

/** Faults a route handler acts on itself; the others are answered by the pipeline. */
export type HandlerFault = FaultOf<'stale_offer' | 'error_body_200' | 'task_failed' | 'task_stuck' | 'task_cancelled' | 'alternate_envelope' | 'destroy_ignored'>;
const HANDLER_FAULTS: readonly string[] = ['stale_offer', 'error_body_200', 'task_failed', 'task_stuck', 'task_cancelled', 'alternate_envelope', 'destroy_ignored'];

export interface RouteContext {
  readonly match: RegExpExecArray;
  readonly url: URL;
  /** Parsed JSON body; undefined when empty; an Error when it is not JSON. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly fault: HandlerFault | null;
}

export interface RouteResult extends HttpReply {
  /** The instance this request created, so create faults can record what the client was told. */
  readonly created?: InstanceRecord;
}

export interface VendorRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matched against the path below the base path (e.g. `/instances/123/`). */
  readonly pattern: RegExp;
  readonly operation: Operation;
  instanceId?(match: RegExpExecArray): string | undefined;
  offerId?(match: RegExpExecArray, body: unknown): string | undefined;
  handle(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

export interface VendorApi {
  readonly vendor: VendorName;
  /** Routes are matched below it, e.g. `/api/v1`. */
  readonly basePath: string;
  /** The path the URL handed out ends with, when it is not `basePath` (Vast: routes under `/api`, URL `…/api/v0`). */
  readonly publicPath?: string;
  readonly routes: readonly VendorRoute[];
  /** The vendor's refusal when credentials are missing, or null to proceed. */
  authenticate(req: http.IncomingMessage, url: URL, route: VendorRoute): HttpReply | null;
  /** The vendor's own error body for a status (used by injected errors and unknown routes). */
  errorReply(status: number, reason: 'generic' | 'unauthorized' | 'rate_limited' | 'not_found', message?: string): HttpReply;
  /** A 5xx whose body looks like an empty listing (the hazard adapters must not read as "none"). */
  emptyListReply(operation: Operation, status: number): HttpReply;
}

/** Bounded log of vendor requests, newest last. */
export class RequestJournal {
  private entries: RecordedRequest[] = [];
  constructor(private readonly limit = 5000) {}

  add(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries = this.entries.slice(-this.limit);
  }

  list(): RecordedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}

export interface VendorServerDeps {
  readonly world: World;
  readonly faults: FaultRegistry;
  readonly journal: RequestJournal;
  readonly latencyMs: number;
  /** The one credential a vendor accepts; absent: any. */
  readonly acceptedKeys?: Partial<Record<VendorName, string>>;
}

/** Whether the request carries `key` wherever the vendor takes credentials (Bearer, X-API-Key, query). */
function carriesKey(req: http.IncomingMessage, url: URL, key: string): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'];
  return bearer === key || header === key || url.searchParams.get('api_key') === key || url.searchParams.get('api_token') === key;
}

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body><h1>We&rsquo;ll be back soon</h1><p>The API is undergoing maintenance.</p></body></html>\n';

/** Every number and boolean becomes a string, and a top-level array gets an envelope. */
function drift(value: unknown, depth = 0): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => drift(v, depth + 1));
    return depth === 0 ? { items } : items;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, drift(v, depth + 1)]));
  }
  return value;
}

function malformed(reply: HttpReply, mode: NonNullable<FaultOf<'malformed'>['mode']>): HttpReply {
  switch (mode) {
    case 'html':
      return { status: reply.status, text: HTML_PAGE, contentType: 'text/html; charset=utf-8' };
    case 'not_json':
      return { status: reply.status, text: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination', contentType: 'text/plain' };
    case 'empty':
      return { status: reply.status, text: '', contentType: 'application/json' };
    case 'schema_drift':
      return { ...reply, json: drift(reply.json) };
    case 'truncated': {
      const { body } = replyText(reply);
      return { status: reply.status, text: body.slice(0, Math.max(1, Math.floor(body.length / 2))), contentType: 'application/json' };
    }
  }
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * One vendor's HTTP server: routing, auth, latency, the fault pipeline and the request journal
 * around the vendor-specific handlers.
 */
export async function startVendorServer(api: VendorApi, deps: VendorServerDeps, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const held = new Set<http.ServerResponse>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  const releaseHeld = (): void => {
    for (const res of held) res.socket?.destroy();
    held.clear();
  };
  const unsubscribe = deps.faults.onChange(releaseHeld);

  const pause = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              timers.delete(entry);
              resolve();
            }, ms),
            resolve,
          };
          timers.add(entry);
        });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) sendReply(res, jsonReply(413, { error: 'request body too large' }));
      return;
    }
    const body = parseJsonBody(raw);
    const record = (status: number | null, faultId: string | null, operation: Operation | null): void =>
      deps.journal.add({
        at: new Date().toISOString(),
        vendor: api.vendor,
        operation,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: flatHeaders(req.headers),
        body: body instanceof Error ? raw : (body ?? null),
        status,
        faultId,
      });
    /** Set by a delay fault with a bandwidth: the answer's body then leaves at that rate. */
    let bytesPerSecond: number | null = null;
    const respond = async (reply: HttpReply, faultId: string | null, operation: Operation | null, extraDelayMs = 0): Promise<void> => {
      await pause(deps.latencyMs + extraDelayMs);
      if (closing) return;
      if (bytesPerSecond === null) sendReply(res, reply);
      else await sendReplyPaced(res, reply, bytesPerSecond, pause, () => closing);
      record(reply.status, faultId, operation);
    };

    const sub = url.pathname.startsWith(`${api.basePath}/`) ? url.pathname.slice(api.basePath.length) : null;
    const candidates = sub === null ? [] : api.routes.filter((r) => r.pattern.test(sub));
    const route = candidates.find((r) => r.method === req.method);
    const match = route && sub !== null ? route.pattern.exec(sub) : null;
    if (!route || !match) {
      const reply = candidates.length > 0 ? api.errorReply(405, 'generic', 'Method Not Allowed') : api.errorReply(404, 'not_found', `No route for ${req.method ?? 'GET'} ${url.pathname}`);
      await respond(reply, null, null);
      return;
    }
    const accepted = deps.acceptedKeys?.[api.vendor];
    const refusal = api.authenticate(req, url, route) ?? (accepted !== undefined && !carriesKey(req, url, accepted) ? api.errorReply(401, 'unauthorized') : null);
    if (refusal) {
      await respond(refusal, null, route.operation);
      return;
    }

    await deps.world.tick();
    if (route.operation === 'destroyInstance') {
      // Counted before faults: a destroy that fails still reached the vendor.
      const id = route.instanceId?.(match);
      const target = id === undefined ? undefined : deps.world.get(api.vendor, id);
      if (target) target.destroyRequests++;
    }
    const scope = { vendor: api.vendor, operation: route.operation, instanceId: route.instanceId?.(match), offerId: route.offerId?.(match, body) };
    const { delayMs, delayIds, fault, bytesPerSecond: bandwidth } = deps.faults.takeRequestFaults(scope);
    bytesPerSecond = bandwidth;
    const faultId = fault?.id ?? delayIds[0] ?? null;
    if (fault?.kind === 'hang') {
      held.add(res);
      res.on('close', () => held.delete(res));
      record(null, fault.id, route.operation);
      return;
    }
    if (fault?.kind === 'drop_connection') {
      await pause(deps.latencyMs + delayMs);
      req.socket.destroy();
      record(null, fault.id, route.operation);
      return;
    }
    const pre = fault ? preHandlerReply(api, route, fault) : null;
    if (pre) {
      await respond(pre, faultId, route.operation, delayMs);
      return;
    }

    const handlerFault = fault && HANDLER_FAULTS.includes(fault.kind) ? (fault as HandlerFault) : null;
    let result: RouteResult;
    try {
      result = await route.handle({ match, url, body, headers: req.headers, fault: handlerFault });
    } catch (err) {
      result = jsonReply(500, { error: `simulator error: ${err instanceof Error ? err.message : String(err)}` });
    }

    if (fault?.kind === 'create_then_fail' && result.created) {
      // The instance exists (and bills) but the client is not told so.
      const mode = fault.mode ?? 'error';
      result.created.createOutcome = mode === 'error' ? 'error_response' : mode === 'drop' ? 'connection_dropped' : 'hung';
      if (mode === 'hang') {
        held.add(res);
        res.on('close', () => held.delete(res));
        record(null, fault.id, route.operation);
        return;
      }
      if (mode === 'drop') {
        await pause(deps.latencyMs + delayMs);
        req.socket.destroy();
        record(null, fault.id, route.operation);
        return;
      }
      const status = fault.status ?? 504;
      await respond(GATEWAY_HTML[status] ? { status, text: GATEWAY_HTML[status], contentType: 'text/html' } : api.errorReply(status, 'generic'), fault.id, route.operation, delayMs);
      return;
    }
    if (fault?.kind === 'malformed') result = malformed(result, fault.mode ?? 'truncated');
    await respond(result, faultId, route.operation, delayMs);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      sendReply(res, jsonReply(500, { error: `simulator error: ${err instanceof Error ? err.message : String(err)}` }));
    });
  });
  // Creates on some vendors take long; never cut a slow response on the server side.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5000;
  const listener = await listen(server, port);
  return {
    url: `${listener.url}${api.publicPath ?? api.basePath}`,
    close: async () => {
      closing = true;
      unsubscribe();
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      releaseHeld();
      await listener.close();
    },
  };
}

/** Faults answered without running the handler. */
function preHandlerReply(api: VendorApi, route: VendorRoute, fault: HttpFault): HttpReply | null {
  switch (fault.kind) {
    case 'http_error':
    case 'destroy_fail': {
      const status = fault.status ?? 500;
      const headers = fault.kind === 'http_error' && fault.retryAfterSec !== undefined ? { 'Retry-After': String(fault.retryAfterSec) } : undefined;
      if (fault.kind === 'http_error' && fault.body !== undefined) {
        return typeof fault.body === 'string' ? { status, text: fault.body, headers } : { status, json: fault.body, headers };
      }
      const html = GATEWAY_HTML[status];
      const reply = html ? { status, text: html, contentType: 'text/html' } : api.errorReply(status, status === 404 ? 'not_found' : 'generic');
      return headers ? { ...reply, headers: { ...reply.headers, ...headers } } : reply;
    }
    case 'rate_limit': {
      const reply = api.errorReply(429, 'rate_limited');
      return fault.omitRetryAfter ? reply : { ...reply, headers: { ...reply.headers, 'Retry-After': String(fault.retryAfterSec ?? 1) } };
    }
    case 'unauthorized':
      return api.errorReply(fault.status ?? (api.vendor === 'bluelobster' ? 403 : 401), 'unauthorized');
    case 'empty_list_5xx':
      return api.emptyListReply(route.operation, fault.status ?? 503);
    case 'delay':
    case 'hang':
    case 'drop_connection':
    case 'malformed':
    case 'create_then_fail':
    case 'stale_offer':
    case 'error_body_200':
    case 'destroy_ignored':
    case 'task_failed':
    case 'task_stuck':
    case 'task_cancelled':
    case 'alternate_envelope':
      return null;
  }
}
