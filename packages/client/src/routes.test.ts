/**
 * Every endpoint of the contract's route table has an SDK method, and every SDK method hits a route
 * of the table. The client may not import the contract at runtime (types only), so the table is read
 * from its source file: a new route without an SDK method fails here.
 */
import { readFileSync } from 'node:fs';

import { GpuShopper } from './client.js';
import { ScriptedFetch, buildSession, json, sse } from './testing/scripted-fetch.js';

interface Route {
  method: string;
  path: string;
}

function contractRoutes(): Route[] {
  const source = readFileSync(new URL('../../contract/src/routes.ts', import.meta.url), 'utf8');
  return [...source.matchAll(/\{\s*method:\s*'(\w+)',\s*path:\s*'([^']+)'/g)].map((m) => ({ method: (m[1] ?? '').toUpperCase(), path: m[2] ?? '' }));
}

function matches(route: Route, method: string, pathname: string): boolean {
  const pattern = new RegExp(`^${route.path.replace(/:[A-Za-z_]+/g, '[^/]+')}$`);
  return route.method === method && pattern.test(pathname);
}

describe('route coverage', () => {
  it('hits every route of the contract, and nothing else', async () => {
    const routes = contractRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(21);

    const script = new ScriptedFetch().always((request) =>
      request.headers.get('accept') === 'text/event-stream' ? sse([]) : json(200, { sessions: [buildSession()], count: 1, next_cursor: null, status: 'ready' }),
    );
    const client = new GpuShopper({ baseURL: 'http://api.test', apiKey: 'k', fetch: script.fetch });
    await client.health();
    await client.ready();
    await client.whoami();
    await client.inventory.list();
    await client.inventory.retrieve('vastai-1');
    await client.templates.list({ recommended: true });
    await client.templates.retrieve('a4d2a0b85ae6719c0906ff66e7b3b434');
    await client.templates.compatibleWith('vastai-1');
    await client.offerHealth.list();
    await client.providers.health();
    await client.reconciliation.retrieve();
    await client.sessions.create({ consumer_id: 'alice', gpu: 'RTX4090' });
    await client.sessions.list();
    await client.sessions.retrieve('ses_1');
    await client.sessions.delete('ses_1');
    await client.sessions.done('ses_1');
    await client.sessions.extend('ses_1', { hours: 1 });
    await client.sessions.events('ses_1');
    await client.sessions.diagnostics('ses_1');
    await client.costs.list();
    await client.costs.summary();
    await client.consumers.create({ id: 'bob' });
    await client.consumers.list();
    await client.consumers.retrieve('bob');
    await client.consumers.createKey('bob');
    await client.consumers.revokeKey('bob', 'key_1');
    await client.consumers.setBudget('bob', { monthly_limit: 100 });
    await client.benchmarks.list();
    await client.benchmarks.submit({ timestamp: '2026-01-01T00:00:00Z', hardware: { gpu_name: 'RTX 3090' }, model: { name: 'm:7b' }, results: { avg_tokens_per_second: 1 } });
    await client.benchmarks.validate({ timestamp: '2026-01-01T00:00:00Z', hardware: { gpu_name: 'RTX 3090' }, model: { name: 'm:7b' }, results: { avg_tokens_per_second: 1 } });
    await client.benchmarks.best({ model: 'm:7b' });
    await client.benchmarks.cheapest({ model: 'm:7b' });
    await client.benchmarks.compare({ model: 'm:7b' });
    // The SEED path of recommendations is an alias of /recommendations (which the resource uses).
    await client.request({ method: 'get', path: '/api/v1/benchmarks/recommendations', query: { model: 'm:7b' } });
    await client.benchmarks.get('bmr_1');
    await client.benchmarks.recommendations({ model: 'm:7b' });
    await client.benchmarks.runs.create({ models: ['m:7b'] });
    await client.benchmarks.runs.list();
    await client.benchmarks.runs.get('bch_1');
    await client.benchmarks.runs.cancel('bch_1');
    await client.benchmarks.schedules.create({ name: 'n', cron_expression: '0 3 * * *', run_template: { models: ['m:7b'] } });
    await client.benchmarks.schedules.list();
    await client.benchmarks.schedules.get('bsc_1');
    await client.benchmarks.schedules.update('bsc_1', { enabled: false });
    await client.benchmarks.schedules.delete('bsc_1');
    // The stream shares the events route with events().
    for await (const _ of await client.sessions.stream('ses_1')) {
      // empty stream
    }

    const hits = routes.map((route) => script.requests.filter((r) => matches(route, r.method, r.url.pathname)).length);
    const unmatched = script.requests.filter((r) => !routes.some((route) => matches(route, r.method, r.url.pathname))).map((r) => `${r.method} ${r.url.pathname}`);
    expect(unmatched).toEqual([]);
    expect(routes.filter((_, i) => hits[i] === 0).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
