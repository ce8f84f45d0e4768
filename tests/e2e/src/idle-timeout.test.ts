import { GpuShopper } from '@gpu-shopper/client';
import { NodeSshRemoteExec } from '@gpu-shopper/ssh';

import { ADMIN_TOKEN, startServer, type ServerProcess } from './support/server-process.js';
import { waitFor } from './support/simulator-control.js';

/**
 * The idle timeout end to end: the built server in simulate mode samples the GPUs of each session
 * over SSH (nvidia-smi, as on a real node). A session whose GPUs stay idle for its 1-minute timeout
 * is terminated with reason `idle`; one running a GPU job started over SSH is left running.
 */
describe('idle timeout (built server, simulate mode)', () => {
  let server: ServerProcess;
  let admin: GpuShopper;

  beforeAll(async () => {
    server = await startServer({ env: { LIFECYCLE_CHECK_INTERVAL: '2s' } });
    admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('an idle session with a 1-minute timeout is terminated with reason idle; a busy one is not', async () => {
    const { offers } = await admin.inventory.list({ gpu: 'RTX4090', provider: 'vastai', sort: 'price' });
    const [idleOffer, busyOffer] = offers.filter((o) => o.available);
    if (!idleOffer || !busyOffer) throw new Error('need two RTX 4090 offers');
    const idle = await admin.sessions.create({ consumer_id: 'idler', offer_id: idleOffer.id, reservation_hours: 1, idle_timeout: 1 });
    const busy = await admin.sessions.create({ consumer_id: 'worker', offer_id: busyOffer.id, reservation_hours: 1, idle_timeout: 1 });
    await admin.sessions.waitUntilRunning(idle.session.id, { timeoutMs: 45_000, pollIntervalMs: 250 });
    const running = await admin.sessions.waitUntilRunning(busy.session.id, { timeoutMs: 45_000, pollIntervalMs: 250 });

    // A training job on the busy node, started the way a user does: over SSH, in the background.
    const ssh = new NodeSshRemoteExec({ closeGraceMs: 100 });
    const target = { host: running.ssh_host ?? '', port: running.ssh_port ?? 0, user: running.ssh_user ?? '', privateKey: busy.ssh_private_key ?? '' };
    const started = await ssh.exec(target, 'nohup python3 train.py > train.log 2>&1 &', { timeoutMs: 10_000 });
    if (!started.ok) throw started.err;
    expect(started.val.exitCode).toBe(0);
    const smi = await ssh.exec(target, 'nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits', { timeoutMs: 10_000 });
    expect(smi.ok && smi.val.stdout.trim().split('\n').every((u) => Number(u) > 50)).toBe(true);

    const stopped = await waitFor(
      'the idle session to be stopped',
      async () => {
        const session = await admin.sessions.retrieve(idle.session.id);
        return session.status === 'terminated' ? session : undefined;
      },
      120_000,
      500,
    );
    expect(stopped.stop_reason).toBe('idle');
    // The busy session was sampled on the same ticks and is still running.
    const other = await admin.sessions.retrieve(busy.session.id);
    expect(other.status).toBe('running');
    // No warning about failed idle sampling: every probe command was answered.
    expect(server.logs.filter((line) => line.includes('idle timeout not enforced'))).toEqual([]);
    await admin.sessions.delete(busy.session.id);
  }, 180_000);
});
