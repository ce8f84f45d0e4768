import { generateSshKeyPair } from '../node/ssh-keys.js';
import { type RunningSimulator } from '../simulator.js';
import { connectSsh, vendorRequest, waitFor } from '../testing/sim-client.js';
import { useTestSimulator } from '../testing/test-simulator.js';

const q = (query: unknown): Record<string, string> => ({ q: JSON.stringify(query) });

describe('Vast.ai fake', () => {
  const key = generateSshKeyPair('vast-test');

  const simulator = useTestSimulator();
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
  });

  it('lists bundles with the contract shape, server-side filters and a result cap', async () => {
    // Given a catalogue with more Vast offers than the default cap
    const all = (await sim.control.catalog()).filter((o) => o.vendor === 'vastai');
    expect(all.length).toBeGreaterThan(20);

    // When listing without a limit, then with one large enough for every offer
    const capped = await vendorRequest(sim, 'vastai', 'GET', '/bundles/', { query: q({ rentable: { eq: true }, type: 'on-demand', limit: 20 }) });
    const everything = await vendorRequest(sim, 'vastai', 'GET', '/bundles/', { query: q({ limit: 10_000 }) });

    // Then the shapes and units are Vast's
    expect(capped.status).toBe(200);
    const offers = (capped.body as { offers: Record<string, unknown>[] }).offers;
    expect(offers).toHaveLength(20);
    for (const offer of offers) {
      expect(offer).toEqual(
        expect.objectContaining({
          id: expect.any(Number), machine_id: expect.any(Number), gpu_name: expect.any(String), gpu_ram: expect.any(Number), num_gpus: expect.any(Number),
          dph_total: expect.any(Number), min_bid: expect.any(Number), geolocation: expect.any(String), reliability2: expect.any(Number),
          rentable: true, rented: false, cuda_max_good: expect.any(Number),
        }),
      );
    }
    expect((everything.body as { offers: unknown[] }).offers).toHaveLength(all.length);

    const rtx4090 = await vendorRequest(sim, 'vastai', 'GET', '/bundles/', { query: q({ gpu_name: { eq: 'RTX 4090' }, gpu_ram: { gte: 20_000 }, limit: 1000 }) });
    const names = (rtx4090.body as { offers: { gpu_name: string }[] }).offers.map((o) => o.gpu_name);
    expect(names.length).toBe(all.filter((o) => o.rawGpuName === 'RTX 4090').length);
    expect(new Set(names)).toEqual(new Set(['RTX 4090']));

    const us = await vendorRequest(sim, 'vastai', 'GET', '/bundles/', { query: q({ geolocation: { in: ['US'] }, limit: 1000 }) });
    for (const offer of (us.body as { offers: { geolocation: string }[] }).offers) expect(offer.geolocation).toMatch(/(^|, )US$/);

    expect((await vendorRequest(sim, 'vastai', 'GET', '/bundles/')).body).toEqual({ offers: expect.any(Array) });
    expect(((await vendorRequest(sim, 'vastai', 'GET', '/bundles/')).body as { offers: unknown[] }).offers.length).toBeLessThanOrEqual(64);
  });

  it('refuses requests without credentials and paths without the trailing slash', async () => {
    const anonymous = await vendorRequest(sim, 'vastai', 'GET', '/bundles/', { auth: false });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ success: false });
    expect((await vendorRequest(sim, 'vastai', 'GET', '/bundles/', { auth: false, query: { api_key: 'k' } })).status).toBe(200);
    expect((await vendorRequest(sim, 'vastai', 'GET', '/bundles')).status).toBe(404);
  });

  it('creates, attaches the key, reports the SSH endpoint when running, lists by label, destroys and bills', async () => {
    // Given an offer
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    if (!offer) throw new Error('no Vast offer');

    // When creating (held at boot, so the early view is seen however busy the machine) and attaching the session key
    await sim.control.holdBoot();
    const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer.vendorOfferId}/`, {
      body: { client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', disk: 50, label: 'shopper-sess-vast-1', runtype: 'ssh_proxy', ssh_key: key.publicKey },
    });
    expect(created.status).toBe(200);
    const contract = (created.body as { success: boolean; new_contract: number }).new_contract;
    expect(created.body).toEqual({ success: true, new_contract: expect.any(Number) });
    const early = await vendorRequest(sim, 'vastai', 'GET', `/instances/${contract}/`);
    expect((early.body as { instances: { actual_status: string | null; ssh_port: number | null } }).instances).toMatchObject({ ssh_port: null, ports: null });
    expect([null, 'created', 'loading']).toContain((early.body as { instances: { actual_status: string | null } }).instances.actual_status);
    const attached = await vendorRequest(sim, 'vastai', 'POST', `/instances/${contract}/ssh/`, { body: { ssh_key: key.publicKey } });
    expect(attached.status).toBe(200);
    await sim.control.releaseBoot();

    // Then status moves to running and the SSH endpoint appears in Vast's fields
    const statuses = new Set<string | null>();
    const running = await waitFor(async () => {
      const res = await vendorRequest(sim, 'vastai', 'GET', `/instances/${contract}/`);
      const instance = (res.body as { instances: { actual_status: string | null; ssh_host: string; ssh_port: number; ports: Record<string, { HostPort: string }[]> } }).instances;
      statuses.add(instance.actual_status);
      return instance.actual_status === 'running' ? instance : undefined;
    });
    expect(statuses.has('running')).toBe(true);
    expect(running.ssh_host).toBe('127.0.0.1');
    expect(running.ports['22/tcp']?.[0]?.HostPort).toBe(String(running.ssh_port));
    const ssh = await waitFor(() => connectSsh(running.ssh_host, running.ssh_port, 'root', key.privateKey).catch(() => undefined));
    expect((await ssh.execCommand('echo ok')).stdout).toBe('ok');
    ssh.dispose();

    // And the list finds it by label; its bundle is rented and can no longer be taken
    const list = await vendorRequest(sim, 'vastai', 'GET', '/instances/');
    expect((list.body as { instances: { id: number; label: string }[] }).instances.find((i) => i.label === 'shopper-sess-vast-1')?.id).toBe(contract);
    const again = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer.vendorOfferId}/`, { body: { client_id: 'me', image: 'x', runtype: 'ssh' } });
    expect(again.status).toBe(404);
    expect(again.text).toContain('no_such_ask');

    // When destroying
    expect((await vendorRequest(sim, 'vastai', 'DELETE', `/instances/${contract}/`)).status).toBe(200);

    // Then it is gone the Vast way, and the ledger billed it at the offer price
    expect((await vendorRequest(sim, 'vastai', 'GET', `/instances/${contract}/`)).body).toEqual({ instances: null });
    expect((await vendorRequest(sim, 'vastai', 'DELETE', `/instances/${contract}/`)).status).toBe(404);
    const [truth] = await sim.control.instances();
    expect(truth).toMatchObject({ vendor: 'vastai', id: String(contract), label: 'shopper-sess-vast-1', state: 'destroyed', pricePerHourUsd: offer.pricePerHourUsd, destroyRequests: 2 });
    expect(truth?.billedSeconds).toBeGreaterThan(0.1);
    expect(truth?.costMicroUsd).toBe(Math.floor((truth?.pricePerHourMicroUsd ?? 0) * Math.round((truth?.billedSeconds ?? 0) * 1000) / 3_600_000));
  });

  it('does not install the key sent only in the create body', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer?.vendorOfferId ?? ''}/`, {
      body: { client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', label: 'shopper-nokey', runtype: 'ssh_proxy', ssh_key: key.publicKey },
    });
    const id = (created.body as { new_contract: number }).new_contract;
    const instance = await waitFor(async () => {
      const body = (await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body as { instances: { actual_status: string; ssh_port: number } };
      return body.instances.actual_status === 'running' ? body.instances : undefined;
    });
    await expect(connectSsh('127.0.0.1', instance.ssh_port, 'root', key.privateKey)).rejects.toThrow(/authentication methods failed/);
  });

  it('validates create bodies like the API does', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai');
    const bad = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer?.vendorOfferId ?? ''}/`, { body: { image: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: 'invalid_args', msg: 'client_id must be "me"' });
    const stale = await vendorRequest(sim, 'vastai', 'PUT', '/asks/12345/', { body: { client_id: 'me', image: 'x' } });
    expect([stale.status, stale.body]).toEqual([404, { success: false, error: 'no_such_ask', msg: 'error 404/3603: no_such_ask  Instance type by id 12345 is not available.', ask_id: 12345 }]);
  });

  it('serves the balance and recommended templates', async () => {
    expect((await vendorRequest(sim, 'vastai', 'GET', '/users/current/')).body).toMatchObject({ credit: 100 });
    const templates = await vendorRequest(sim, 'vastai', 'GET', '/template/', { query: { select_filters: JSON.stringify({ recommended: { eq: true } }) } });
    expect((templates.body as { templates: { hash_id: string; extra_filters: string }[] }).templates.map((t) => t.hash_id)).toContain('a4d2a0b85ae6719c0906ff66e7b3b434');
  });

  it('searches templates with select_filters: recommended only, by hash id, and not-recommended user templates', async () => {
    const search = async (filters: unknown) =>
      ((await vendorRequest(sim, 'vastai', 'GET', '/template/', { query: { select_cols: '["*"]', select_filters: JSON.stringify(filters) } })).body as { templates: { hash_id: string; recommended: boolean; use_ssh: boolean }[] }).templates;
    const recommended = await search({ recommended: { eq: true } });
    const everything = await search({});
    expect(recommended.length).toBeGreaterThanOrEqual(6);
    expect(recommended.every((t) => t.recommended)).toBe(true);
    expect(everything.length).toBeGreaterThan(recommended.length);
    expect(everything.some((t) => !t.use_ssh)).toBe(true);
    expect((await search({ hash_id: { eq: '38a9dab633743d43107eb9a80d4ada9e' } })).map((t) => t.hash_id)).toEqual(['38a9dab633743d43107eb9a80d4ada9e']);
    expect(await search({ hash_id: { eq: 'nope' } })).toEqual([]);
    const bad = await vendorRequest(sim, 'vastai', 'GET', '/template/', { query: { select_filters: '{not json' } });
    expect(bad.status).toBe(400);
  });

  it('stops an instance without destroying it: exited, still listed, then destroyed for good', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer?.vendorOfferId ?? ''}/`, {
      body: { client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', label: 'shopper-stop-1', runtype: 'ssh_proxy', ssh_key: key.publicKey },
    });
    const id = (created.body as { new_contract: number }).new_contract;
    await waitFor(async () => (((await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body as { instances: { actual_status: string } }).instances.actual_status === 'running' ? true : undefined));

    const stopped = await vendorRequest(sim, 'vastai', 'PUT', `/instances/${id}/`, { body: { state: 'stopped' } });
    expect([stopped.status, stopped.body]).toEqual([200, { success: true }]);
    const after = (await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body as { instances: { actual_status: string; ssh_port: number | null } | null };
    expect(after.instances).toMatchObject({ actual_status: 'exited', ssh_port: null });
    expect((await sim.control.instances()).find((i) => i.id === String(id))?.state).toBe('stopped');
    expect((await vendorRequest(sim, 'vastai', 'PUT', '/instances/999999/', { body: { state: 'stopped' } })).status).toBe(404);

    expect((await vendorRequest(sim, 'vastai', 'DELETE', `/instances/${id}/`)).status).toBe(200);
    expect((await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body).toEqual({ instances: null });
  });

  it('searches offers with POST /bundles/ and a JSON body, and pages the v1 instance listing with next_token', async () => {
    const posted = await vendorRequest(sim, 'vastai', 'POST', '/bundles/', { body: { rentable: { eq: true }, type: 'on-demand', limit: 3, allocated_storage: 50 } });
    expect((posted.body as { offers: unknown[] }).offers).toHaveLength(3);

    const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'vastai' && o.available).slice(0, 3);
    for (const [i, offer] of offers.entries()) {
      const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer.vendorOfferId}/`, { body: { client_id: 'me', image: 'x', runtype: 'ssh', label: `shopper-page-${i}` } });
      expect(created.status).toBe(200);
    }
    const seen: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res = await vendorRequest(sim, 'vastai', 'GET', '/../v1/instances/', { query: { limit: '2', ...(token ? { after_token: token } : {}) } });
      const body = res.body as { instances: { label: string }[]; next_token: string | null; total_instances: number };
      seen.push(...body.instances.map((i) => i.label));
      expect(body.total_instances).toBe(3);
      token = body.next_token;
      if (!token) break;
    }
    expect(seen.filter((l) => l.startsWith('shopper-page-')).sort()).toEqual(['shopper-page-0', 'shopper-page-1', 'shopper-page-2']);
    expect((await vendorRequest(sim, 'vastai', 'GET', '/../v1/instances/', { query: { after_token: 'not-a-token' } })).status).toBe(400);
  });

  it('lists the v1 instances newest first with order_by id desc, the token continuing below the last id', async () => {
    const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'vastai' && o.available).slice(0, 3);
    const created: number[] = [];
    for (const [i, offer] of offers.entries()) {
      const res = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer.vendorOfferId}/`, { body: { client_id: 'me', image: 'x', runtype: 'ssh', label: `shopper-desc-${i}` } });
      created.push((res.body as { new_contract: number }).new_contract);
    }
    const ids: number[] = [];
    let token: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: Record<string, string> = { limit: '2', order_by: JSON.stringify([{ col: 'id', dir: 'desc' }]), ...(token ? { after_token: token } : {}) };
      const body = (await vendorRequest(sim, 'vastai', 'GET', '/../v1/instances/', { query })).body as { instances: { id: number }[]; next_token: string | null };
      ids.push(...body.instances.map((i) => i.id));
      token = body.next_token;
      if (!token) break;
    }
    expect(ids.slice(0, 3)).toEqual([...created].sort((a, b) => b - a));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const bad = await vendorRequest(sim, 'vastai', 'GET', '/../v1/instances/', { query: { order_by: JSON.stringify([{ col: 'id', dir: 'sideways' }]) } });
    expect(bad.status).toBe(400);
  });
});
