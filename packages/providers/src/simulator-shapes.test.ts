/**
 * The simulator against the real-shape schemas (src/test-support/real-shapes.ts): first the real
 * payloads prove the schemas describe what the vendors send, then the simulator's listing,
 * instance and task answers must match the same schemas. A simulator written from wrong notes
 * fails here even when the adapters happen to agree with it.
 */
import { type z } from 'zod';

import { sessionLabel } from '@gpu-shopper/core';
import { generateSshKeyPair, startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { BlueLobsterAdapter } from './bluelobster/bluelobster-adapter.js';
import { TensorDockAdapter } from './tensordock/tensordock-adapter.js';
import { real } from './test-support/fixtures.js';
import {
  blueLobsterInstanceShape,
  blueLobsterListShape,
  blueLobsterQueuedShape,
  blueLobsterTaskShape,
  tensorDockDeleteShape,
  tensorDockInstanceShape,
  tensorDockListShape,
  vastInstancePageShape,
  vastInstanceReadShape,
  vastNoSuchAskShape,
  vastOffersShape,
  vastRateLimitedShape,
} from './test-support/real-shapes.js';
import { VastAiAdapter } from './vastai/vastai-adapter.js';

function expectShape(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  // The issues, not just `false`, so a drift says which field moved.
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 5)).toEqual([]);
}

describe('the real-shape schemas describe the real payloads', () => {
  it.each([
    ['vastai/instance-ports-list.json', vastInstanceReadShape],
    ['vastai/instances-v1-page1.json', vastInstancePageShape],
    ['vastai/instances-v1-page2.json', vastInstancePageShape],
    ['vastai/asks-no-such-ask-404.json', vastNoSuchAskShape],
    ['vastai/asks-no-such-ask-410.json', vastNoSuchAskShape],
    ['vastai/rate-limited-detail.json', vastRateLimitedShape],
    ['tensordock/instances-list-data-instances.json', tensorDockListShape],
    ['tensordock/instances-list-getting-started.json', tensorDockListShape],
    ['tensordock/instances-list-rich.json', tensorDockListShape],
    ['tensordock/instance-get-flat.json', tensorDockInstanceShape],
    ['tensordock/instance-get-jsonapi.json', tensorDockInstanceShape],
    ['tensordock/delete-success.json', tensorDockDeleteShape],
    ['bluelobster/delete-queued.json', blueLobsterQueuedShape],
    ['bluelobster/launch.json', blueLobsterQueuedShape],
    ['bluelobster/task-cancelled.json', blueLobsterTaskShape],
    ['bluelobster/instance.json', blueLobsterInstanceShape],
    ['bluelobster/instances-list.json', blueLobsterListShape],
  ] as const)('%s', (file, schema) => {
    expectShape(schema, real(file));
  });

  it('rejects the shapes the old notes described (so the simulator check can fail)', () => {
    expect(tensorDockListShape.safeParse({ data: [{ id: 'x', name: 'gpushop-a', status: 'running' }] }).success).toBe(false);
    expect(blueLobsterQueuedShape.safeParse({ status: 'success', message: 'Instance deleted', instance_id: 'x' }).success).toBe(false);
    expect(vastRateLimitedShape.safeParse({ message: 'too many', code: '429 Too Many Requests' }).success).toBe(false);
  });
});

describe('the simulator answers in the real shapes', () => {
  let sim: RunningSimulator;
  const keys = generateSshKeyPair();
  const label = sessionLabel('dep_01JDEPLOY00000000000000000', 'ses_01JSESSION0000000000000001');
  const RATE = { perSecond: 1000, burst: 1000 } as const;
  const http = { minBackoffMs: 1, maxBackoffMs: 5, timeoutMs: 3000, retries: 0 } as const;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, catalogSize: 60, bootDelayMs: 100, keyPropagationMs: 20, blueLobsterDpkgLockMs: 50 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  const get = async (url: string, headers: Record<string, string>, method = 'GET', body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(url, { method, headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };

  it('Vast.ai: offers, a taken offer, an instance read and every page of the v1 listing', async () => {
    const auth = { Authorization: `Bearer ${'v'.repeat(64)}` };
    const adapter = new VastAiAdapter({ apiKey: 'v'.repeat(64), baseUrl: sim.urls.vastai, minReliability: 0, simulated: true, http, rateLimit: RATE });
    const offers = await get(`${sim.urls.vastai}/bundles/`, auth, 'POST', { rentable: { eq: true }, limit: 5 });
    expectShape(vastOffersShape, offers.json);

    const listed = await adapter.listOffers();
    if (!listed.ok) throw listed.err;
    const offer = listed.val[0];
    if (!offer) throw new Error('no Vast offer');
    const created = await adapter.createInstance({ offer, label, sshPublicKey: keys.publicKey, workloadType: 'llm', storagePolicy: 'destroy', templateHashId: null, diskGb: null, onStartScript: null });
    if (!created.ok) throw created.err;
    const id = created.val.providerInstanceId;

    const taken = await get(`${sim.urls.vastai}/asks/${offer.providerOfferId}/`, auth, 'PUT', { client_id: 'me', image: 'x' });
    expect([404, 410]).toContain(taken.status);
    expectShape(vastNoSuchAskShape, taken.json);

    expectShape(vastInstanceReadShape, (await get(`${sim.urls.vastai}/instances/${id}/`, auth)).json);
    const v1 = sim.urls.vastai.replace(/\/v0$/, '/v1');
    const page = await get(`${v1}/instances/?limit=25`, auth);
    expectShape(vastInstancePageShape, page.json);

    await sim.control.injectFault({ vendor: 'vastai', operation: 'listOffers', kind: 'rate_limit', count: 1 });
    expectShape(vastRateLimitedShape, (await get(`${sim.urls.vastai}/bundles/`, auth, 'POST', {})).json);
    await adapter.destroyInstance(id);
  });

  it('Vast.ai: the bid search, a create with a bid and an outbid instance read', async () => {
    const auth = { Authorization: `Bearer ${'v'.repeat(64)}` };
    expectShape(vastOffersShape, (await get(`${sim.urls.vastai}/bundles/`, auth, 'POST', { type: 'bid', limit: 5 })).json);
    const adapter = new VastAiAdapter({ apiKey: 'v'.repeat(64), baseUrl: sim.urls.vastai, minReliability: 0, simulated: true, pricing: 'spot', http, rateLimit: RATE });
    const listed = await adapter.listOffers();
    if (!listed.ok) throw listed.err;
    const offer = listed.val.find((o) => o.interruptible === true && typeof o.minBidPerHourMicros === 'number');
    if (!offer?.minBidPerHourMicros) throw new Error('no Vast spot offer');
    const created = await adapter.createInstance({
      offer, label, sshPublicKey: keys.publicKey, workloadType: 'llm', storagePolicy: 'destroy', templateHashId: null, diskGb: null, onStartScript: null,
      bidPricePerHourMicros: offer.minBidPerHourMicros,
    });
    if (!created.ok) throw created.err;
    const id = created.val.providerInstanceId;
    const deadline = Date.now() + 8000;
    for (;;) {
      const state = await adapter.getInstance(id);
      if (state.ok && state.val.state === 'running') break;
      if (Date.now() > deadline) throw new Error('the bid instance never ran');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await sim.control.outbid('vastai', id)).ok).toBe(true);
    const read = await get(`${sim.urls.vastai}/instances/${id}/`, auth);
    expectShape(vastInstanceReadShape, read.json);
    expect(read.json).toMatchObject({ instances: { actual_status: 'stopped', intended_status: 'running' } });
    await adapter.destroyInstance(id);
  });

  it('TensorDock: the listing in its documented envelopes, an instance read and a delete', async () => {
    const auth = { Authorization: 'Bearer td-api-token' };
    const adapter = new TensorDockAdapter({ authId: 'td-auth', apiToken: 'td-api-token', baseUrl: sim.urls.tensordock, simulated: true, http, rateLimit: RATE, createTimeoutMs: 3000 });
    const listed = await adapter.listOffers();
    if (!listed.ok) throw listed.err;
    const offer = listed.val[0];
    if (!offer) throw new Error('no TensorDock offer');
    const created = await adapter.createInstance({ offer, label, sshPublicKey: keys.publicKey, workloadType: 'llm', storagePolicy: 'destroy', templateHashId: null, diskGb: null, onStartScript: null });
    if (!created.ok) throw created.err;
    const id = created.val.providerInstanceId;

    expectShape(tensorDockListShape, (await get(`${sim.urls.tensordock}/instances`, auth)).json);
    const fault = await sim.control.injectFault({ vendor: 'tensordock', kind: 'alternate_envelope', envelope: 'getting_started' });
    expectShape(tensorDockListShape, (await get(`${sim.urls.tensordock}/instances`, auth)).json);
    await sim.control.clearFaults(fault.id);
    expectShape(tensorDockInstanceShape, (await get(`${sim.urls.tensordock}/instances/${id}`, auth)).json);
    expectShape(tensorDockDeleteShape, (await get(`${sim.urls.tensordock}/instances/${id}`, auth, 'DELETE')).json);
  });

  it('Blue Lobster: launch and task answers, CANCELLED tasks, instance reads and the queued deletion', async () => {
    const auth = { 'X-API-Key': 'bl-api-key' };
    const adapter = new BlueLobsterAdapter({ apiKey: 'bl-api-key', baseUrl: sim.urls.bluelobster, simulated: true, taskPollIntervalMs: 20, taskTimeoutMs: 3000, http, rateLimit: RATE });
    const listed = await adapter.listOffers();
    if (!listed.ok) throw listed.err;
    const offer = listed.val[0];
    if (!offer) throw new Error('no Blue Lobster offer');
    const [, type, region] = offer.id.split(':');
    const launchBody = (name: string) => ({ region, instance_type: type, ssh_key: keys.publicKey.trim(), name });

    // First, while the slot is free (Blue Lobster types have one or two): a cancelled launch uses none.
    await sim.control.injectFault({ vendor: 'bluelobster', kind: 'task_cancelled', count: 1 });
    const cancelled = (await get(`${sim.urls.bluelobster}/instances/launch-instance`, auth, 'POST', launchBody('gpushop-shapes-2'))).json as { task_id: string };
    for (;;) {
      const task = (await get(`${sim.urls.bluelobster}/tasks/${cancelled.task_id}`, auth)).json as { status: string };
      expectShape(blueLobsterTaskShape, task);
      if (task.status === 'CANCELLED') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const launched = await get(`${sim.urls.bluelobster}/instances/launch-instance`, auth, 'POST', launchBody('gpushop-shapes-1'));
    expect(launched.status).toBe(200);
    expectShape(blueLobsterQueuedShape, launched.json);
    const { task_id: taskId, vm_uuid: vmUuid } = launched.json as { task_id: string; vm_uuid: string };
    expectShape(blueLobsterTaskShape, (await get(`${sim.urls.bluelobster}/tasks/${taskId}`, auth)).json);

    expectShape(blueLobsterListShape, (await get(`${sim.urls.bluelobster}/instances`, auth)).json);
    expectShape(blueLobsterInstanceShape, (await get(`${sim.urls.bluelobster}/instances/${vmUuid}`, auth)).json);
    const deleted = await get(`${sim.urls.bluelobster}/instances/${vmUuid}`, auth, 'DELETE');
    expectShape(blueLobsterQueuedShape, deleted.json);
    expectShape(blueLobsterTaskShape, (await get(`${sim.urls.bluelobster}/tasks/${(deleted.json as { task_id: string }).task_id}`, auth)).json);
  });
});
