/**
 * A fetch that answers from a script of recorded vendor responses and records every request, so
 * adapter tests can assert both directions of the wire exactly. Unscripted requests fail the test
 * loudly (status 599) rather than pass by accident.
 */
export interface ScriptedResponse {
  readonly status: number;
  /** Objects are sent as JSON; strings as they are (HTML, truncated JSON…). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Fail at the network level instead of answering (e.g. ECONNRESET after the request went out). */
  readonly networkError?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: unknown;
}

interface Route {
  readonly method: string;
  readonly path: RegExp;
  readonly responses: ScriptedResponse[];
}

export class ScriptedFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];

  /** Answers `method path` with the responses in order; the last one repeats. */
  on(method: string, path: RegExp, ...responses: ScriptedResponse[]): this {
    this.routes.unshift({ method, path, responses: [...responses] });
    return this;
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.url.pathname));
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const rawBody = typeof init?.body === 'string' ? init.body : undefined;
    this.requests.push({ method, url, headers: new Headers(init?.headers), body: rawBody === undefined ? undefined : JSON.parse(rawBody) });
    const route = this.routes.find((r) => r.method === method && r.path.test(url.pathname));
    if (!route) return new Response(`unscripted request ${method} ${url.pathname}`, { status: 599 });
    const response = route.responses.length > 1 ? route.responses.shift() : route.responses[0];
    if (!response) return new Response('empty script', { status: 599 });
    if (response.networkError) {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(response.networkError), { code: response.networkError }) });
    }
    const body = response.body === undefined ? null : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

/** A valid ed25519 public key line for requests (no private half exists; nothing connects with it). */
export const TEST_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICZKc67k8xgOtBqKhxpzM0lJl7rLG/dQTqWBCpHLwEJN test@example';

/** Fast retries and no rate-limit waits, so tests exercise the logic, not the clock. */
export const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 2, timeoutMs: 2000 } as const;
export const NO_RATE_LIMIT = { perSecond: 1000, burst: 1000 } as const;
