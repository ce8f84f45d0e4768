import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { generateSessionKeyPair } from '../keys/session-key-pair.js';
import { NodeSshRemoteExec } from '../remote-exec/node-ssh-remote-exec.js';
import { NvidiaSmiActivitySampler } from './gpu-activity.js';
import { diagnoseNode } from './node-diagnostics.js';
import { checkNodeReadiness, probeStableReadiness } from './readiness.js';

/**
 * The probes against the simulator's fake GPU node, reached the way the service reaches a real one:
 * a Blue Lobster VM launched through the vendor API, the session key installed by the vendor, and
 * the boot-time dist-upgrade holding the dpkg lock — seen by an unprivileged login.
 */
describe('probes against the simulator fake node (Blue Lobster VM, unprivileged user)', () => {
  // Longer than any test could take on a loaded machine: the lock ends when the test moves the
  // simulator's clock past it, not when a wall-clock window closes.
  const DPKG_LOCK_MS = 3_600_000;
  let sim: RunningSimulator;
  const key = generateSessionKeyPair();
  const remote = new NodeSshRemoteExec({ closeGraceMs: 200 });
  let target: { host: string; port: number; user: string; privateKey: string };

  const bl = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${sim.urls.bluelobster}${path}`, {
      method,
      headers: { 'X-API-Key': 'bl-test-key', Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return res.json();
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, bootDelayMs: 100, keyPropagationMs: 20, blueLobsterDpkgLockMs: DPKG_LOCK_MS });
    // An A-series card: the dist-upgrade does not replace its driver, so only the lock blocks readiness.
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'bluelobster' && o.available && o.gpuModel.startsWith('RTX A'));
    if (!offer?.variant) throw new Error('no Blue Lobster A-series offer in the catalogue');
    const launched = (await bl('POST', '/instances/launch-instance', {
      region: offer.variant,
      instance_type: offer.vendorOfferId,
      username: 'ubuntu',
      ssh_key: key.publicKey,
      name: 'gpushop-probe-test',
      template_name: 'UBUNTU-22-04-NV',
    })) as { task_id: string; vm_uuid: string };
    // The launch task completes when the VM is up.
    await sim.control.waitForInstance({ vendor: 'bluelobster', id: launched.vm_uuid, states: ['running'], timeoutMs: 30_000 });
    expect(((await bl('GET', `/tasks/${launched.task_id}`)) as { status: string }).status).toBe('COMPLETED');
    const vm = (await bl('GET', `/instances/${launched.vm_uuid}`)) as { ip_address: string; ssh_port: number };
    target = { host: vm.ip_address, port: vm.ssh_port, user: 'ubuntu', privateKey: key.privateKey };
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('sees the dist-upgrade holding the dpkg lock without root, then passes twice in a row once it ends', async () => {
    const blocked = await checkNodeReadiness(remote, target, { timeoutMs: 5000 });
    if (!blocked.ok) throw blocked.err;
    expect(blocked.val.ready).toBe(false);
    expect(blocked.val.blockers).toEqual([{ kind: 'package_lock_held', lockFiles: ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock'] }]);

    await sim.control.advance(DPKG_LOCK_MS);
    const stable = await probeStableReadiness(remote, target, { timeoutMs: 5000, intervalMs: 10 });
    expect(stable.ok && stable.val).toMatchObject({ ready: true, reason: 'ready' });
  });

  it('diagnoses the node, and reports a driver fault without hiding the rest', async () => {
    const healthy = await diagnoseNode(remote, target, { timeoutMs: 5000 });
    if (!healthy.ok) throw healthy.err;
    expect(healthy.val).toMatchObject({ gpuError: null, ready: true, notReadyReason: null, oomKills: null });
    expect(healthy.val.gpus.length).toBeGreaterThan(0);
    expect(healthy.val.cudaVersion).toMatch(/^\d+\.\d+$/);
    expect(healthy.val.disk?.mountPoint).toBe('/');

    await sim.control.injectFault({ kind: 'nvidia_smi_fail', mode: 'nvml_mismatch' });
    try {
      const broken = await diagnoseNode(remote, target, { timeoutMs: 5000 });
      if (!broken.ok) throw broken.err;
      expect(broken.val).toMatchObject({ gpus: [], ready: false });
      expect(broken.val.gpuError).toMatch(/driver\/library version mismatch/);
      expect(broken.val.disk).not.toBeNull();
    } finally {
      await sim.control.clearFaults();
    }
  });

  it('the idle sampler reads an idle node as idle, a node running a GPU job over SSH as busy', async () => {
    const sampler = new NvidiaSmiActivitySampler(remote, { timeoutMs: 5000 });
    const idle = await sampler.sample(target);
    if (!idle.ok) throw idle.err;
    expect(idle.val).toEqual({ busy: false, maxUtilizationPercent: 0 });

    const started = await remote.exec(target, 'nohup python3 train.py > train.log 2>&1 &', { timeoutMs: 5000 });
    expect(started.ok && started.val.exitCode).toBe(0);
    const busy = await sampler.sample(target);
    if (!busy.ok) throw busy.err;
    expect(busy.val).toEqual({ busy: true, maxUtilizationPercent: 97 });

    await remote.exec(target, 'pkill -f train.py', { timeoutMs: 5000 });
    const again = await sampler.sample(target);
    expect(again.ok && again.val.busy).toBe(false);
  });
});
