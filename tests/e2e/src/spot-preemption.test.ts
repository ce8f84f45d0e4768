import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { GpuShopper, type Offer, type Session } from '@gpu-shopper/client';
import { NodeSshRemoteExec } from '@gpu-shopper/ssh';
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { ADMIN_TOKEN, startServer, type ServerProcess } from './support/server-process.js';
import { SimulatorControlClient, waitFor, type SimulatedInstance } from './support/simulator-control.js';

/**
 * Per instance, how far the ledger may be from the bill: the ledger accrues whole seconds while the
 * simulator bills milliseconds, and billing of an outbid instance ends in the ledger when a pass sees
 * it (a reconciliation interval after the outbid at most). Three seconds of its price.
 */
const toleranceFor = (...pricesPerHourMicros: number[]) => pricesPerHourMicros.reduce((sum, price) => sum + Math.ceil(price / 3600) * 3, 0);
/** How long a preempted session may take to run again on another host (a pass, a destroy, a boot). */
const REPROVISION_BOUND_MS = 60_000;

/**
 * Spot sessions against the built server and the simulator's Vast.ai: a session rented with a bid,
 * outbid on command through `/_sim`, and what the server does about it — reprovision on another host
 * with the same key (checked over real SSH), or end — with the simulator's bill as the ground truth.
 */
describe('spot sessions: preemption survived (simulate mode)', () => {
  let sim: RunningSimulator;
  let server: ServerProcess;
  let admin: GpuShopper;
  let control: SimulatorControlClient;
  const ssh = new NodeSshRemoteExec({ closeGraceMs: 100 });
  /** What the server POSTed to PREEMPTION_WEBHOOK_URL. */
  const webhooks: Record<string, unknown>[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      webhooks.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/preempted`;
    sim = await startSimulator({ seed: 11, catalogSize: 120, bootDelayMs: 200, keyPropagationMs: 50 });
    server = await startServer({
      env: { SIMULATOR_URL: sim.urls.control, LIFECYCLE_CHECK_INTERVAL: '1s', RECONCILIATION_INTERVAL: '1s', INVENTORY_CACHE_TTL: '5s', PREEMPTION_WEBHOOK_URL: webhookUrl },
    });
    admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 2 });
    control = new SimulatorControlClient(sim.urls.control);
  });

  afterAll(async () => {
    await server?.dispose();
    await sim?.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  /** A GPU type with at least `count` available spot offers at Vast.ai, cheapest first. */
  async function spotOffers(count: number): Promise<Offer[]> {
    const { offers } = await admin.inventory.list({ pricing: 'spot', sort: 'price', provider: 'vastai' });
    const byGpu = new Map<string, Offer[]>();
    for (const offer of offers.filter((o) => o.available && o.min_bid_micros !== null)) byGpu.set(offer.gpu_type, [...(byGpu.get(offer.gpu_type) ?? []), offer]);
    const group = [...byGpu.values()].find((list) => list.length >= count);
    if (!group) throw new Error(`the simulator lists no GPU type with ${count} spot offers`);
    return group;
  }

  const running = (sessionId: string) =>
    waitFor('the session running', async () => {
      const session = await admin.sessions.retrieve(sessionId);
      if (session.status === 'failed' || session.status === 'terminated') throw new Error(`session ${sessionId} ended: ${session.error ?? session.stop_reason ?? ''}`);
      return session.status === 'running' ? session : undefined;
    }, 60_000);

  async function outbid(instance: SimulatedInstance): Promise<void> {
    const res = await fetch(`${sim.urls.control}/_sim/instances/vastai/${encodeURIComponent(instance.id)}/outbid`, { method: 'POST' });
    if (res.status !== 200) throw new Error(`outbid refused (${res.status}): ${await res.text()}`);
  }

  async function openWith(session: Session, privateKey: string): Promise<string> {
    const target = { host: session.ssh_host ?? '', port: session.ssh_port ?? 0, user: session.ssh_user ?? '', privateKey };
    const answer = await ssh.exec(target, 'hostname; nvidia-smi -L', { timeoutMs: 10_000 });
    if (!answer.ok) throw answer.err;
    expect(answer.val.exitCode).toBe(0);
    return answer.val.stdout;
  }

  async function ledgerOf(consumerId: string): Promise<number> {
    return (await admin.costs.list({ consumer_id: consumerId })).total_cost_micros;
  }

  it('reprovision: outbid, the session runs again on another host within the bound, the same key opens it, the old instance is destroyed, and the ledger matches the bill of both', async () => {
    const offers = await spotOffers(2);
    const [first] = offers;
    const maxBid = Math.max(...offers.map((o) => o.min_bid ?? 0)) * 1.2;
    const created = await admin.sessions.create({ consumer_id: 'spot-mover', offer_id: first?.id ?? '', reservation_hours: 1, pricing: 'spot', max_bid: Number(maxBid.toFixed(4)), on_preempt: 'reprovision' });
    expect(created.session).toMatchObject({ interruptible: true, on_preempt: 'reprovision', preemptions: 0 });
    const privateKey = created.ssh_private_key ?? '';
    const before = await running(created.session.id);
    await openWith(before, privateKey);
    const [oldInstance] = await control.instancesOf(created.session.id);
    if (!oldInstance) throw new Error('no instance at the simulator');
    expect(oldInstance.id).toBe(before.provider_instance_id);

    const outbidAt = Date.now();
    await outbid(oldInstance);
    const after = await waitFor(
      'the session running on another instance',
      async () => {
        const session = await admin.sessions.retrieve(created.session.id);
        if (session.status === 'failed' || session.status === 'terminated') throw new Error(`session ended: ${session.stop_reason ?? ''} ${session.error ?? ''}`);
        return session.status === 'running' && session.preemptions === 1 && session.provider_instance_id !== oldInstance.id ? session : undefined;
      },
      REPROVISION_BOUND_MS,
    );
    const tookMs = Date.now() - outbidAt;
    expect(tookMs).toBeLessThan(REPROVISION_BOUND_MS);
    expect(after.offer_id).not.toBe(before.offer_id);
    // The same private key, handed out once, opens the new host.
    await openWith(after, privateKey);
    const instances = await control.instancesOf(created.session.id);
    expect(instances.find((i) => i.id === oldInstance.id)).toMatchObject({ state: 'destroyed' });
    expect(instances.filter((i) => i.state !== 'destroyed').map((i) => i.id)).toEqual([after.provider_instance_id]);
    const events = (await admin.sessions.events(created.session.id)).events.map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['preempted', 'reprovision_after_preemption', 'host_changed']));
    const hook = await waitFor('the preemption webhook', () => Promise.resolve(webhooks.find((w) => w['session_id'] === created.session.id)));
    expect(hook).toMatchObject({ event: 'session.preempted', provider_instance_id: oldInstance.id, on_preempt: 'reprovision', preemptions: 1 });

    await admin.sessions.done(created.session.id);
    const ended = await waitFor('terminated', async () => {
      const session = await admin.sessions.retrieve(created.session.id);
      return session.status === 'terminated' ? session : undefined;
    });
    const billed = (await control.instancesOf(created.session.id)).reduce((sum, i) => sum + i.costMicroUsd, 0);
    const ledger = await ledgerOf('spot-mover');
    expect(ended.cost_so_far_micros).toBe(ledger);
    expect(Math.abs(ledger - billed)).toBeLessThanOrEqual(toleranceFor(before.price_per_hour_micros, after.price_per_hour_micros));
    // The ledger records each instance: its bid, the on-demand price of its GPU at rental time, its lifetime
    // (each within the simulator's bill of it), and the report's spot saving is theirs added up.
    const recorded = (await admin.sessions.retrieve(created.session.id)).instances ?? [];
    expect(recorded.map((r) => [r.provider_instance_id, r.bid])).toEqual([
      [oldInstance.id, before.bid],
      [after.provider_instance_id, after.bid],
    ]);
    for (const record of recorded) {
      const bill = instances.find((i) => i.id === record.provider_instance_id)?.costMicroUsd ?? -1;
      expect(Math.abs(record.cost_micros - bill)).toBeLessThanOrEqual(toleranceFor(before.price_per_hour_micros, after.price_per_hour_micros));
      expect(record.lifetime_seconds).toBeGreaterThan(0);
    }
    expect(recorded[0]?.ended_at && recorded[1]?.started_at && recorded[0].ended_at <= recorded[1].started_at).toBe(true);
    const report = await admin.costs.list({ session_id: created.session.id });
    expect(report.spot_instances).toEqual(recorded);
    const savings = recorded.filter((r) => r.saving_micros !== null);
    expect(report.spot_saving_micros).toBe(savings.reduce((sum, r) => sum + (r.saving_micros ?? 0), 0));
    expect(report.spot_cost_micros).toBe(savings.reduce((sum, r) => sum + r.cost_micros, 0));
    process.stdout.write(`spot reprovision: running again ${tookMs} ms after the outbid; ledger ${ledger} µUSD, simulator bill ${billed} µUSD for ${instances.length} instances at ${before.price_per_hour_micros} and ${after.price_per_hour_micros} µUSD/h; on-demand ${recorded.map((r) => r.on_demand_price_micros ?? 'unlisted').join(' and ')} µUSD/h, spot saving ${report.spot_saving_micros} µUSD\n`);
  });

  it('end: outbid, the session terminates with stop reason preempted, its instance destroyed, the ledger matching the bill', async () => {
    const [offer] = (await spotOffers(1)).slice(-1);
    const created = await admin.sessions.create({ consumer_id: 'spot-ender', offer_id: offer?.id ?? '', reservation_hours: 1, pricing: 'spot', on_preempt: 'end' });
    const before = await running(created.session.id);
    const [instance] = await control.instancesOf(created.session.id);
    if (!instance) throw new Error('no instance at the simulator');
    await outbid(instance);
    const ended = await waitFor('terminated', async () => {
      const session = await admin.sessions.retrieve(created.session.id);
      return session.status === 'terminated' || session.status === 'failed' ? session : undefined;
    });
    expect(ended).toMatchObject({ status: 'terminated', stop_reason: 'preempted', preemptions: 1 });
    expect(await control.instancesOf(created.session.id)).toEqual([expect.objectContaining({ state: 'destroyed' })]);
    const billed = (await control.instancesOf(created.session.id)).reduce((sum, i) => sum + i.costMicroUsd, 0);
    const ledger = await ledgerOf('spot-ender');
    expect(Math.abs(ledger - billed)).toBeLessThanOrEqual(toleranceFor(before.price_per_hour_micros));
    process.stdout.write(`spot end: ledger ${ledger} µUSD, simulator bill ${billed} µUSD at ${before.price_per_hour_micros} µUSD/h\n`);
  });
});
