import net from 'node:net';

import { startSimulator, SimulatorOptionsError, type RunningSimulator } from '../simulator.js';
import { startFastSimulator, vendorRequest } from '../testing/sim-client.js';

/** The union of control API reply fields, loosely typed for assertions. */
interface ControlReply {
  error: { code: string; message: string };
  faults: { id: string; remaining: number | null; fired: number }[];
  instances: { billedSeconds: number }[];
  requests: { headers: Record<string, string> }[];
  offers: unknown[];
}

async function control(sim: RunningSimulator, method: string, path: string, body?: string): Promise<{ status: number; body: ControlReply }> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } };
  if (body !== undefined) init.body = body;
  const res = await fetch(`${sim.urls.control}${path}`, init);
  return { status: res.status, body: (await res.json()) as ControlReply };
}

describe('control API', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startFastSimulator();
  });
  afterEach(async () => {
    await sim.control.reset();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('validates fault bodies with clear 400 messages', async () => {
    expect(await control(sim, 'POST', '/_sim/faults', '{oops')).toEqual({ status: 400, body: { error: { code: 'BAD_REQUEST', message: expect.stringContaining('body is not valid JSON') } } });
    expect((await control(sim, 'POST', '/_sim/faults')).body.error.message).toContain('a JSON body describing the fault is required');
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'explode' }))).body.error.message).toMatch(/^invalid fault: kind: /);
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'http_error', status: 200 }))).body.error.message).toContain('status');
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'rate_limit', cnt: 2 }))).body.error.message).toContain('cnt');
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'stale_offer', operation: 'listOffers' }))).body.error.message).toBe(
      'invalid fault: kind "stale_offer" applies to createInstance, not listOffers',
    );
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'hang', vendor: 'vastai', operation: 'getTask' }))).body.error.message).toContain('vastai has no operation getTask');
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'task_failed', vendor: 'tensordock' }))).status).toBe(400);
    expect((await control(sim, 'POST', '/_sim/faults', JSON.stringify({ kind: 'http_error', status: 500, probability: 0 }))).status).toBe(400);
    await expect(sim.control.injectFault({ kind: 'delay', delayMs: -1 })).rejects.toThrow(/invalid fault: delayMs/);
  });

  it('adds, lists and removes faults', async () => {
    const added = await control(sim, 'POST', '/_sim/faults', JSON.stringify({ vendor: 'vastai', operation: 'listOffers', kind: 'http_error', status: 502, count: 3 }));
    expect(added).toEqual({ status: 201, body: { fault: { vendor: 'vastai', operation: 'listOffers', kind: 'http_error', status: 502, count: 3, id: 'flt_1', remaining: 3, fired: 0 } } });
    await vendorRequest(sim, 'vastai', 'GET', '/bundles/');
    expect((await control(sim, 'GET', '/_sim/faults')).body.faults).toEqual([expect.objectContaining({ id: 'flt_1', remaining: 2, fired: 1 })]);
    expect(await control(sim, 'DELETE', '/_sim/faults/flt_1')).toEqual({ status: 200, body: { cleared: 1 } });
    expect((await control(sim, 'DELETE', '/_sim/faults/flt_1')).status).toBe(404);
    await sim.control.injectFault({ kind: 'hang' });
    await sim.control.injectFault({ kind: 'oom' });
    expect(await control(sim, 'DELETE', '/_sim/faults')).toEqual({ status: 200, body: { cleared: 2 } });
  });

  it('reports ground truth with billing, journals requests, and resets', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer?.vendorOfferId ?? ''}/`, { body: { client_id: 'me', image: 'img', label: 'shopper-truth', runtype: 'ssh' } });
    // Billing runs from the create: wait until some has accrued (a state, not a fixed pause).
    let body = (await control(sim, 'GET', '/_sim/instances')).body;
    while ((body.instances[0]?.billedSeconds ?? 0) < 0.05) body = (await control(sim, 'GET', '/_sim/instances')).body;
    expect(body.instances).toEqual([
      expect.objectContaining({
        // A loaded machine may take longer than the boot delay to get here.
        vendor: 'vastai', label: 'shopper-truth', state: expect.stringMatching(/^(provisioning|running)$/), createdAt: expect.any(String), endedAt: null, sshHost: '127.0.0.1', sshPort: expect.any(Number),
        pricePerHourUsd: offer?.pricePerHourUsd, pricePerHourMicroUsd: Math.round((offer?.pricePerHourUsd ?? 0) * 1e6), billedSeconds: expect.any(Number), costMicroUsd: expect.any(Number), costUsd: expect.any(Number),
      }),
    ]);
    expect(body.instances[0]?.billedSeconds).toBeGreaterThanOrEqual(0.05);

    const journal = (await control(sim, 'GET', '/_sim/requests?vendor=vastai')).body.requests;
    expect(journal).toEqual([expect.objectContaining({ vendor: 'vastai', operation: 'createInstance', method: 'PUT', status: 200, body: expect.objectContaining({ label: 'shopper-truth' }) })]);
    expect(journal[0]?.headers.authorization).toMatch(/^Bearer /);
    expect((await control(sim, 'GET', '/_sim/requests?vendor=aws')).status).toBe(400);

    expect((await control(sim, 'POST', '/_sim/reset', JSON.stringify({ hard: true }))).status).toBe(400);
    expect(await control(sim, 'POST', '/_sim/reset')).toEqual({ status: 200, body: { ok: true } });
    expect((await control(sim, 'GET', '/_sim/instances')).body).toEqual({ instances: [] });
    expect((await control(sim, 'GET', '/_sim/catalog')).body.offers.length).toBe(80);
    expect((await control(sim, 'GET', '/_sim/nope')).status).toBe(404);
    expect((await control(sim, 'PUT', '/_sim/instances')).status).toBe(405);
  });
});

describe('simulator lifecycle', () => {
  it('rejects invalid options', async () => {
    await expect(startSimulator({ catalogSize: 5 })).rejects.toThrow(SimulatorOptionsError);
  });

  it('binds consecutive ports from --port and releases everything on stop', async () => {
    let sim: RunningSimulator | null = null;
    for (let attempt = 0; attempt < 5 && !sim; attempt++) {
      const base = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as net.AddressInfo;
          probe.close(() => resolve(Math.min(port, 65_000)));
        });
      });
      sim = await startSimulator({ basePort: base, catalogSize: 20 }).catch(() => null);
      if (sim) {
        expect(sim.urls).toEqual({
          vastai: `http://127.0.0.1:${base}/api/v0`,
          tensordock: `http://127.0.0.1:${base + 1}/api/v2`,
          bluelobster: `http://127.0.0.1:${base + 2}/api/v1`,
          control: `http://127.0.0.1:${base + 3}`,
        });
      }
    }
    if (!sim) throw new Error('no free port range');
    await sim.stop();
    await sim.stop();
    await expect(fetch(`${sim.urls.control}/_sim/health`)).rejects.toThrow();
  });
});
