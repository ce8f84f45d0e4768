import { generateSshKeyPair } from '../node/ssh-keys.js';
import { startSimulator, type RunningSimulator } from '../simulator.js';
import { connectSsh, tensorDockRuncmd, vendorRequest, waitFor } from '../testing/sim-client.js';
import { useTestSimulator } from '../testing/test-simulator.js';

describe('fault injection on the wire', () => {
  const key = generateSshKeyPair('fault-test');

  const simulator = useTestSimulator();
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
  });

  const vastOffer = async (): Promise<string> => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    if (!offer) throw new Error('no Vast offer');
    return offer.vendorOfferId;
  };
  const createVast = (askId: string, label = 'shopper-f') =>
    vendorRequest(sim, 'vastai', 'PUT', `/asks/${askId}/`, { body: { client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', label, runtype: 'ssh_proxy' } });
  const createTd = async (name = 'shopper-td-f') => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'tensordock' && o.available);
    if (!offer?.variant) throw new Error('no TensorDock offer');
    return vendorRequest(sim, 'tensordock', 'POST', '/instances', {
      body: {
        data: {
          type: 'virtualmachine',
          attributes: {
            name, type: 'virtualmachine', image: 'ubuntu2204', location_id: offer.vendorOfferId, useDedicatedIp: true, ssh_key: key.publicKey,
            resources: { vcpu_count: 8, ram_gb: 32, storage_gb: 100, gpus: { [offer.variant]: { count: 1 } } }, cloud_init: { runcmd: tensorDockRuncmd(key.publicKey) },
          },
        },
      },
    });
  };
  const launchBl = async (name = 'shopper-bl-f') => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'bluelobster' && o.available);
    if (!offer?.variant) throw new Error('no Blue Lobster offer');
    return vendorRequest(sim, 'bluelobster', 'POST', '/instances/launch-instance', { body: { region: offer.variant, instance_type: offer.vendorOfferId, ssh_key: key.publicKey, name } });
  };

  it('answers 5xx for `count` requests, then recovers', async () => {
    await sim.control.injectFault({ vendor: 'vastai', operation: 'listOffers', kind: 'http_error', status: 503, count: 2 });
    const first = await vendorRequest(sim, 'vastai', 'GET', '/bundles/');
    expect([first.status, first.headers.get('content-type')]).toEqual([503, 'text/html']);
    expect(first.text).toContain('503 Service Temporarily Unavailable');
    expect((await vendorRequest(sim, 'vastai', 'GET', '/bundles/')).status).toBe(503);
    expect((await vendorRequest(sim, 'vastai', 'GET', '/bundles/')).status).toBe(200);
    // Other vendors and operations are untouched.
    await sim.control.injectFault({ vendor: 'tensordock', kind: 'http_error', status: 500 });
    expect((await vendorRequest(sim, 'tensordock', 'GET', '/instances')).body).toEqual({ status: 500, error: 'Internal server error' });
    expect((await vendorRequest(sim, 'vastai', 'GET', '/instances/')).status).toBe(200);
  });

  it('throttles with 429, the vendor body and Retry-After', async () => {
    await sim.control.injectFault({ vendor: 'vastai', kind: 'rate_limit', retryAfterSec: 3 });
    const res = await vendorRequest(sim, 'vastai', 'PUT', '/asks/1/', { body: {} });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect((res.body as { detail: string }).detail).toContain('API requests too frequent');
    await sim.control.injectFault({ vendor: 'bluelobster', kind: 'rate_limit' });
    const bl = await vendorRequest(sim, 'bluelobster', 'GET', '/instances');
    expect([bl.status, bl.headers.get('retry-after'), bl.body]).toEqual([429, '1', { error: 'rate_limited', message: 'Too many requests' }]);
  });

  it('hangs until the client gives up, and clearing the fault releases the connection', async () => {
    await sim.control.injectFault({ vendor: 'tensordock', operation: 'listOffers', kind: 'hang' });
    const started = Date.now();
    await expect(vendorRequest(sim, 'tensordock', 'GET', '/locations', { signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const pending = vendorRequest(sim, 'tensordock', 'GET', '/locations');
    // Wait until the second request is being held (the journal records a hang with no status), however long a loaded machine takes to deliver it.
    const held = async () => (await sim.control.requests()).filter((r) => r.operation === 'listOffers' && r.status === null).length;
    while ((await held()) < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(await sim.control.clearFaults()).toBe(1);
    await expect(pending).rejects.toThrow();
    expect((await vendorRequest(sim, 'tensordock', 'GET', '/locations')).status).toBe(200);
  });

  it('adds latency with delay faults', async () => {
    await sim.control.injectFault({ vendor: 'bluelobster', operation: 'listInstances', kind: 'delay', delayMs: 250, count: 1 });
    const started = Date.now();
    expect((await vendorRequest(sim, 'bluelobster', 'GET', '/instances')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('with a bandwidth, a delay sends the body in 16 KB pieces at that rate', async () => {
    const plain = await vendorRequest(sim, 'vastai', 'GET', '/bundles/');
    const size = Buffer.byteLength(plain.text);
    expect(size).toBeGreaterThan(16 * 1024);
    // The whole body in about 300 ms.
    const bytesPerSecond = Math.ceil(size / 0.3);
    await sim.control.injectFault({ vendor: 'vastai', operation: 'listOffers', kind: 'delay', delayMs: 0, bytesPerSecond, count: 1 });
    const started = performance.now();
    const res = await fetch(`${sim.urls.vastai}/bundles/`, { headers: { Authorization: 'Bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' } });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const arrivals: { at: number; bytes: number }[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: performance.now() - started, bytes: value.byteLength });
    }
    const received = arrivals.reduce((sum, piece) => sum + piece.bytes, 0);
    expect(received).toBe(size);
    // No piece is larger than 16 KB, and the last byte came no sooner than the bandwidth allows.
    expect(Math.max(...arrivals.map((piece) => piece.bytes))).toBeLessThanOrEqual(16 * 1024);
    expect(arrivals.length).toBeGreaterThanOrEqual(Math.ceil(size / (16 * 1024)));
    expect(arrivals.at(-1)?.at).toBeGreaterThanOrEqual((size / bytesPerSecond) * 1000 - 5);
    // The fault fired once: the next answer is whole again.
    expect((await vendorRequest(sim, 'vastai', 'GET', '/bundles/')).text).toBe(plain.text);
  });

  it('sends malformed bodies: truncated, HTML, schema drift', async () => {
    await sim.control.injectFault({ vendor: 'vastai', operation: 'listOffers', kind: 'malformed', mode: 'truncated', count: 1 });
    await sim.control.injectFault({ vendor: 'vastai', operation: 'listOffers', kind: 'malformed', mode: 'html', count: 1 });
    await sim.control.injectFault({ vendor: 'vastai', operation: 'listOffers', kind: 'malformed', mode: 'schema_drift', count: 1 });
    const truncated = await vendorRequest(sim, 'vastai', 'GET', '/bundles/');
    expect(truncated.status).toBe(200);
    expect(() => JSON.parse(truncated.text) as unknown).toThrow();
    const html = await vendorRequest(sim, 'vastai', 'GET', '/bundles/');
    expect(html.headers.get('content-type')).toContain('text/html');
    const drift = await vendorRequest(sim, 'vastai', 'GET', '/bundles/');
    const first = (drift.body as { offers: Record<string, unknown>[] }).offers[0];
    expect(typeof first?.dph_total).toBe('string');
    expect(typeof first?.cuda_max_good).toBe('string');
  });

  it('hides errors in 200 bodies the vendor way', async () => {
    await sim.control.injectFault({ vendor: 'tensordock', kind: 'error_body_200', message: 'No available public IPs on hostnode' });
    const td = await createTd();
    expect([td.status, td.body]).toEqual([200, { status: 400, error: 'No available public IPs on hostnode' }]);
    await sim.control.clearFaults();

    // Held at boot: the state below is provisioning however long the machine takes to get there.
    await sim.control.holdBoot();
    await sim.control.injectFault({ vendor: 'vastai', kind: 'error_body_200', instanceCreated: true });
    const vast = await createVast(await vastOffer(), 'shopper-bid');
    expect(vast.status).toBe(200);
    expect(vast.body).toMatchObject({ success: false, new_contract: expect.any(Number) });
    const id = String((vast.body as { new_contract: number }).new_contract);
    expect((await sim.control.instances()).find((i) => i.id === id)).toMatchObject({ createOutcome: 'error_response', state: 'provisioning' });
  });

  it('answers a 5xx whose body looks like an empty list', async () => {
    await createTd('shopper-exists');
    await sim.control.injectFault({ vendor: 'tensordock', kind: 'empty_list_5xx' });
    const res = await vendorRequest(sim, 'tensordock', 'GET', '/instances');
    expect([res.status, res.body]).toEqual([503, { data: { instances: [] } }]);
    expect((await sim.control.instances()).filter((i) => i.state !== 'destroyed')).toHaveLength(1);
  });

  it('fails a create whose instance still exists (error or dropped connection), visible in ground truth', async () => {
    await sim.control.injectFault({ vendor: 'vastai', kind: 'create_then_fail', count: 1 });
    const failed = await createVast(await vastOffer(), 'shopper-ghost-1');
    expect(failed.status).toBe(504);
    await sim.control.injectFault({ vendor: 'bluelobster', kind: 'create_then_fail', mode: 'drop' });
    await expect(launchBl('shopper-ghost-2')).rejects.toThrow(/fetch failed/);
    const truth = await sim.control.instances();
    expect(truth.map((i) => [i.label, i.createOutcome])).toEqual([
      ['shopper-ghost-1', 'error_response'],
      ['shopper-ghost-2', 'connection_dropped'],
    ]);
    const list = (await vendorRequest(sim, 'vastai', 'GET', '/instances/')).body as { instances: { label: string }[] };
    expect(list.instances.map((i) => i.label)).toEqual(['shopper-ghost-1']);
  });

  it("refuses creates with each vendor's stale-offer error", async () => {
    await sim.control.injectFault({ kind: 'stale_offer' });
    const askId = await vastOffer();
    const gone = await createVast(askId);
    expect([gone.status, gone.body]).toMatchObject([404, { error: 'no_such_ask', msg: expect.stringContaining('error 404/3603') }]);
    expect((await createTd()).body).toEqual({ status: 400, error: 'No available nodes found' });
    const bl = await launchBl();
    expect([bl.status, (bl.body as { detail: { error: string } }).detail.error]).toEqual([409, 'no_capacity']);
    expect(await sim.control.instances()).toEqual([]);
  });

  it('answers a taken Vast offer with the documented 404 or 410 (or the older 400) as the fault asks', async () => {
    const askId = await vastOffer();
    for (const status of [410, 400] as const) {
      await sim.control.injectFault({ vendor: 'vastai', kind: 'stale_offer', status, count: 1 });
      const gone = await createVast(askId);
      expect([gone.status, gone.text.includes('no_such_ask')]).toEqual([status, true]);
    }
    expect((await createVast(askId)).status).toBe(200);
  });

  it('cancels a Blue Lobster launch task (CANCELLED, no VM)', async () => {
    await sim.control.injectFault({ kind: 'task_cancelled', count: 1 });
    const launched = (await launchBl('shopper-cancelled')).body as { task_id: string };
    const task = await waitFor(async () => {
      const body = (await vendorRequest(sim, 'bluelobster', 'GET', `/tasks/${launched.task_id}`)).body as { status: string; message: string };
      return body.status === 'CANCELLED' ? body : undefined;
    });
    expect(task.message).toBe('Task cancelled');
    expect(await sim.control.instances()).toEqual([]);
  });

  it('queues a Blue Lobster deletion whose task never completes under destroy_ignored, the VM still listed', async () => {
    const launched = (await launchBl('shopper-queued')).body as { vm_uuid: string };
    await sim.control.injectFault({ vendor: 'bluelobster', kind: 'destroy_ignored', count: 1 });
    const deleted = (await vendorRequest(sim, 'bluelobster', 'DELETE', `/instances/${launched.vm_uuid}`)).body as { task_id: string; status: string };
    expect(deleted.status).toBe('PENDING');
    // Far past when a deletion task completes: the clock moves, nobody sleeps.
    await sim.control.advance(3_600_000);
    expect(((await vendorRequest(sim, 'bluelobster', 'GET', `/tasks/${deleted.task_id}`)).body as { status: string }).status).not.toBe('COMPLETED');
    expect((await vendorRequest(sim, 'bluelobster', 'GET', `/instances/${launched.vm_uuid}`)).status).toBe(200);
  });

  it('fails destroys N times while the instance survives, or acknowledges a destroy that did nothing', async () => {
    await sim.control.holdBoot();
    const created = await createTd();
    const id = (created.body as { data: { id: string } }).data.id;
    await sim.control.injectFault({ vendor: 'tensordock', kind: 'destroy_fail', count: 2 });
    expect((await vendorRequest(sim, 'tensordock', 'DELETE', `/instances/${id}`)).status).toBe(500);
    expect((await vendorRequest(sim, 'tensordock', 'DELETE', `/instances/${id}`)).status).toBe(500);
    expect((await sim.control.instances())[0]).toMatchObject({ state: 'provisioning', destroyRequests: 2 });
    await sim.control.injectFault({ vendor: 'tensordock', kind: 'destroy_ignored', count: 1 });
    expect((await vendorRequest(sim, 'tensordock', 'DELETE', `/instances/${id}`)).status).toBe(200);
    expect((await vendorRequest(sim, 'tensordock', 'GET', `/instances/${id}`)).status).toBe(200);
    expect((await vendorRequest(sim, 'tensordock', 'DELETE', `/instances/${id}`)).status).toBe(200);
    expect((await sim.control.instances())[0]).toMatchObject({ state: 'destroyed', destroyRequests: 4 });
  });

  it('makes instances vanish or stop', async () => {
    const td = await createTd();
    const tdId = (td.body as { data: { id: string } }).data.id;
    const vast = await createVast(await vastOffer());
    const vastId = String((vast.body as { new_contract: number }).new_contract);
    await sim.control.injectFault({ vendor: 'tensordock', kind: 'vanish' });
    await sim.control.injectFault({ vendor: 'vastai', kind: 'instance_stopped', vendorStatus: 'offline' });
    await waitFor(async () => (await vendorRequest(sim, 'tensordock', 'GET', `/instances/${tdId}`)).status === 404);
    const stopped = await waitFor(async () => {
      const body = (await vendorRequest(sim, 'vastai', 'GET', `/instances/${vastId}/`)).body as { instances: { actual_status: string } };
      return body.instances.actual_status === 'offline' ? body.instances : undefined;
    });
    expect(stopped.actual_status).toBe('offline');
    const truth = await sim.control.instances();
    expect(truth.find((i) => i.id === tdId)?.state).toBe('vanished');
    expect(truth.find((i) => i.id === vastId)?.state).toBe('stopped');
  });

  it('refuses credentials and fails or strands Blue Lobster launch tasks', async () => {
    await sim.control.injectFault({ vendor: 'bluelobster', operation: 'listOffers', kind: 'unauthorized', count: 1 });
    const denied = await vendorRequest(sim, 'bluelobster', 'GET', '/instances/available');
    expect([denied.status, denied.body]).toEqual([403, { detail: { error: 'forbidden', message: 'Invalid API key' } }]);

    await sim.control.injectFault({ kind: 'task_failed', count: 1 });
    await sim.control.injectFault({ kind: 'task_stuck', count: 1, instanceExists: true });
    const failing = (await launchBl('shopper-fails')).body as { task_id: string };
    const stuck = (await launchBl('shopper-stuck')).body as { task_id: string; vm_uuid: string };
    const failed = await waitFor(async () => {
      const body = (await vendorRequest(sim, 'bluelobster', 'GET', `/tasks/${failing.task_id}`)).body as { status: string; message: string };
      return body.status === 'FAILED' ? body : undefined;
    });
    expect(failed.message).toBe('Task processing failed: Failed to create VM: Disk resize failed');
    await sim.control.advance(3_600_000);
    expect(((await vendorRequest(sim, 'bluelobster', 'GET', `/tasks/${stuck.task_id}`)).body as { status: string }).status).toBe('PROCESSING');
    expect((await sim.control.instances()).map((i) => [i.label, i.state])).toEqual([['shopper-stuck', 'provisioning']]);
  });

  it('lists TensorDock VMs nested under data.instances, and switches to its other two envelopes', async () => {
    await createTd('shopper-env');
    const nested = await vendorRequest(sim, 'tensordock', 'GET', '/instances');
    expect((nested.body as { data: { instances: { attributes: { name: string } }[] } }).data.instances.map((i) => i.attributes.name)).toEqual(['shopper-env']);
    const flatFault = await sim.control.injectFault({ kind: 'alternate_envelope', envelope: 'flat' });
    const flat = await vendorRequest(sim, 'tensordock', 'GET', '/instances');
    expect((flat.body as { data: { name: string }[] }).data.map((i) => i.name)).toEqual(['shopper-env']);
    await sim.control.clearFaults(flatFault.id);
    await sim.control.injectFault({ kind: 'alternate_envelope', envelope: 'getting_started' });
    const started = await vendorRequest(sim, 'tensordock', 'GET', '/instances');
    expect((started.body as { data: { attributes: { instances: { attributes: { name: string } }[] } } }).data.attributes.instances.map((i) => i.attributes.name)).toEqual(['shopper-env']);
  });

  it('fires probabilistic faults reproducibly from the seed', async () => {
    const run = async (): Promise<number[]> => {
      await sim.control.reset();
      await sim.control.injectFault({ vendor: 'vastai', operation: 'listInstances', kind: 'http_error', status: 500, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await vendorRequest(sim, 'vastai', 'GET', '/instances/')).status);
      return statuses;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([200, 500]));
    expect(await run()).toEqual(first);
  });

  it('refuses, hangs or denies SSH on a node', async () => {
    const launched = (await launchBl('shopper-ssh-faults')).body as { vm_uuid: string };
    const port = await waitFor(async () => ((await vendorRequest(sim, 'bluelobster', 'GET', `/instances/${launched.vm_uuid}`)).body as { ssh_port: number | null }).ssh_port);
    await waitFor(() => connectSsh('127.0.0.1', port, 'ubuntu', key.privateKey).then((ssh) => (ssh.dispose(), true)).catch(() => false));
    await sim.control.injectFault({ kind: 'ssh_refused', instanceId: launched.vm_uuid, count: 1 });
    await expect(connectSsh('127.0.0.1', port, 'ubuntu', key.privateKey)).rejects.toThrow();
    await sim.control.injectFault({ kind: 'ssh_auth_fail', count: 1 });
    await expect(connectSsh('127.0.0.1', port, 'ubuntu', key.privateKey)).rejects.toThrow(/authentication methods failed/);
    await sim.control.injectFault({ kind: 'ssh_hang', count: 1 });
    const started = Date.now();
    const hung = new (await import('node-ssh')).NodeSSH();
    await expect(hung.connect({ host: '127.0.0.1', port, username: 'ubuntu', privateKey: key.privateKey, readyTimeout: 400 })).rejects.toThrow(/handshake/i);
    hung.dispose();
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    const ok = await connectSsh('127.0.0.1', port, 'ubuntu', key.privateKey);
    expect((await ok.execCommand('echo ok')).stdout).toBe('ok');
    ok.dispose();
  });
});

describe('acceptedKeys', () => {
  it('refuses any other credential with the vendor 401, as a wrong key is refused live', async () => {
    const sim = await startSimulator({ acceptedKeys: { vastai: 'right-key', bluelobster: 'bl-right' } });
    try {
      const call = (vendor: 'vastai' | 'bluelobster', path: string, headers: Record<string, string>) => fetch(`${sim.urls[vendor]}${path}`, { headers });
      expect((await call('vastai', '/instances/', { Authorization: 'Bearer wrong-key' })).status).toBe(401);
      expect((await call('vastai', '/instances/', { Authorization: 'Bearer right-key' })).status).toBe(200);
      expect((await call('bluelobster', '/instances', { 'X-API-Key': 'bl-wrong' })).status).toBe(401);
      expect((await call('bluelobster', '/instances', { 'X-API-Key': 'bl-right' })).status).toBe(200);
      // A vendor without an accepted key still takes any credential.
      expect((await fetch(`${sim.urls.tensordock}/instances`, { headers: { Authorization: 'Bearer anything' } })).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });
});
