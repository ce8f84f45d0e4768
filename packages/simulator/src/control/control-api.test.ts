import net from 'node:net';

import { startSimulator, SimulatorOptionsError, type RunningSimulator } from '../simulator.js';
import { vendorRequest } from '../testing/sim-client.js';
import { useTestSimulator } from '../testing/test-simulator.js';

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

  const simulator = useTestSimulator();
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
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
    // The boot is held and the clock moved: the state and the bill are exact, however busy the machine.
    await sim.control.holdBoot();
    await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer?.vendorOfferId ?? ''}/`, { body: { client_id: 'me', image: 'img', label: 'shopper-truth', runtype: 'ssh' } });
    await sim.control.advance(60_000);
    const body = (await control(sim, 'GET', '/_sim/instances')).body;
    expect(body.instances).toEqual([
      expect.objectContaining({
        vendor: 'vastai', label: 'shopper-truth', state: 'provisioning', createdAt: expect.any(String), runningAt: null, endedAt: null, sshHost: '127.0.0.1', sshPort: expect.any(Number),
        pricePerHourUsd: offer?.pricePerHourUsd, pricePerHourMicroUsd: Math.round((offer?.pricePerHourUsd ?? 0) * 1e6), billedSeconds: expect.any(Number), costMicroUsd: expect.any(Number), costUsd: expect.any(Number),
      }),
    ]);
    expect(body.instances[0]?.billedSeconds).toBeGreaterThanOrEqual(60);
    await sim.control.releaseBoot();
    expect(await sim.control.waitForInstance({ label: 'shopper-truth', states: ['running'] })).toMatchObject({ state: 'running', runningAt: expect.any(String) });

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

describe('control API: clock, boot hold and waits', () => {
  // A boot delay no test could wait out: only the clock and the hold decide.
  const simulator = useTestSimulator({ bootDelayMs: 3_600_000 });
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
  });

  const createVast = async (label: string): Promise<string> => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer?.vendorOfferId ?? ''}/`, { body: { client_id: 'me', image: 'img', label, runtype: 'ssh' } });
    return String((created.body as { new_contract: number }).new_contract);
  };
  const vastStatus = async (id: string): Promise<string | null> =>
    ((await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body as { instances: { actual_status: string | null } }).instances.actual_status;

  it('advance moves boots forward: an hour-long boot is running one advance later, at the vendor and in the ground truth', async () => {
    const id = await createVast('shopper-clock');
    expect((await sim.control.instances())[0]?.state).toBe('provisioning');
    const before = await sim.control.clock();
    const after = await sim.control.advance(3_600_000);
    expect(after.advancedMs - before.advancedMs).toBe(3_600_000);
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(3_600_000);
    expect((await sim.control.instances())[0]?.state).toBe('running');
    expect(await vastStatus(id)).toBe('running');
  });

  it('holdBoot keeps instances provisioning past their boot time until released; release boots them', async () => {
    await sim.control.holdBoot();
    expect((await sim.control.clock()).bootHeld).toBe(true);
    const id = await createVast('shopper-held');
    await sim.control.advance(7_200_000);
    expect((await sim.control.instances())[0]).toMatchObject({ state: 'provisioning', runningAt: null });
    expect(await vastStatus(id)).not.toBe('running');
    expect(await sim.control.releaseBoot()).toBe(1);
    expect((await sim.control.waitForInstance({ vendor: 'vastai', id, states: ['running'], timeoutMs: 2000 })).state).toBe('running');
    expect(await vastStatus(id)).toBe('running');
  });

  it('waits for a state over HTTP, times out with 408 and the current state, and validates the query', async () => {
    const id = await createVast('shopper-wait');
    const timedOut = await control(sim, 'GET', `/_sim/instances/wait?id=${id}&state=running&timeout_ms=50`);
    expect(timedOut.status).toBe(408);
    expect(timedOut.body).toMatchObject({ error: { code: 'TIMEOUT', message: expect.stringContaining('it is provisioning') }, instance: { id, state: 'provisioning' } });
    const waiting = fetch(`${sim.urls.control}/_sim/instances/wait?label=shopper-wait&state=running,failed&timeout_ms=10000`);
    await sim.control.advance(3_600_000);
    const reached = await waiting;
    expect(reached.status).toBe(200);
    expect(((await reached.json()) as { instance: { state: string } }).instance.state).toBe('running');

    expect((await control(sim, 'GET', '/_sim/instances/wait?state=running')).body.error.message).toContain('id= or label=');
    expect((await control(sim, 'GET', `/_sim/instances/wait?id=${id}&state=booting`)).status).toBe(400);
    expect((await control(sim, 'GET', `/_sim/instances/wait?id=${id}&state=running&timeout_ms=999999`)).status).toBe(400);
    expect((await control(sim, 'POST', '/_sim/clock/advance', JSON.stringify({ ms: -5 }))).body.error.message).toMatch(/^invalid advance body: ms: /);
    expect((await control(sim, 'POST', '/_sim/clock/advance')).status).toBe(400);
    expect((await control(sim, 'PUT', '/_sim/holds/boot')).status).toBe(405);
    expect(await control(sim, 'POST', '/_sim/holds/boot')).toEqual({ status: 200, body: { held: true } });
    expect(await control(sim, 'DELETE', '/_sim/holds/boot')).toEqual({ status: 200, body: { held: false, released: 0 } });
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
