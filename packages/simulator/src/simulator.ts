import { z } from 'zod';

import { generateCatalog, listSimulatedOffers } from './catalog/catalog.js';
import { InstanceWaitTimeoutError, startControlServer, type ClockState, type SimulatorControl } from './control/control-api.js';
import { FaultRegistry } from './faults/fault-registry.js';
import { startVendorServer, RequestJournal, type VendorApi } from './http/vendor-server.js';
import { SimClock } from './internal/clock.js';
import { Prng } from './internal/prng.js';
import { FakeGpuNode } from './node/fake-gpu-node.js';
import { generateSshKeyPair } from './node/ssh-keys.js';
import { World } from './state/world.js';
import { createBlueLobsterApi, blueLobsterStatus } from './vendors/bluelobster.js';
import { type NodeSpec, type VendorDeps } from './vendors/common.js';
import { type SimulatedInstance } from './model.js';
import { createTensorDockApi, tensorDockStatus } from './vendors/tensordock.js';
import { createVastApi, vastStatus } from './vendors/vastai.js';

const optionsSchema = z
  .object({
    seed: z.number().int().default(1),
    catalogSize: z.number().int().min(10).max(10_000).default(300),
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    bootDelayMs: z.number().int().min(0).max(3_600_000).default(1500),
    keyPropagationMs: z.number().int().min(0).max(3_600_000).default(300),
    blueLobsterDpkgLockMs: z.number().int().min(0).max(3_600_000).default(2000),
    vastDefaultLimit: z.number().int().min(1).max(100_000).default(64),
    vastInstallsCreateKey: z.boolean().default(false),
    vastCreditUsd: z.number().min(0).default(100),
    vastOutbidRatePerHour: z.number().min(0).max(3_600_000).default(0),
    benchmarkRunMs: z.number().int().min(1).max(3_600_000).default(600),
    basePort: z.number().int().min(0).max(65_532).default(0),
    acceptedKeys: z.object({ vastai: z.string().min(1).optional(), tensordock: z.string().min(1).optional(), bluelobster: z.string().min(1).optional() }).strict().default({}),
    host: z.literal('127.0.0.1').default('127.0.0.1'),
  })
  .strict();

/** Options of {@link startSimulator}; every field is optional. */
export interface SimulatorOptions {
  /** Seed of the catalogue, instance ids and probabilistic faults. @default 1 */
  readonly seed?: number;
  /** Offers across the three vendors (10–10,000). @default 300 */
  readonly catalogSize?: number;
  /** Added to every vendor response. @default 0 */
  readonly latencyMs?: number;
  /** Create → running on Vast and TensorDock; launch → task COMPLETED on Blue Lobster. @default 1500 */
  readonly bootDelayMs?: number;
  /** Vast: key attach → usable over SSH; TensorDock: running → cloud-init installed the key. @default 300 */
  readonly keyPropagationMs?: number;
  /** Blue Lobster: how long the boot-time dist-upgrade holds the dpkg lock once the VM is up. @default 2000 */
  readonly blueLobsterDpkgLockMs?: number;
  /** Vast `/bundles/` result cap when `q` sets no `limit`. @default 64 */
  readonly vastDefaultLimit?: number;
  /** Whether Vast installs the create body's `ssh_key` (the live API does not do so reliably). @default false */
  readonly vastInstallsCreateKey?: boolean;
  /** Starting Vast account credit for `GET /users/current/`. @default 100 */
  readonly vastCreditUsd?: number;
  /**
   * Other tenants outbidding Vast interruptible instances: expected outbids per running bid instance
   * per hour (a Poisson rate; 0 means only on command, `POST /_sim/instances/vastai/{id}/outbid`). @default 0
   */
  readonly vastOutbidRatePerHour?: number;
  /** How long the emulated benchmark script (`ollama-bench.sh`) runs on a node, start to result. @default 600 */
  readonly benchmarkRunMs?: number;
  /** First port: Vast = basePort, TensorDock +1, Blue Lobster +2, control +3. 0 picks free ports. @default 0 */
  readonly basePort?: number;
  /**
   * The one credential each vendor accepts (Vast's key, TensorDock's token, Blue Lobster's key); any
   * other is refused with the vendor's 401, as a wrong key is live. Unset vendors take any credential.
   * @default {}
   */
  readonly acceptedKeys?: Partial<Record<'vastai' | 'tensordock' | 'bluelobster', string>>;
  /** Only loopback is supported. @default '127.0.0.1' */
  readonly host?: '127.0.0.1';
}

export interface SimulatorUrls {
  /** Vast.ai API base, e.g. `http://127.0.0.1:40001/api/v0`. */
  readonly vastai: string;
  /** TensorDock API base, e.g. `http://127.0.0.1:40002/api/v2`. */
  readonly tensordock: string;
  /** Blue Lobster API base, e.g. `http://127.0.0.1:40003/api/v1`. */
  readonly bluelobster: string;
  /** Control API origin; routes live under `/_sim/`. */
  readonly control: string;
}

export interface RunningSimulator {
  readonly urls: SimulatorUrls;
  readonly control: SimulatorControl;
  /** Closes every server and SSH node. Idempotent. */
  stop(): Promise<void>;
}

export class SimulatorOptionsError extends Error {
  override readonly name = 'SimulatorOptionsError';
}

/** How often instance faults (`vanish`, `instance_stopped`) are checked between requests. */
const TICK_INTERVAL_MS = 100;
/** How often a wait for an instance state looks again (in-process, so cheap). */
const WAIT_POLL_MS = 10;

/**
 * Starts the three vendor fakes, the control API and (per instance, on demand) fake GPU nodes, all
 * on 127.0.0.1. Nothing keeps running after `stop()`.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SimulatorOptionsError(`invalid simulator options: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`);
  }
  const config = parsed.data;
  const catalog = generateCatalog(config.seed, config.catalogSize);
  const faults = new FaultRegistry(config.seed);
  const clock = new SimClock();
  const world = new World(catalog, faults, config.seed, { vastai: vastStatus, tensordock: tensorDockStatus, bluelobster: blueLobsterStatus }, clock.now, config.vastOutbidRatePerHour);
  const journal = new RequestJournal();
  let stopped = false;
  const closers: (() => Promise<void>)[] = [];

  const startNode = async (spec: NodeSpec): Promise<FakeGpuNode> => {
    const node = new FakeGpuNode({
      ...spec,
      hostKey: generateSshKeyPair(`host@${spec.hostname}`).privateKey,
      faults,
      now: world.now,
      rng: new Prng(config.seed, `node:${spec.vendor}:${spec.instanceId}`),
      benchmarkRunMs: config.benchmarkRunMs,
    });
    await node.start();
    if (stopped) await node.close();
    return node;
  };

  const deps: VendorDeps = {
    world,
    faults,
    timings: { bootDelayMs: config.bootDelayMs, keyPropagationMs: config.keyPropagationMs, blueLobsterDpkgLockMs: config.blueLobsterDpkgLockMs },
    startNode,
    vastDefaultLimit: config.vastDefaultLimit,
    vastInstallsCreateKey: config.vastInstallsCreateKey,
    vastCreditUsd: config.vastCreditUsd,
  };
  const blueLobster = createBlueLobsterApi(deps);
  const apis: readonly [VendorApi, number][] = [
    [createVastApi(deps), 0],
    [createTensorDockApi(deps), 1],
    [blueLobster, 2],
  ];

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearInterval(ticker);
    await Promise.all(closers.map((close) => close()));
    await world.closeAllNodes();
  };

  const ticker = setInterval(() => {
    world.tick().catch(() => undefined);
  }, TICK_INTERVAL_MS);
  // The ticker only serves running simulators; it must never keep a process alive.
  ticker.unref();

  try {
    const serverDeps = { world, faults, journal, latencyMs: config.latencyMs, acceptedKeys: config.acceptedKeys };
    const urls: Record<string, string> = {};
    for (const [api, offset] of apis) {
      const server = await startVendorServer(api, serverDeps, config.basePort === 0 ? 0 : config.basePort + offset);
      closers.push(() => server.close());
      urls[api.vendor] = server.url;
    }

    const control: SimulatorControl = {
      injectFault: async (fault) => {
        const active = faults.inject(fault);
        await world.tick();
        return active;
      },
      clearFaults: async (id) => faults.clear(id),
      faults: async () => faults.list(),
      reset: async () => {
        faults.reset();
        journal.clear();
        blueLobster.reset();
        await world.reset();
      },
      instances: async () => {
        await world.tick();
        return world.all().map((record) => world.snapshot(record));
      },
      catalog: async () => {
        const occupancy = world.occupancy();
        return listSimulatedOffers(catalog, {
          vastRented: (id) => occupancy.vast.has(id),
          tensorDockAvailable: (locationId, v0Name) => {
            const gpu = catalog.tensordock.find((l) => l.id === locationId)?.gpus.find((g) => g.v0Name === v0Name);
            return (gpu?.capacity ?? 0) - (occupancy.tensordock.get(`${locationId}/${v0Name}`) ?? 0);
          },
          blueLobsterSlotsLeft: (typeName, region) => {
            const type = catalog.bluelobster.find((t) => t.name === typeName);
            return (type?.slots[region] ?? 0) - (occupancy.bluelobster.get(`${typeName}/${region}`) ?? 0);
          },
        });
      },
      requests: async () => journal.list(),
      outbid: async (vendor, id) => {
        await world.tick();
        const record = world.get(vendor, id);
        if (!record) return { ok: false, status: 404, message: `no ${vendor} instance ${id}` };
        if (!(await world.outbid(record))) {
          return { ok: false, status: 409, message: `${vendor} instance ${id} is not a running interruptible (bid) instance` };
        }
        return { ok: true, instance: world.snapshot(record) };
      },
      clock: async () => clockState(),
      advance: async (ms) => {
        clock.advance(ms);
        await world.tick();
        return clockState();
      },
      holdBoot: async () => world.holdBoot(),
      releaseBoot: async () => world.releaseBoot(),
      waitForInstance: async (wait) => {
        const timeoutMs = Math.min(wait.timeoutMs ?? 10_000, 120_000);
        // Real time, not the simulator's: a test that advances the clock must not shorten its own wait.
        const deadline = Date.now() + timeoutMs;
        const find = (): SimulatedInstance | undefined => {
          const record = world
            .all(wait.vendor)
            .filter((r) => (wait.id === undefined || r.id === wait.id) && (wait.label === undefined || r.label === wait.label))
            .at(-1);
          return record ? world.snapshot(record) : undefined;
        };
        for (;;) {
          await world.tick();
          const instance = find();
          if (instance && wait.states.includes(instance.state)) return instance;
          if (stopped || Date.now() >= deadline) {
            const who = [wait.vendor, wait.id && `id ${wait.id}`, wait.label && `label ${wait.label}`].filter(Boolean).join(' ');
            throw new InstanceWaitTimeoutError(
              `instance ${who} did not reach ${wait.states.join('|')} within ${timeoutMs} ms (${instance ? `it is ${instance.state}` : 'it does not exist'})`,
              instance,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
        }
      },
    };
    const clockState = (): ClockState => ({ now: new Date(clock.now()).toISOString(), advancedMs: clock.advancedMs, bootHeld: world.bootHeld });

    const controlServer = await startControlServer(control, () => ({ ...urls }), config.basePort === 0 ? 0 : config.basePort + 3);
    closers.push(() => controlServer.close());
    const { vastai, tensordock, bluelobster } = urls;
    if (!vastai || !tensordock || !bluelobster) throw new Error('a vendor server did not start');
    return { urls: { vastai, tensordock, bluelobster, control: controlServer.url }, control, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
