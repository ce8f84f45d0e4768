import { GpuShopper } from '@gpu-shopper/client';

export type Route = (body: unknown, query: Record<string, string>) => { status: number; body: unknown };

/**
 * A fake of the server behind the SDK's `fetch`: answers "METHOD /path" from a table and records
 * every request, so a component test runs the real SDK end to end without a network.
 */
export function fakeServer(routes: Record<string, Route>) {
  const requests: { method: string; path: string; query: Record<string, string>; body: unknown }[] = [];
  const client = new GpuShopper({
    baseURL: 'http://127.0.0.1:8080',
    apiKey: null,
    maxRetries: 0,
    logLevel: 'off',
    fetch: async (input, init) => {
      const url = new URL(input);
      const method = (init.method ?? 'GET').toUpperCase();
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const query = Object.fromEntries(url.searchParams);
      requests.push({ method, path: url.pathname, query, body });
      const route = routes[`${method} ${url.pathname}`];
      const answer = route ? route(body, query) : { status: 404, body: { error: { code: 'NOT_FOUND', message: `no route ${method} ${url.pathname}`, request_id: 'r' } } };
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
    },
  });
  return { client, requests };
}
