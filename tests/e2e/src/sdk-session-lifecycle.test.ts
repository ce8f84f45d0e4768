import { GpuShopper, NotFoundError } from '@gpu-shopper/client';
import { NodeSshRemoteExec } from '@gpu-shopper/ssh';

import { ADMIN_TOKEN, startServer, type ServerProcess } from './support/server-process.js';
import { SimulatorControlClient, waitFor } from './support/simulator-control.js';

/**
 * The product's main path, as a consumer lives it: the built server in simulate mode, the published
 * SDK, a real SSH connection to the rented node with the key the server handed out once, then `done`
 * and the simulator's ground truth confirming the instance is gone.
 */
describe('SDK against the built server (simulate mode)', () => {
  let server: ServerProcess;
  let admin: GpuShopper;
  let alice: GpuShopper;
  let aliceKey: string;
  let sim: SimulatorControlClient;
  const privateKeys: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 0 });
    const health = await admin.health();
    if (!health.simulator) throw new Error('simulate mode must report the simulator control URL');
    sim = new SimulatorControlClient(health.simulator.control);
    const created = await admin.consumers.create({ id: 'alice', name: 'Alice' });
    aliceKey = created.api_key;
    alice = new GpuShopper({ baseURL: server.url, apiKey: aliceKey, maxRetries: 2 });
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('says it is a simulation: /health and every offer', async () => {
    const health = await admin.health();
    expect(health).toMatchObject({ status: 'ok', mode: 'simulate', simulator: { control: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) } });
    const { offers, providers } = await alice.inventory.list({ gpu: 'RTX4090' });
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.every((o) => o.simulated && o.gpu_type === 'RTX 4090')).toBe(true);
    expect(providers.map((p) => p.state)).not.toContain('error');
    expect(server.logs.some((line) => line.includes('SIMULATE MODE'))).toBe(true);
  });

  it('lists, provisions, SSHes in with the returned key, marks done, and the simulator confirms the instance is gone', async () => {
    const { offers } = await alice.inventory.list({ gpu: 'RTX4090', sort: 'price' });
    const offer = offers[0];
    if (!offer) throw new Error('no RTX 4090 offer');
    const created = await alice.sessions.create({ consumer_id: 'alice', offer_id: offer.id, reservation_hours: 1 });
    expect(created.session.status).toBe('pending');
    expect(created.ssh_private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    privateKeys.push(created.ssh_private_key ?? '');

    const statuses: string[] = [];
    const running = await alice.sessions.waitUntilRunning(created.session.id, { timeoutMs: 45_000, pollIntervalMs: 200, onStatus: (s) => statuses.push(s.status) });
    expect(statuses.at(-1)).toBe('running');
    expect(running).toMatchObject({ ssh_host: '127.0.0.1', ssh_user: 'root', ssh_port: expect.any(Number) });

    // A real SSH connection from the consumer's side, with the key handed out once.
    const ssh = new NodeSshRemoteExec({ closeGraceMs: 100 });
    const target = { host: running.ssh_host ?? '', port: running.ssh_port ?? 0, user: running.ssh_user ?? '', privateKey: created.ssh_private_key ?? '' };
    const gpu = await ssh.exec(target, 'nvidia-smi -L', { timeoutMs: 10_000 });
    if (!gpu.ok) throw gpu.err;
    expect(gpu.val).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('RTX 4090') });

    const diagnostics = await alice.sessions.diagnostics(created.session.id);
    expect(diagnostics).toMatchObject({ reachable: true, ready: true, gpus: [expect.objectContaining({ name: expect.stringContaining('RTX 4090') })] });

    const [instance] = await sim.instancesOf(created.session.id);
    expect(instance).toMatchObject({ state: 'running', vendor: offer.provider });

    const done = await alice.sessions.done(created.session.id);
    expect(['stopping', 'terminated']).toContain(done.session.status);
    const ended = await waitFor('terminated', async () => {
      const s = await alice.sessions.retrieve(created.session.id);
      return s.status === 'terminated' ? s : undefined;
    });
    expect(ended).toMatchObject({ stop_reason: 'done', ssh_command: expect.anything() });
    expect(await sim.instancesOf(created.session.id)).toEqual([expect.objectContaining({ state: 'destroyed', destroyRequests: 1 })]);
    expect(ended.cost_so_far_micros).toBeGreaterThan(0);

    const events = await alice.sessions.events(created.session.id);
    expect(events.events.map((e) => e.to_status).filter(Boolean)).toEqual(['pending', 'provisioning', 'running', 'stopping', 'terminated']);
  });

  it('a retried create whose first response was lost returns the same session; the simulator rents one instance', async () => {
    const { offers } = await alice.inventory.list({ gpu: 'RTX4090' });
    const offer = offers[0];
    if (!offer) throw new Error('no RTX 4090 offer');
    // The first response is dropped on the way back: the server did the work, the client saw a reset.
    let dropped = 0;
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method?.toUpperCase() === 'POST' && dropped === 0) {
        dropped++;
        await res.arrayBuffer();
        throw new TypeError('fetch failed', { cause: new Error('read ECONNRESET') });
      }
      return res;
    };
    const client = new GpuShopper({ baseURL: server.url, apiKey: aliceKey, maxRetries: 2, fetch: lossy });
    const created = await client.sessions.create({ consumer_id: 'alice', offer_id: offer.id, reservation_hours: 1 });
    privateKeys.push(created.ssh_private_key ?? '');
    expect(dropped).toBe(1);
    expect(created.replayed).toBe(true);
    expect(created.ssh_private_key).toMatch(/BEGIN OPENSSH PRIVATE KEY/);

    const live = (await alice.sessions.list()).data.filter((s) => s.status !== 'terminated' && s.status !== 'failed');
    expect(live.map((s) => s.id)).toEqual([created.session.id]);
    await alice.sessions.waitUntilRunning(created.session.id, { timeoutMs: 45_000, pollIntervalMs: 200 });
    expect(await sim.instancesOf(created.session.id)).toHaveLength(1);
    await alice.sessions.delete(created.session.id);
    await waitFor('instance destroyed', async () => (await sim.instancesOf(created.session.id)).every((i) => i.state === 'destroyed'));
  });

  it("another consumer's session is a 404, and an unknown key is refused", async () => {
    const bob = await admin.consumers.create({ id: 'bob' });
    const bobClient = new GpuShopper({ baseURL: server.url, apiKey: bob.api_key, maxRetries: 0 });
    const [aliceSession] = (await admin.sessions.list({ consumer_id: 'alice' })).data;
    if (!aliceSession) throw new Error('alice has no session');
    await expect(bobClient.sessions.retrieve(aliceSession.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(new GpuShopper({ baseURL: server.url, apiKey: 'gsk_not-a-key', maxRetries: 0 }).sessions.list()).rejects.toMatchObject({ status: 401 });
  });

  it('/metrics shows the run: sessions by status, provisioning durations, provider calls, destroys by initiator, cost', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (pattern: RegExp): number => {
      const line = text.split('\n').find((l) => pattern.test(l));
      return line ? Number(line.split(' ').at(-1)) : Number.NaN;
    };
    expect(value(/^gpu_shopper_sessions\{status="terminated"\}/)).toBe(2);
    expect(value(/^gpu_shopper_provisioning_duration_seconds_count/)).toBeGreaterThanOrEqual(2);
    expect(value(/^gpu_shopper_provider_api_calls_total\{.*operation="createInstance"/)).toBeGreaterThanOrEqual(1);
    expect(value(/^gpu_shopper_destroys_total\{.*initiator="api"/)).toBeGreaterThanOrEqual(2);
    expect(value(/^gpu_shopper_cost_accrued_usd_total/)).toBeGreaterThan(0);
    expect(text).toMatch(/^gpu_shopper_process_cpu_user_seconds_total/m);
  });

  it('no log line carries a secret: admin token, API key, private key, provider key', async () => {
    const secrets = [ADMIN_TOKEN, aliceKey, 'simulated-vastai-key', 'simulated-api-token', 'simulated-bluelobster-key'];
    // A private key's body lines are as secret as the whole key.
    for (const key of privateKeys) secrets.push(...key.split('\n').filter((l) => l.length > 40));
    expect(server.logs.length).toBeGreaterThan(20);
    const leaks = server.logs.filter((line) => secrets.some((s) => line.includes(s)) || line.includes('PRIVATE KEY'));
    expect(leaks).toEqual([]);
  });
});
