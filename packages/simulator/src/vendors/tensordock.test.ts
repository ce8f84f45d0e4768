import { generateSshKeyPair } from '../node/ssh-keys.js';
import { type RunningSimulator } from '../simulator.js';
import { connectSsh, tensorDockRuncmd, vendorRequest, waitFor } from '../testing/sim-client.js';
import { useTestSimulator } from '../testing/test-simulator.js';

interface TdVm {
  status: string;
  ipAddress: string;
  portForwards: { protocol: string; internal_port: number; external_port: number }[];
  rateHourly: number;
}

describe('TensorDock fake', () => {
  const key = generateSshKeyPair('td-test');

  const createBody = (locationId: string, v0Name: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    data: {
      type: 'virtualmachine',
      attributes: {
        name,
        type: 'virtualmachine',
        image: 'ubuntu2204',
        location_id: locationId,
        resources: { vcpu_count: 8, ram_gb: 32, storage_gb: 100, gpus: { [v0Name]: { count: 1 } } },
        useDedicatedIp: true,
        ssh_key: key.publicKey,
        cloud_init: { runcmd: tensorDockRuncmd(key.publicKey) },
        ...extra,
      },
    },
  });

  const simulator = useTestSimulator();
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
  });

  it('lists locations with query-parameter auth and the contract shape', async () => {
    const res = await vendorRequest(sim, 'tensordock', 'GET', '/locations');
    expect(res.status).toBe(200);
    const locations = (res.body as { data: { locations: Record<string, unknown>[] } }).data.locations;
    const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'tensordock');
    expect(locations.flatMap((l) => l.gpus as unknown[])).toHaveLength(offers.length);
    expect(locations[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), city: expect.any(String), stateprovince: expect.any(String), country: expect.any(String), tier: expect.any(Number),
      gpus: expect.arrayContaining([
        {
          v0Name: expect.any(String), displayName: expect.any(String), max_count: expect.any(Number), price_per_hr: expect.any(Number),
          resources: { max_vcpus: expect.any(Number), max_ram_gb: expect.any(Number), max_storage_gb: expect.any(Number) },
          network_features: { dedicated_ip_available: expect.any(Boolean), port_forwarding_available: expect.any(Boolean), network_storage_available: expect.any(Boolean) },
          pricing: { per_vcpu_hr: expect.any(Number), per_gb_ram_hr: expect.any(Number), per_gb_storage_hr: expect.any(Number) },
        },
      ]),
    });
    // /locations takes credentials in the query, /instances takes a Bearer token: not interchangeable.
    expect((await vendorRequest(sim, 'tensordock', 'GET', '/locations', { auth: false })).status).toBe(401);
    expect((await vendorRequest(sim, 'tensordock', 'GET', '/instances', { auth: false, query: { api_key: 'a', api_token: 'b' } })).status).toBe(401);
  });

  it('creates a VM, moves creating → starting → running, exposes SSH as a port forward, lists, destroys and bills', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'tensordock' && o.available);
    if (!offer?.variant) throw new Error('no TensorDock offer');

    const created = await vendorRequest(sim, 'tensordock', 'POST', '/instances', { body: createBody(offer.vendorOfferId, offer.variant, 'shopper-sess-td-1') });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ data: { type: 'virtualmachine', id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'shopper-sess-td-1', status: 'creating' } });
    const id = (created.body as { data: { id: string } }).data.id;

    const seen: string[] = [];
    const vm = await waitFor(async () => {
      const res = await vendorRequest(sim, 'tensordock', 'GET', `/instances/${id}`);
      const body = res.body as TdVm;
      if (seen[seen.length - 1] !== body.status) seen.push(body.status);
      if (body.status === 'creating') expect(body.ipAddress).toBe('');
      return body.status === 'running' ? body : undefined;
    });
    // A loaded machine may poll past a state: what is seen must follow the lifecycle's order.
    const order = ['creating', 'starting', 'running'];
    expect(seen.map((state) => order.indexOf(state))).toEqual([...seen.map((state) => order.indexOf(state))].sort((a, b) => a - b));
    expect(seen.every((state) => order.includes(state))).toBe(true);
    expect(seen[seen.length - 1]).toBe('running');
    expect(vm.ipAddress).toBe('127.0.0.1');
    const forward = vm.portForwards.find((f) => f.internal_port === 22);
    expect(forward).toEqual({ protocol: 'tcp', internal_port: 22, external_port: expect.any(Number) });

    const ssh = await waitFor(() => connectSsh(vm.ipAddress, forward?.external_port ?? 0, 'user', key.privateKey).catch(() => undefined));
    expect((await ssh.execCommand('nvidia-smi --query-gpu=name --format=csv,noheader')).stdout).toBe(offer.smiName);
    ssh.dispose();

    const list = await vendorRequest(sim, 'tensordock', 'GET', '/instances');
    const items = (list.body as { data: { instances: { type: string; id: string; attributes: { name: string; price_per_hour: number } }[] } }).data.instances;
    expect(items.find((i) => i.attributes.name === 'shopper-sess-td-1')).toMatchObject({ type: 'virtualmachine', id, attributes: { price_per_hour: vm.rateHourly } });

    expect((await vendorRequest(sim, 'tensordock', 'DELETE', `/instances/${id}`)).status).toBe(200);
    expect((await vendorRequest(sim, 'tensordock', 'GET', `/instances/${id}`)).status).toBe(404);
    expect((await vendorRequest(sim, 'tensordock', 'DELETE', `/instances/${id}`)).status).toBe(404);

    const [truth] = await sim.control.instances();
    // Billing is the all-in VM rate (GPU + 8 vCPU + 32 GB + 100 GB), above the GPU-only list price.
    expect(truth).toMatchObject({ vendor: 'tensordock', id, state: 'destroyed', pricePerHourUsd: vm.rateHourly });
    expect(vm.rateHourly).toBeGreaterThan(offer.pricePerHourUsd);
    expect(truth?.costMicroUsd).toBeGreaterThan(0);
  });

  it('rejects bodies the real API rejects, with its error array', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'tensordock');
    if (!offer?.variant) throw new Error('no TensorDock offer');
    const noSsh = await vendorRequest(sim, 'tensordock', 'POST', '/instances', { body: createBody(offer.vendorOfferId, offer.variant, 'shopper-x', { useDedicatedIp: undefined }) });
    expect(noSsh.status).toBe(400);
    expect(noSsh.body).toEqual([{ code: 'custom', message: 'SSH port (22) must be forwarded for Ubuntu VMs', path: ['data', 'attributes', 'port_forwards'] }]);
    const small = createBody(offer.vendorOfferId, offer.variant, 'shopper-x');
    ((small.data as { attributes: { resources: { storage_gb: number } } }).attributes.resources).storage_gb = 50;
    const tooSmall = await vendorRequest(sim, 'tensordock', 'POST', '/instances', { body: small });
    expect((tooSmall.body as { message: string }[])[0]?.message).toBe('Number must be greater than or equal to 100');
    const unknownLocation = await vendorRequest(sim, 'tensordock', 'POST', '/instances', { body: createBody('00000000-0000-4000-8000-000000000000', offer.variant, 'shopper-x') });
    expect(unknownLocation.body).toEqual({ status: 404, error: 'Location not found' });
  });

  it('installs keys only through cloud-init runcmd, and the driver only works with the repair steps', async () => {
    const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'tensordock' && o.available);
    const [first, second] = offers;
    if (!first?.variant || !second?.variant) throw new Error('need two offers');
    const keyOnly = await vendorRequest(sim, 'tensordock', 'POST', '/instances', { body: createBody(first.vendorOfferId, first.variant, 'shopper-keyonly', { cloud_init: {} }) });
    const noRepair = await vendorRequest(sim, 'tensordock', 'POST', '/instances', {
      body: createBody(second.vendorOfferId, second.variant, 'shopper-norepair', { cloud_init: { runcmd: tensorDockRuncmd(key.publicKey).slice(0, 11) } }),
    });
    const portOf = async (id: string): Promise<number> =>
      waitFor(async () => {
        const vm = (await vendorRequest(sim, 'tensordock', 'GET', `/instances/${id}`)).body as TdVm;
        return vm.status === 'running' ? vm.portForwards[0]?.external_port : undefined;
      });
    const keyOnlyPort = await portOf((keyOnly.body as { data: { id: string } }).data.id);
    const noRepairPort = await portOf((noRepair.body as { data: { id: string } }).data.id);
    // Once cloud-init has installed the key on the repaired VM (a state, however long it takes)...
    const ssh = await waitFor(async () => connectSsh('127.0.0.1', noRepairPort, 'root', key.privateKey).catch(() => undefined));
    // ...the VM whose cloud-init only set a key still refuses it.
    await expect(connectSsh('127.0.0.1', keyOnlyPort, 'user', key.privateKey)).rejects.toThrow(/authentication methods failed/);
    const smi = await ssh.execCommand('nvidia-smi');
    expect(smi.code).toBe(9);
    ssh.dispose();
  });
});
