import { buildOffer } from '@gpu-shopper/core/testing';

import { recorded } from '../test-support/fixtures.js';
import { FAST_HTTP, NO_RATE_LIMIT, ScriptedFetch, TEST_PUBLIC_KEY } from '../test-support/scripted-fetch.js';
import { isStaleInventoryMessage } from './stale-inventory.js';
import { TensorDockAdapter, parseTensorDockOfferId } from './tensordock-adapter.js';

const AUTH_ID = 'td-auth-id-0123456789';
const TOKEN = 'td-api-token-abcdefghijklmnop';
const OFFER_ID = 'tensordock-1a779525-4c04-4f2c-aa45-58b47d54bb38-geforcertx4090-pcie-24gb';

function adapter(script: ScriptedFetch) {
  return new TensorDockAdapter({
    authId: AUTH_ID,
    apiToken: TOKEN,
    baseUrl: 'https://td.test/api/v2',
    now: () => new Date('2026-02-02T14:00:00.000Z'),
    http: { ...FAST_HTTP, fetch: script.fetch },
    rateLimit: NO_RATE_LIMIT,
  });
}

const createRequest = (offerId = OFFER_ID, onStartScript: string | null = null) => ({
  offer: buildOffer({ id: offerId, provider: 'tensordock', providerOfferId: '1a779525-4c04-4f2c-aa45-58b47d54bb38' }),
  label: 'gpushop-dep_A-ses_B',
  sshPublicKey: TEST_PUBLIC_KEY,
  workloadType: 'llm' as const,
  storagePolicy: 'destroy' as const,
  templateHashId: null,
  diskGb: 500,
  onStartScript,
});

describe('TensorDock adapter (recorded payloads)', () => {
  it('case 6: maps locations × GPUs to offers and authenticates the catalogue with the Bearer token and the legacy query parameters', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v2\/locations$/, { status: 200, body: recorded('tensordock/locations.json') });
    const result = await adapter(script).listOffers();
    if (!result.ok) throw result.err;
    expect(result.val[0]).toMatchObject({
      id: 'tensordock-abc12345-1234-1234-1234-123456789abc-geforcertx4090-pcie-24gb',
      provider: 'tensordock',
      providerOfferId: 'abc12345-1234-1234-1234-123456789abc',
      gpuType: 'RTX 4090',
      vramGbPerGpu: 24,
      location: 'Chicago, Illinois, United States',
      reliability: 1,
    });
    const request = script.requests[0];
    expect(request?.url.searchParams.get('api_key')).toBe(AUTH_ID);
    expect(request?.url.searchParams.get('api_token')).toBe(TOKEN);
    expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('Q-T9: prices the fixed VM all-in (GPU + 8 vCPU + 32 GB RAM + 100 GB disk)', async () => {
    const script = new ScriptedFetch().on('GET', /locations/, { status: 200, body: recorded('tensordock/locations.json') });
    const result = await adapter(script).listOffers();
    // 0.40 + 8×0.004 + 32×0.002 + 100×0.00007 = 0.503
    expect(result.ok && result.val[0]?.pricePerHourMicros).toBe(503_000);
  });

  it('Q-T10: an offer is one GPU (what a create rents), not max_count', async () => {
    const script = new ScriptedFetch().on('GET', /locations/, { status: 200, body: recorded('tensordock/locations.json') });
    const result = await adapter(script).listOffers();
    expect(result.ok && result.val.map((o) => o.gpuCount)).toEqual([1, 1]);
  });

  it('Q-T12 / Q-T13: clamps tier 4 to reliability 1, reads raw v0 display names, dedupes location parts', async () => {
    const script = new ScriptedFetch().on('GET', /locations/, { status: 200, body: recorded('tensordock/locations.json') });
    const result = await adapter(script).listOffers();
    expect(result.ok && result.val[1]).toMatchObject({ gpuType: 'A40', gpuKnown: true, vramGbPerGpu: 48, reliability: 1, location: 'Texas, United States' });
  });

  it('case 6 edge cases: a null catalogue is empty; broken JSON is a schema error', async () => {
    const empty = new ScriptedFetch().on('GET', /locations/, { status: 200, body: { data: { locations: null } } });
    expect(await adapter(empty).listOffers()).toEqual({ ok: true, val: [] });
    const broken = new ScriptedFetch().on('GET', /locations/, { status: 200, body: '{invalid' });
    const result = await adapter(broken).listOffers();
    expect(!result.ok && result.err.code).toBe('PROVIDER_SCHEMA_MISMATCH');
  });

  it('case 7 / Q-T3 / Q-T5: create sends the JSON:API body with a dedicated IP and installs the key for root and user', async () => {
    const script = new ScriptedFetch().on('POST', /^\/api\/v2\/instances$/, { status: 201, body: recorded('tensordock/create-success.json') });
    const result = await adapter(script).createInstance(createRequest());
    expect(result).toEqual({ ok: true, val: { providerInstanceId: 'new-vm-uuid', ssh: null, pricePerHourMicros: 420_000, requestSentAt: expect.any(Date) } });

    const request = script.requests[0];
    expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    const body = request?.body as { data: { type: string; attributes: Record<string, unknown> & { cloud_init: { runcmd: string[] } } } };
    expect(body.data.type).toBe('virtualmachine');
    expect(body.data.attributes).toMatchObject({
      type: 'virtualmachine',
      name: 'gpushop-dep_A-ses_B',
      image: 'ubuntu2204',
      location_id: '1a779525-4c04-4f2c-aa45-58b47d54bb38',
      resources: { vcpu_count: 8, ram_gb: 32, storage_gb: 100, gpus: { 'geforcertx4090-pcie-24gb': { count: 1 } } },
      useDedicatedIp: true,
      ssh_key: TEST_PUBLIC_KEY,
    });
    expect(body.data.attributes).not.toHaveProperty('port_forwards');
    const runcmd = body.data.attributes.cloud_init.runcmd;
    expect(runcmd).toHaveLength(16);
    expect(runcmd[0]).toContain('mkdir -p /root/.ssh');
    expect(runcmd[2]).toBe(`echo '${TEST_PUBLIC_KEY}' > /root/.ssh/authorized_keys`);
    expect(runcmd[8]).toBe(`echo '${TEST_PUBLIC_KEY}' > /home/user/.ssh/authorized_keys`);
  });

  it('Q-T16: the start script runs last, after the key and driver steps', async () => {
    const script = new ScriptedFetch().on('POST', /instances/, { status: 201, body: recorded('tensordock/create-success.json') });
    await adapter(script).createInstance(createRequest(OFFER_ID, 'curl -fsSL https://ollama.com/install.sh | sh'));
    const runcmd = (script.requests[0]?.body as { data: { attributes: { cloud_init: { runcmd: string[] } } } }).data.attributes.cloud_init.runcmd;
    expect(runcmd).toHaveLength(17);
    expect(runcmd[16]).toContain('ollama');
  });

  it('Q-T15: offer id variants give a validation error and send nothing', async () => {
    const script = new ScriptedFetch();
    for (const offerId of ['tensordock-short', 'vastai-123', '1a779525-4c04-4f2c-aa45-58b47d54bb38']) {
      const result = await adapter(script).createInstance(createRequest(offerId));
      expect(!result.ok && result.err.code).toBe('PROVIDER_INVALID_REQUEST');
    }
    expect(parseTensorDockOfferId('1a779525-4c04-4f2c-aa45-58b47d54bb38')).toEqual({ error: expect.stringContaining('bare location id') });
    expect(parseTensorDockOfferId(OFFER_ID)).toEqual({ locationId: '1a779525-4c04-4f2c-aa45-58b47d54bb38', gpuName: 'geforcertx4090-pcie-24gb' });
    expect(script.requests).toHaveLength(0);
  });

  describe('case 8 / Q-T2 / §3.2: create errors', () => {
    test.each([
      ['tensordock/create-no-nodes.json', 200, 'PROVIDER_OFFER_UNAVAILABLE'],
      ['tensordock/create-no-public-ip.json', 200, 'PROVIDER_OFFER_UNAVAILABLE'],
      ['tensordock/create-internal-error.json', 200, 'PROVIDER_INVALID_REQUEST'],
      ['tensordock/create-validation-error.json', 400, 'PROVIDER_INVALID_REQUEST'],
      ['tensordock/create-empty-id.json', 200, 'PROVIDER_UNKNOWN_OUTCOME'],
    ])('%s (HTTP %i) → %s', async (fixture, status, code) => {
      const script = new ScriptedFetch().on('POST', /instances/, { status, body: recorded(fixture) });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.code).toBe(code);
      expect(script.requests).toHaveLength(1);
    });

    it('Q-T4: the port-forwarding rejection keeps its message so the cause is visible', async () => {
      const script = new ScriptedFetch().on('POST', /instances/, { status: 400, body: recorded('tensordock/create-validation-error.json') });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.message).toContain('SSH port (22) must be forwarded for Ubuntu VMs');
    });

    it('stale wording in a non-2xx body is a stale offer too', async () => {
      const script = new ScriptedFetch().on('POST', /instances/, { status: 409, body: { error: 'GPU is not available at this location' } });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.code).toBe('PROVIDER_OFFER_UNAVAILABLE');
    });

    it('Q-T14: one intermittent 401 on create is retried once; a timeout is an unknown outcome', async () => {
      const flaky = new ScriptedFetch().on('POST', /instances/, { status: 401, body: 'Unauthorized' }, { status: 201, body: recorded('tensordock/create-success.json') });
      const adapterWithFastRetry = adapter(flaky);
      const result = await adapterWithFastRetry.createInstance(createRequest());
      expect(result.ok).toBe(true);
      expect(flaky.requests).toHaveLength(2);

      const hanging = new ScriptedFetch().on('POST', /instances/, { status: 0, networkError: 'UND_ERR_HEADERS_TIMEOUT' });
      const timedOut = await adapter(hanging).createInstance(createRequest());
      expect(!timedOut.ok && timedOut.err.code).toBe('PROVIDER_UNKNOWN_OUTCOME');
    });
  });

  describe('case 9: status and list envelopes', () => {
    it('reads SSH from the port forward of port 22, as `user`', async () => {
      const script = new ScriptedFetch().on('GET', /^\/api\/v2\/instances\/468b/, { status: 200, body: recorded('tensordock/instance-running.json') });
      const result = await adapter(script).getInstance('468b716a-6747-4cbe-9f13-afc153a21c14');
      expect(result.ok && result.val).toMatchObject({
        state: 'running',
        label: 'gpushop-dep_A-ses_B',
        ssh: { host: '174.94.145.71', port: 20456, user: 'user' },
        pricePerHourMicros: 272_999,
      });
    });

    it('uses port 22 with a dedicated IP and no forwards; no SSH while creating; 404 is not found', async () => {
      const noForwards = new ScriptedFetch().on('GET', /instances\/468b/, { status: 200, body: recorded('tensordock/instance-no-forwards.json') });
      const running = await adapter(noForwards).getInstance('468b716a-6747-4cbe-9f13-afc153a21c14');
      expect(running.ok && running.val.ssh?.port).toBe(22);
      const creating = new ScriptedFetch().on('GET', /instances\/468b/, { status: 200, body: recorded('tensordock/instance-creating.json') });
      const early = await adapter(creating).getInstance('468b716a-6747-4cbe-9f13-afc153a21c14');
      expect(early.ok && early.val).toMatchObject({ state: 'creating', ssh: null });
      const missing = new ScriptedFetch().on('GET', /instances\/468b/, { status: 404, body: { error: 'not found' } });
      const gone = await adapter(missing).getInstance('468b716a-6747-4cbe-9f13-afc153a21c14');
      expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
    });

    it('Q-T8: accepts both list envelopes', async () => {
      for (const fixture of ['tensordock/instances-list-array.json', 'tensordock/instances-list-nested.json']) {
        const script = new ScriptedFetch().on('GET', /^\/api\/v2\/instances$/, { status: 200, body: recorded(fixture) });
        const result = await adapter(script).listInstances('gpushop-');
        expect(result.ok && result.val.map((i) => [i.providerInstanceId, i.label, i.pricePerHourMicros])).toEqual([['inst-001', 'gpushop-dep_A-ses_B', 450_000]]);
      }
    });

    it('Q-T11: a failing listing is an error, never an empty list', async () => {
      for (const status of [500, 404, 503]) {
        const script = new ScriptedFetch().on('GET', /^\/api\/v2\/instances$/, { status, body: status === 404 ? {} : '<html>error</html>' });
        const result = await adapter(script).listInstances('gpushop-');
        expect(result.ok).toBe(false);
      }
    });

    it('destroy: 404 and 204 are success', async () => {
      for (const status of [404, 204, 200]) {
        const script = new ScriptedFetch().on('DELETE', /instances\/abc/, { status, ...(status === 204 ? {} : { body: {} }) });
        expect((await adapter(script).destroyInstance('abc')).ok).toBe(true);
      }
    });
  });

  it('Q-X9: neither credential appears in an error message', async () => {
    const script = new ScriptedFetch().on('GET', /locations/, { status: 400, body: `bad request for ?api_key=${AUTH_ID}&api_token=${TOKEN}` });
    const result = await adapter(script).listOffers();
    expect(result.ok).toBe(false);
    const message = !result.ok ? result.err.message : '';
    expect(message).not.toContain(AUTH_ID);
    expect(message).not.toContain(TOKEN);
  });
});

describe('§3.2 stale-inventory phrases', () => {
  test.each(['No available nodes found', 'No available public IPs on hostnode', 'GPU is not available', 'Sold out', 'Quota exceeded'])('%p is stale', (message) => {
    expect(isStaleInventoryMessage(message)).toBe(true);
  });
  test.each(['Invalid image name', 'SSH port required', 'Authentication failed', 'Invalid API key', 'Permission denied', 'Internal server error', 'Rate limit exceeded', 'Validation error', ''])(
    '%p is not stale',
    (message) => {
      expect(isStaleInventoryMessage(message)).toBe(false);
    },
  );
});
