import { generateSshKeyPair } from '../node/ssh-keys.js';
import { type RunningSimulator } from '../simulator.js';
import { connectSsh, vendorRequest, waitFor } from '../testing/sim-client.js';
import { useTestSimulator } from '../testing/test-simulator.js';

interface BlVm {
  uuid: string;
  name: string;
  ip_address: string | null;
  ssh_port: number | null;
  power_status: string | null;
  price_cents_per_hour: number;
  vm_username: string;
  metadata: Record<string, unknown>;
}

describe('Blue Lobster fake', () => {
  const key = generateSshKeyPair('bl-test');

  const launch = (instanceType: string, region: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    region,
    instance_type: instanceType,
    username: 'ubuntu',
    ssh_key: key.publicKey,
    name,
    template_name: 'UBUNTU-22-04-NV',
    metadata: { shopper_session_id: 'sess-1', shopper_deployment_id: '550e8400-e29b-41d4-a716-446655440000' },
    ...extra,
  });

  // A long dist-upgrade window, so the dpkg lock is certainly still held when the test looks.
  const simulator = useTestSimulator({ blueLobsterDpkgLockMs: 60_000 });
  let sim: RunningSimulator;
  beforeEach(() => {
    sim = simulator();
  });

  it('lists instance types with prices in cents, string-or-array gpu_model and CPU-only types', async () => {
    const res = await vendorRequest(sim, 'bluelobster', 'GET', '/instances/available');
    expect(res.status).toBe(200);
    const data = (res.body as { data: { id: string; instance_type: { price_cents_per_hour: number; gpu_description: string; specs: { gpus: number; gpu_model?: unknown } }; regions_with_capacity_available: { name: string }[] }[] }).data;
    expect(data).toHaveLength(19);
    expect(data.filter((t) => t.instance_type.specs.gpus === 0)).toHaveLength(2);
    expect(data.find((t) => t.id === 'v1_gpu_1x_8000')?.instance_type).toMatchObject({ price_cents_per_hour: 35, gpu_description: 'N/A', specs: { gpu_model: ['Quadro RTX 8000', 'RTX 8000'] } });
    expect(data.find((t) => t.id === 'v1_gpu_1x_a5000')?.instance_type.specs.gpu_model).toBe('RTX A5000');
    const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'bluelobster');
    expect(data.filter((t) => t.instance_type.specs.gpus > 0).reduce((n, t) => n + t.regions_with_capacity_available.length, 0)).toBe(offers.length);
    expect((await vendorRequest(sim, 'bluelobster', 'GET', '/instances/available', { auth: false })).body).toEqual({ detail: { error: 'unauthorized', message: 'Missing API key' } });
  });

  it('launches through a task, reports the VM with a null power status, serves SSH, lists, destroys and bills', async () => {
    // An A-series card: its driver is not replaced by the dist-upgrade, so nvidia-smi works meanwhile.
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'bluelobster' && o.available && o.gpuModel.startsWith('RTX A'));
    if (!offer?.variant) throw new Error('no Blue Lobster A-series offer');
    const name = 'shopper-sess-1-deploy-550e8400';

    const launched = await vendorRequest(sim, 'bluelobster', 'POST', '/instances/launch-instance', { body: launch(offer.vendorOfferId, offer.variant, name) });
    expect(launched.status).toBe(200);
    expect(launched.body).toEqual({ task_id: expect.any(String), vm_uuid: expect.any(String), assigned_ip: '127.0.0.1', status: 'PENDING' });
    const { task_id: taskId, vm_uuid: vmUuid } = launched.body as { task_id: string; vm_uuid: string };

    const statuses: string[] = [];
    const task = await waitFor(async () => {
      const body = (await vendorRequest(sim, 'bluelobster', 'GET', `/tasks/${taskId}`)).body as { status: string; params: { vm_uuid: string } };
      if (statuses[statuses.length - 1] !== body.status) statuses.push(body.status);
      return body.status === 'COMPLETED' ? body : undefined;
    });
    // A loaded machine may poll past a state: what is seen must follow the task's order.
    const order = ['PENDING', 'PROCESSING', 'COMPLETED'];
    expect(statuses.every((status) => order.includes(status))).toBe(true);
    expect(statuses.map((status) => order.indexOf(status))).toEqual([...statuses.map((status) => order.indexOf(status))].sort((a, b) => a - b));
    expect(statuses[statuses.length - 1]).toBe('COMPLETED');
    expect(task.params.vm_uuid).toBe(vmUuid);

    const vm = (await vendorRequest(sim, 'bluelobster', 'GET', `/instances/${vmUuid}`)).body as BlVm;
    expect(vm).toMatchObject({ uuid: vmUuid, name, ip_address: '127.0.0.1', power_status: null, vm_username: 'ubuntu', metadata: {}, price_cents_per_hour: Math.round(offer.pricePerHourUsd * 100) });
    expect(vm.ssh_port).toEqual(expect.any(Number));

    const ssh = await connectSsh('127.0.0.1', vm.ssh_port ?? 22, 'ubuntu', key.privateKey);
    const query = await ssh.execCommand('nvidia-smi --query-gpu=name,memory.total --format=csv,noheader');
    expect(query.stdout.split('\n')).toEqual(Array.from({ length: offer.gpuCount }, () => `${offer.smiName}, ${offer.vramMiB} MiB`));
    expect((await ssh.execCommand('sudo fuser /var/lib/dpkg/lock-frontend')).code).toBe(0);
    ssh.dispose();

    const list = (await vendorRequest(sim, 'bluelobster', 'GET', '/instances')).body as BlVm[];
    expect(Array.isArray(list)).toBe(true);
    expect(list.find((v) => v.name === name)?.uuid).toBe(vmUuid);

    // The deletion is queued: the answer is a task, which then completes.
    const deleted = (await vendorRequest(sim, 'bluelobster', 'DELETE', `/instances/${vmUuid}`)).body as { task_id: string };
    expect(deleted).toEqual({ task_id: expect.any(String), status: 'PENDING', message: 'Instance deletion queued' });
    await waitFor(async () => ((await vendorRequest(sim, 'bluelobster', 'GET', `/tasks/${deleted.task_id}`)).body as { status: string }).status === 'COMPLETED');
    expect((await vendorRequest(sim, 'bluelobster', 'GET', `/instances/${vmUuid}`)).status).toBe(404);
    expect((await vendorRequest(sim, 'bluelobster', 'DELETE', `/instances/${vmUuid}`)).body).toEqual({ error: 'instance_not_found', message: 'Instance not found' });

    const [truth] = await sim.control.instances();
    expect(truth).toMatchObject({ vendor: 'bluelobster', id: vmUuid, label: name, state: 'destroyed', pricePerHourUsd: offer.pricePerHourUsd, sshUsers: [] });
    expect(truth?.costMicroUsd).toBeGreaterThan(0);
  });

  it('applies the API validation rules (trailing newline key, name pattern) and refuses when out of capacity', async () => {
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'bluelobster' && o.vendorOfferId === 'v2_gpu_1x_5090');
    if (!offer?.variant) throw new Error('the single RTX 5090 slot is always generated');
    const newline = await vendorRequest(sim, 'bluelobster', 'POST', '/instances/launch-instance', { body: launch(offer.vendorOfferId, 'igl', 'shopper-a', { ssh_key: `${key.publicKey}\n` }) });
    expect(newline.status).toBe(400);
    expect(newline.body).toMatchObject({ error: 'validation_error', errors: [{ field: 'ssh_key', message: 'invalid SSH public key format' }] });
    const underscore = await vendorRequest(sim, 'bluelobster', 'POST', '/instances/launch-instance', { body: launch(offer.vendorOfferId, 'igl', 'gpushop-dep_a-ses_1') });
    expect((underscore.body as { errors: { field: string }[] }).errors[0]?.field).toBe('name');

    expect((await vendorRequest(sim, 'bluelobster', 'POST', '/instances/launch-instance', { body: launch(offer.vendorOfferId, 'igl', 'shopper-first') })).status).toBe(200);
    const second = await vendorRequest(sim, 'bluelobster', 'POST', '/instances/launch-instance', { body: launch(offer.vendorOfferId, 'igl', 'shopper-second') });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ detail: { error: 'no_capacity', message: 'No capacity available in igl for v2_gpu_1x_5090' } });
  });
});
