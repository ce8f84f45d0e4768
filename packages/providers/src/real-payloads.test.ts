/**
 * Contract tests on payloads published outside this project (vendor API references, the official
 * Vast CLI, independent clients): test/fixtures/real/SOURCES names the source of each file. These
 * guard against the adapters and the simulator agreeing with each other on a shape the vendor
 * never sends.
 */
import { buildOffer } from '@gpu-shopper/core/testing';

import { BlueLobsterAdapter } from './bluelobster/bluelobster-adapter.js';
import { TensorDockAdapter, tensorDockInstanceState } from './tensordock/tensordock-adapter.js';
import { real } from './test-support/fixtures.js';
import { FAST_HTTP, NO_RATE_LIMIT, ScriptedFetch, TEST_PUBLIC_KEY } from './test-support/scripted-fetch.js';
import { VastAiAdapter, vastInstanceState } from './vastai/vastai-adapter.js';

const LABEL = 'gpushop-dep_A-ses_sess001';

const createRequest = (offer: ReturnType<typeof buildOffer>, label = LABEL) => ({
  offer,
  label,
  sshPublicKey: TEST_PUBLIC_KEY,
  workloadType: 'llm' as const,
  storagePolicy: 'destroy' as const,
  templateHashId: null,
  diskGb: null,
  onStartScript: null,
});

function vast(script: ScriptedFetch) {
  return new VastAiAdapter({ apiKey: 'k'.repeat(64), baseUrl: 'https://vast.test/api/v0', http: { ...FAST_HTTP, fetch: script.fetch }, rateLimit: NO_RATE_LIMIT });
}

function tensorDock(script: ScriptedFetch) {
  return new TensorDockAdapter({ authId: 'td-auth-0123456789', apiToken: 'td-token-0123456789', baseUrl: 'https://td.test/api/v2', http: { ...FAST_HTTP, fetch: script.fetch }, rateLimit: NO_RATE_LIMIT });
}

function blueLobster(script: ScriptedFetch, taskTimeoutMs = 60_000) {
  return new BlueLobsterAdapter({
    apiKey: 'bl-key-0123456789abcdef',
    baseUrl: 'https://bl.test/api/v1',
    taskPollIntervalMs: 5,
    taskTimeoutMs,
    http: { ...FAST_HTTP, fetch: script.fetch },
    rateLimit: NO_RATE_LIMIT,
  });
}

describe('Vast.ai against real payloads', () => {
  const offer = buildOffer({ id: 'vastai-12345', providerOfferId: '12345' });

  it.each([
    [404, 'vastai/asks-no-such-ask-404.json'],
    [410, 'vastai/asks-no-such-ask-410.json'],
  ])('item 1: a taken offer answered with HTTP %i and no_such_ask is "offer unavailable", so another offer is tried', async (status, file) => {
    const script = new ScriptedFetch().on('PUT', /^\/api\/v0\/asks\/12345\/$/, { status, body: real(file) });
    const result = await vast(script).createInstance(createRequest(offer));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.err.code).toBe('PROVIDER_OFFER_UNAVAILABLE');
  });

  it('item 5: a 403 "not your own" offer is not an authentication failure', async () => {
    const script = new ScriptedFetch().on('PUT', /asks/, { status: 403, body: real('vastai/asks-not-your-own-403.json') });
    const result = await vast(script).createInstance(createRequest(offer));
    expect(!result.ok && result.err.code).toBe('PROVIDER_OFFER_UNAVAILABLE');
  });

  it('item 2: getInstance accepts the documented instance whose ports are a list', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v0\/instances\/883\/$/, { status: 200, body: real('vastai/instance-ports-list.json') });
    const result = await vast(script).getInstance('883');
    if (!result.ok) throw result.err;
    expect(result.val).toMatchObject({ providerInstanceId: '883', state: 'running', ssh: { host: 'ssh2281.vast.ai', port: 10882, user: 'root' } });
  });

  it('item 5: listInstances follows every page of the paginated v1 listing (next_token → after_token)', async () => {
    const script = new ScriptedFetch().on(
      'GET',
      /^\/api\/v1\/instances\/$/,
      { status: 200, body: real('vastai/instances-v1-page1.json') },
      { status: 200, body: real('vastai/instances-v1-page2.json') },
    );
    const result = await vast(script).listInstances('gpushop-');
    if (!result.ok) throw result.err;
    expect(result.val.map((i) => [i.providerInstanceId, i.label, i.state])).toEqual([
      ['883', 'gpushop-dep_A-ses_sess001', 'running'],
      ['312', 'gpushop-dep_A-ses_sess002', 'starting'],
    ]);
    const [first, second] = script.requestsTo('GET', /instances/);
    expect(first?.url.searchParams.get('limit')).toBe('25');
    expect(first?.url.searchParams.get('after_token')).toBeNull();
    expect(second?.url.searchParams.get('after_token')).toBe('eyJ2YWx1ZXMiOiB7ImlkIjogMTIzfX0=');
  });

  it('item 2: the v0 listing with ports as a map of bindings is read too', async () => {
    const body = real('vastai/instances-v0-ports-map.json') as { instances: unknown[] };
    const script = new ScriptedFetch().on('GET', /^\/api\/v1\/instances\/$/, { status: 200, body: { ...body, next_token: null } });
    const result = await vast(script).listInstances('ML Training');
    expect(result.ok && result.val.map((i) => i.providerInstanceId)).toEqual(['312']);
  });

  it('item 5: the documented statuses frozen, rebooting, restarting and unknown are mapped', () => {
    expect(vastInstanceState('frozen')).toBe('stopped');
    expect(vastInstanceState('rebooting')).toBe('starting');
    expect(vastInstanceState('restarting')).toBe('starting');
    expect(vastInstanceState('unknown')).toBe('unknown');
  });

  it("reads the reference's search example: offers as a single object, an unknown GPU kept and flagged, the machine as host", async () => {
    const script = new ScriptedFetch().on('POST', /^\/api\/v0\/bundles\/$/, { status: 200, body: real('vastai/bundles-post-doc-example.json') });
    const result = await vast(script).listOffers();
    if (!result.ok) throw result.err;
    expect(result.val).toHaveLength(1);
    expect(result.val[0]).toMatchObject({ id: 'vastai-12345678', gpuKnown: false, gpuName: 'Imaginary RTX 9999', gpuCount: 4, vramGbPerGpu: 24, hostId: 'vastai-machine-88888', pricePerHourMicros: 234_567 });
  });

  it('item 5: offer search is POST /bundles/ with a JSON body priced for the disk we rent, and hostId comes from machine_id', async () => {
    const script = new ScriptedFetch().on('POST', /^\/api\/v0\/bundles\/$/, {
      status: 200,
      body: { offers: [{ id: 12345, machine_id: 178, gpu_name: 'RTX A5000', gpu_ram: 24564, num_gpus: 1, dph_total: 0.31, rentable: true, rented: false }] },
    });
    const result = await vast(script).listOffers();
    if (!result.ok) throw result.err;
    expect(result.val[0]).toMatchObject({ id: 'vastai-12345', hostId: 'vastai-machine-178' });
    const [request] = script.requests;
    expect(request?.body).toMatchObject({ rentable: { eq: true }, type: 'on-demand', allocated_storage: 50 });
  });
});

describe('Vast.ai templates and stop against real payloads', () => {
  it('lists the recommended templates the way the official CLI searches them, with CUDA and VRAM requirements read from extra_filters', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v0\/template\/$/, { status: 200, body: real('vastai/templates-search.json') });
    const result = await vast(script).listTemplates();
    if (!result.ok) throw result.err;
    const [request] = script.requests;
    expect(request?.url.searchParams.get('select_cols')).toBe('["*"]');
    expect(JSON.parse(request?.url.searchParams.get('select_filters') ?? 'null')).toEqual({ recommended: { eq: true } });
    expect(result.val.map((t) => t.hashId)).toEqual(['a4d2a0b85ae6719c0906ff66e7b3b434', '38a9dab633743d43107eb9a80d4ada9e']);
    expect(result.val[0]).toMatchObject({
      name: 'vLLM',
      recommendedDiskGb: 60,
      useSsh: true,
      requirements: [
        { key: 'cuda_max_good', property: 'cuda_version', op: 'gte', value: 12.9 },
        { key: 'gpu_total_ram', property: 'vram_mb_total', op: 'gt', value: 21000 },
      ],
    });
    expect(result.val[1]).toMatchObject({ extraFilters: null, requirements: [] });
  });

  it('looks a template up by hash id, and answers not found for a hash Vast does not know', async () => {
    const known = new ScriptedFetch().on('GET', /^\/api\/v0\/template\/$/, { status: 200, body: real('vastai/templates-search.json') });
    const found = await vast(known).getTemplate('38a9dab633743d43107eb9a80d4ada9e');
    expect(found.ok && found.val.name).toBe('Ollama');
    expect(JSON.parse(known.requests[0]?.url.searchParams.get('select_filters') ?? 'null')).toEqual({ hash_id: { eq: '38a9dab633743d43107eb9a80d4ada9e' } });
    const none = new ScriptedFetch().on('GET', /^\/api\/v0\/template\/$/, { status: 200, body: { success: true, templates: [] } });
    const missing = await vast(none).getTemplate('0123abcd');
    expect(missing.ok ? null : missing.err.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('stops an instance with PUT {"state": "stopped"} as the official CLI does', async () => {
    const script = new ScriptedFetch().on('PUT', /^\/api\/v0\/instances\/883\/$/, { status: 200, body: real('vastai/instance-stop-success.json') });
    const result = await vast(script).stopInstance('883');
    expect(result.ok).toBe(true);
    expect(script.requests[0]?.body).toEqual({ state: 'stopped' });
  });

  it('a stopped instance is stopped (it still exists) and states what its disk bills: storage_cost × disk_space per 720 h', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v0\/instances\/883\/$/, {
      status: 200,
      body: { instances: { id: 883, label: LABEL, actual_status: 'exited', disk_space: 50, storage_cost: 0.144, dph_total: 0.01 } },
    });
    const result = await vast(script).getInstance('883');
    if (!result.ok) throw result.err;
    expect(result.val).toMatchObject({ state: 'stopped', storagePricePerHourMicros: 10_000 });
    const unknown = new ScriptedFetch().on('GET', /^\/api\/v0\/instances\/883\/$/, { status: 200, body: { instances: { id: 883, actual_status: 'exited' } } });
    const read = await vast(unknown).getInstance('883');
    expect(read.ok && read.val.storagePricePerHourMicros).toBeUndefined();
  });
});

describe('TensorDock against real payloads', () => {
  it.each([
    ['tensordock/instances-list-data-instances.json'],
    ['tensordock/instances-list-getting-started.json'],
    ['tensordock/instances-list-rich.json'],
  ])('item 3: listInstances reads the label of attributes-nested items (%s)', async (file) => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v2\/instances$/, { status: 200, body: real(file) });
    const result = await tensorDock(script).listInstances('gpushop-');
    if (!result.ok) throw result.err;
    expect(result.val).toHaveLength(1);
    expect(result.val[0]).toMatchObject({ label: LABEL, state: 'running' });
  });

  it('item 3: the rich nested item keeps its address and hourly rate', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v2\/instances$/, { status: 200, body: real('tensordock/instances-list-rich.json') });
    const result = await tensorDock(script).listInstances('gpushop-');
    expect(result.ok && result.val[0]).toMatchObject({ ssh: { host: '203.0.113.42', port: 22, user: 'user' }, pricePerHourMicros: 2_410_000 });
  });

  it('item 3: getInstance reads the JSON:API-wrapped instance and its port-forward map', async () => {
    const id = '8c2f0e88-3b4a-4c2c-9d27-f5a1c2c2b7ab';
    const script = new ScriptedFetch().on('GET', new RegExp(`/instances/${id}$`), { status: 200, body: real('tensordock/instance-get-jsonapi.json') });
    const result = await tensorDock(script).getInstance(id);
    if (!result.ok) throw result.err;
    expect(result.val).toMatchObject({ label: LABEL, state: 'running', ssh: { host: '203.0.113.42', port: 20022 } });
  });

  it('item 5: StoppedDisassociated is stopped (it still exists) and deleted is gone', async () => {
    expect(tensorDockInstanceState('StoppedDisassociated')).toBe('stopped');
    const id = '550e8400-e29b-41d4-a716-446655440000';
    const flat = new ScriptedFetch().on('GET', /instances\//, { status: 200, body: real('tensordock/instance-get-flat.json') });
    expect(await tensorDock(flat).getInstance(id)).toMatchObject({ ok: true, val: { state: 'stopped', ssh: { port: 20000 } } });
    const deleted = new ScriptedFetch().on('GET', /instances\//, { status: 200, body: { ...(real('tensordock/instance-get-flat.json') as object), status: 'deleted' } });
    const gone = await tensorDock(deleted).getInstance(id);
    expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('item 5: the documented delete answer is accepted', async () => {
    const script = new ScriptedFetch().on('DELETE', /instances\//, { status: 200, body: real('tensordock/delete-success.json') });
    expect(await tensorDock(script).destroyInstance('550e8400-e29b-41d4-a716-446655440000')).toMatchObject({ ok: true, val: { alreadyGone: false } });
  });

  it('item 5: every call, the catalogue included, carries the Bearer token', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v2\/locations$/, { status: 200, body: { data: { locations: [] } } });
    await tensorDock(script).listOffers();
    expect(script.requests[0]?.headers.get('authorization')).toBe('Bearer td-token-0123456789');
  });
});

describe('Blue Lobster against real payloads', () => {
  const offer = buildOffer({ id: 'bluelobster:gpu_1x_a4000:us-east-1', provider: 'bluelobster', providerOfferId: 'gpu_1x_a4000' });

  it('item 4: a CANCELLED launch task ends the wait at once as a failure, not an unknown outcome after the timeout', async () => {
    const script = new ScriptedFetch()
      .on('POST', /launch-instance$/, { status: 200, body: real('bluelobster/launch.json') })
      .on('GET', /^\/api\/v1\/tasks\/task_abc123$/, { status: 200, body: real('bluelobster/task-cancelled.json') });
    const result = await blueLobster(script).createInstance(createRequest(offer));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.err.code).not.toBe('PROVIDER_UNKNOWN_OUTCOME');
    expect(!result.ok && result.err.message).toMatch(/CANCELLED/);
    expect(script.requestsTo('GET', /tasks/)).toHaveLength(1);
  });

  it('item 5: a queued deletion is accepted but not reported as gone; a later read decides', async () => {
    const script = new ScriptedFetch()
      .on('DELETE', /^\/api\/v1\/instances\/vm-abc123$/, { status: 200, body: real('bluelobster/delete-queued.json') })
      .on('GET', /^\/api\/v1\/instances\/vm-abc123$/, { status: 200, body: real('bluelobster/instance.json') });
    const destroyed = await blueLobster(script).destroyInstance('vm-abc123');
    expect(destroyed).toMatchObject({ ok: true, val: { alreadyGone: false } });
    // Still listed while the deletion task runs: it is present (and may bill), not gone.
    const read = await blueLobster(script).getInstance('vm-abc123');
    expect(read.ok).toBe(true);
  });

  it('the documented instance list and instance are read', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v1\/instances$/, { status: 200, body: real('bluelobster/instances-list.json') });
    const listed = await blueLobster(script).listInstances('');
    expect(listed.ok && listed.val.map((i) => i.providerInstanceId)).toEqual(['vm-abc123']);
  });
});

describe('Vast.ai interruptible rentals against the official CLI and API reference', () => {
  const created = (script: ScriptedFetch) =>
    script.on('PUT', /^\/api\/v0\/asks\/384826\/$/, { status: 200, body: real('vastai/asks-create-success.json') }).on('POST', /^\/api\/v0\/instances\/7835610\/ssh\/$/, { status: 200, body: { success: true } });

  it('the bid search sends the type the CLI sends for `search offers --type bid`', async () => {
    const cli = real('vastai/bundles-bid-query.json') as Record<string, unknown>;
    const script = new ScriptedFetch().on('POST', /^\/api\/v0\/bundles\/$/, { status: 200, body: real('vastai/bundles-post-doc-example.json') });
    const adapter = new VastAiAdapter({ apiKey: 'k'.repeat(64), baseUrl: 'https://vast.test/api/v0', pricing: 'spot', http: { ...FAST_HTTP, fetch: script.fetch }, rateLimit: NO_RATE_LIMIT });
    const result = await adapter.listOffers();
    if (!result.ok) throw result.err;
    const sent = script.requests[0]?.body as Record<string, unknown>;
    expect(sent.type).toBe(cli.type);
    expect(typeof sent.allocated_storage).toBe(typeof cli.allocated_storage);
    // The published example is an on-demand result that also carries min_bid: read from the bid search it is interruptible at that bid.
    expect(result.val[0]).toMatchObject({ id: 'vastai-spot-12345678', interruptible: true, minBidPerHourMicros: 111_111 });
  });

  it('a create with a bid sends the keys the CLI sends for `create instance --bid_price`, the bid as a number in USD per hour', async () => {
    const cli = real('vastai/asks-create-bid-request.json') as Record<string, unknown>;
    const script = created(new ScriptedFetch());
    const offer = buildOffer({ id: 'vastai-spot-384826', providerOfferId: '384826', interruptible: true, minBidPerHourMicros: 50_000, pricePerHourMicros: 50_000 });
    const result = await vast(script).createInstance({ ...createRequest(offer), templateHashId: cli.template_hash_id as string, diskGb: cli.disk as number, bidPricePerHourMicros: 100_000 });
    if (!result.ok) throw result.err;
    expect(result.val.providerInstanceId).toBe('7835610');
    const sent = script.requestsTo('PUT', /asks/)[0]?.body as Record<string, unknown>;
    for (const key of Object.keys(cli)) expect(sent[key]).toEqual(cli[key]);
  });

  it('a bid change sends the reference request and reads its success answer', async () => {
    const reference = real('vastai/change-bid-request.json') as Record<string, unknown>;
    const script = new ScriptedFetch().on('PUT', /^\/api\/v0\/instances\/bid_price\/7835610\/$/, { status: 200, body: real('vastai/change-bid-success.json') });
    const result = await vast(script).changeBid('7835610', 170_000);
    expect(result.ok).toBe(true);
    expect(script.requests[0]?.body).toEqual(reference);
  });
});
