import { buildOffer } from '@gpu-shopper/core/testing';

import { recorded } from '../test-support/fixtures.js';
import { FAST_HTTP, NO_RATE_LIMIT, ScriptedFetch, TEST_PUBLIC_KEY } from '../test-support/scripted-fetch.js';
import { BlueLobsterAdapter } from './bluelobster-adapter.js';
import { blueLobsterNameToLabel, labelToBlueLobsterName } from './bluelobster-names.js';

const API_KEY = 'bl-key-0123456789abcdef';
const LABEL = 'gpushop-dep_01JDEPLOY00000000000000000-ses_01JSESSION0000000000000000';

function adapter(script: ScriptedFetch, taskTimeoutMs = 2000) {
  return new BlueLobsterAdapter({
    apiKey: API_KEY,
    baseUrl: 'https://bl.test/api/v1',
    taskPollIntervalMs: 5,
    taskTimeoutMs,
    now: () => new Date('2026-02-02T14:00:00.000Z'),
    http: { ...FAST_HTTP, fetch: script.fetch },
    rateLimit: NO_RATE_LIMIT,
  });
}

const createRequest = (offerId = 'bluelobster:gpu-a100:us-east-1') => ({
  offer: buildOffer({ id: offerId, provider: 'bluelobster', providerOfferId: 'gpu-a100', pricePerHourMicros: 2_500_000 }),
  label: LABEL,
  sshPublicKey: `${TEST_PUBLIC_KEY}\n`,
  workloadType: 'llm' as const,
  storagePolicy: 'destroy' as const,
  templateHashId: null,
  diskGb: null,
  onStartScript: null,
});

function launchScript(...taskResponses: Parameters<ScriptedFetch['on']>[2][]) {
  return new ScriptedFetch()
    .on('POST', /^\/api\/v1\/instances\/launch-instance$/, { status: 200, body: recorded('bluelobster/launch.json') })
    .on('GET', /^\/api\/v1\/tasks\/task-456$/, ...taskResponses)
    .on('GET', /^\/api\/v1\/instances\/inst-123$/, { status: 200, body: recorded('bluelobster/instance.json') });
}

describe('Blue Lobster adapter (recorded payloads)', () => {
  it('case 10 / Q-B1 / Q-B2: launches, polls the task until completed, and reads the VM', async () => {
    const script = launchScript({ status: 200, body: recorded('bluelobster/task-in-progress.json') }, { status: 200, body: recorded('bluelobster/task-completed.json') });
    const result = await adapter(script).createInstance(createRequest());
    expect(result).toEqual({
      ok: true,
      val: { providerInstanceId: 'inst-123', ssh: { host: '1.2.3.4', port: 22, user: 'ubuntu' }, pricePerHourMicros: 2_500_000, requestSentAt: expect.any(Date) },
    });
    const launch = script.requestsTo('POST', /launch-instance/)[0];
    expect(launch?.headers.get('x-api-key')).toBe(API_KEY);
    expect(launch?.body).toMatchObject({
      region: 'us-east-1',
      instance_type: 'gpu-a100',
      username: 'ubuntu',
      ssh_key: TEST_PUBLIC_KEY,
      name: 'gpushop-01JDEPLOY00000000000000000-01JSESSION0000000000000000',
      template_name: 'UBUNTU-22-04-NV',
    });
    expect(script.requestsTo('GET', /tasks/)).toHaveLength(2);
  });

  it('Q-B6: the SSH key is sent without its trailing newline', async () => {
    const script = launchScript({ status: 200, body: recorded('bluelobster/task-completed.json') });
    await adapter(script).createInstance(createRequest());
    expect((script.requestsTo('POST', /launch/)[0]?.body as { ssh_key: string }).ssh_key.endsWith('\n')).toBe(false);
  });

  it('Q-B4 / Q-B5: the label travels in the name, within 64 allowed characters, and reads back exactly', () => {
    const name = labelToBlueLobsterName(LABEL);
    expect(name).toBe('gpushop-01JDEPLOY00000000000000000-01JSESSION0000000000000000');
    expect(name?.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/);
    expect(blueLobsterNameToLabel(name)).toBe(LABEL);
    expect(labelToBlueLobsterName('not-a-label')).toBeUndefined();
  });

  it('Q-B14: a failed task is a provider error carrying its message', async () => {
    const script = launchScript({ status: 200, body: recorded('bluelobster/task-failed.json') });
    const result = await adapter(script).createInstance(createRequest());
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(!result.ok && result.err.message).toContain('Disk resize failed');
  });

  it('Q-B1: a task that never finishes is an unknown outcome (the VM may still appear), never success', async () => {
    const script = launchScript({ status: 200, body: recorded('bluelobster/task-in-progress.json') });
    const result = await adapter(script, 50).createInstance(createRequest());
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNKNOWN_OUTCOME');
    expect(!result.ok && result.err.message).toContain('inst-123');
  });

  it('a failed poll does not fail the launch: polling continues', async () => {
    const script = launchScript({ status: 502, body: 'bad gateway' }, { status: 200, body: recorded('bluelobster/task-completed.json') });
    const result = await adapter(script).createInstance(createRequest());
    expect(result.ok && result.val.providerInstanceId).toBe('inst-123');
  });

  it('case 10 list / Q-B3 / Q-B4: a plain array; labels come from names; null power with an IP is running', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v1\/instances$/, { status: 200, body: recorded('bluelobster/instances-list.json') });
    const ours = await adapter(script).listInstances('gpushop-');
    expect(ours.ok && ours.val).toEqual([
      {
        provider: 'bluelobster',
        providerInstanceId: 'inst-1',
        label: LABEL,
        state: 'running',
        ssh: { host: '1.2.3.4', port: 22, user: 'ubuntu' },
        pricePerHourMicros: 1_000_000,
        startedAt: null,
      },
    ]);
    const all = await adapter(script).listInstances('');
    expect(all.ok && all.val.map((i) => i.label)).toEqual([LABEL, 'other-workload', 'shopper-sess123-deploy-abcdef12']);
  });

  it('case 10 offers / Q-B11 / Q-B12 / Q-B13 / Q-B15: array gpu_model, VRAM from the catalogue, cents, no CPU types', async () => {
    const script = new ScriptedFetch().on('GET', /^\/api\/v1\/instances\/available$/, { status: 200, body: recorded('bluelobster/available.json') });
    const result = await adapter(script).listOffers();
    if (!result.ok) throw result.err;
    expect(result.val.map((o) => o.id)).toEqual(['bluelobster:v1_gpu_1x_a5000:igl', 'bluelobster:v1_gpu_1x_8000:igl']);
    expect(result.val[1]).toMatchObject({ gpuType: 'Quadro RTX 8000', vramGbPerGpu: 48, pricePerHourMicros: 350_000, location: 'Wilmington, DE, USA' });
    expect(result.val[0]).toMatchObject({ gpuType: 'RTX A5000', vramGbPerGpu: 24, pricePerHourMicros: 300_000 });
  });

  it('Q-B19: reliability is unknown (null), not zero', async () => {
    const script = new ScriptedFetch().on('GET', /available/, { status: 200, body: recorded('bluelobster/available.json') });
    const result = await adapter(script).listOffers();
    expect(result.ok && result.val.every((o) => o.reliability === null)).toBe(true);
  });

  describe('case 10 errors / Q-B9 / Q-B10 / Q-B18', () => {
    it('409 no_capacity is an unavailable offer with the vendor message', async () => {
      const script = new ScriptedFetch().on('POST', /launch/, { status: 409, body: recorded('bluelobster/error-no-capacity.json') });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err).toMatchObject({ code: 'PROVIDER_OFFER_UNAVAILABLE', message: expect.stringContaining('no_capacity: No capacity available in igl') });
    });

    it('403 is an auth error with the detail envelope message', async () => {
      const script = new ScriptedFetch().on('GET', /available/, { status: 403, body: recorded('bluelobster/error-forbidden.json') });
      const result = await adapter(script).listOffers();
      expect(!result.ok && result.err).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', message: expect.stringContaining('forbidden: Invalid API key') });
    });

    it('the flat envelope with field errors is rendered', async () => {
      const script = new ScriptedFetch().on('POST', /launch/, { status: 400, body: recorded('bluelobster/error-rate-limited.json') });
      const result = await adapter(script).createInstance(createRequest());
      expect(!result.ok && result.err.message).toContain('rate_limited: Too many requests [name: invalid]');
    });

    it('DELETE 404 is success; a 404 on get is not found', async () => {
      const script = new ScriptedFetch()
        .on('DELETE', /instances\/inst-9/, { status: 404, body: recorded('bluelobster/error-not-found.json') })
        .on('GET', /instances\/inst-9/, { status: 404, body: recorded('bluelobster/error-not-found.json') });
      expect((await adapter(script).destroyInstance('inst-9')).ok).toBe(true);
      const gone = await adapter(script).getInstance('inst-9');
      expect(!gone.ok && gone.err.code).toBe('PROVIDER_NOT_FOUND');
    });
  });

  it('rejects a malformed offer id or key before any request', async () => {
    const script = new ScriptedFetch();
    for (const request of [createRequest('bluelobster:only-two'), createRequest('vastai-1'), { ...createRequest(), sshPublicKey: 'not a key' }]) {
      const result = await adapter(script).createInstance(request);
      expect(!result.ok && result.err.code).toBe('PROVIDER_INVALID_REQUEST');
    }
    expect(script.requests).toHaveLength(0);
  });
});
