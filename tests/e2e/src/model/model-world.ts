import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { APIError, GpuShopper, type Session } from '@gpu-shopper/client';
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';
import { rentVastDirectly } from '@gpu-shopper/simulator/testing';
import { runProcess } from '@gpu-shopper/test-support';

import { ADMIN_TOKEN, startServer, type ServerProcess } from '../support/server-process.js';
import { SimulatorControlClient, type SimulatedInstance } from '../support/simulator-control.js';

/** The built CLI, exactly what `gpu-shopper` runs. */
export const CLI_BIN = path.resolve(import.meta.dirname, '../../../../apps/cli/bin/run.js');

const VAST_KEY = 'model-vast-key';
const LIVE = new Set(['pending', 'provisioning', 'running', 'stopped', 'stopping']);
/** The label of an instance another GPU Shopper deployment rented on the same provider account. */
export const OTHER_DEPLOYMENT_LABEL = 'gpushop-dep_01OTHERMODELDEPLOYMENT0000-ses_01OTHERSESSION0000000000000';

/**
 * The ground truth the model-based test acts on: a vendor simulator (Vast.ai), the built server in
 * live mode against it (so the CLI's cleanup-orphans reaches the same vendor with provider keys),
 * and an instance of another deployment on the same account, which nothing may ever destroy.
 */
export class ModelWorld {
  private constructor(
    readonly simulator: RunningSimulator,
    readonly server: ServerProcess,
    readonly admin: GpuShopper,
    readonly control: SimulatorControlClient,
    readonly otherDeploymentInstanceId: string,
    readonly gpus: readonly string[],
    /** The median hourly price of those GPUs' offers: budgets are set in multiples of it. */
    readonly typicalPriceUsd: number,
    /** The GPU types with the most interruptible (spot) offers, and the median minimum bid among them. */
    readonly spotGpus: readonly string[],
    readonly typicalMinBidUsd: number,
    private readonly work: string,
  ) {}

  static async start(seed: number): Promise<ModelWorld> {
    if (!fs.existsSync(CLI_BIN)) throw new Error(`the CLI is not built (${CLI_BIN} is missing): run \`pnpm build\` first`);
    const simulator = await startSimulator({ seed, bootDelayMs: 200, keyPropagationMs: 50, catalogSize: 2000 });
    const work = await mkdtemp(path.join(tmpdir(), 'gpushop-model-'));
    const server = await startServer({
      // Reconciliation every second: an outbid spot instance is noticed (and ended or reprovisioned) within a few steps.
      env: { VASTAI_API_KEY: VAST_KEY, VASTAI_BASE_URL: simulator.urls.vastai, LIFECYCLE_CHECK_INTERVAL: '1s', RECONCILIATION_INTERVAL: '1s', LOG_LEVEL: 'info' },
    });
    const admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 0 });
    const control = new SimulatorControlClient(simulator.urls.control);
    const other = await rentVastDirectly(simulator.urls.vastai, VAST_KEY, OTHER_DEPLOYMENT_LABEL);
    // The GPU types with the most offers, so creates by GPU name rarely find none.
    const { offers } = await admin.inventory.list({ provider: 'vastai', limit: 10_000 });
    const counts = new Map<string, number>();
    for (const offer of offers) counts.set(offer.gpu_type, (counts.get(offer.gpu_type) ?? 0) + 1);
    const gpus = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([gpu]) => gpu);
    const prices = offers.filter((o) => gpus.includes(o.gpu_type)).map((o) => o.price_per_hour).sort((a, b) => a - b);
    const typicalPriceUsd = prices[Math.floor(prices.length / 2)] ?? 0.5;
    const spot = (await admin.inventory.list({ provider: 'vastai', pricing: 'spot', limit: 10_000 })).offers.filter((o) => o.min_bid !== null);
    const spotCounts = new Map<string, number>();
    for (const offer of spot) spotCounts.set(offer.gpu_type, (spotCounts.get(offer.gpu_type) ?? 0) + 1);
    const spotGpus = [...spotCounts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([gpu]) => gpu);
    const bids = spot.filter((o) => spotGpus.includes(o.gpu_type)).map((o) => o.min_bid ?? 0).sort((a, b) => a - b);
    const typicalMinBidUsd = bids[Math.floor(bids.length / 2)] ?? 0.2;
    return new ModelWorld(simulator, server, admin, control, other, gpus, typicalPriceUsd, spotGpus, typicalMinBidUsd, work);
  }

  async stop(): Promise<void> {
    await this.server.dispose();
    await this.simulator.stop();
    await rm(this.work, { recursive: true, force: true });
  }

  /** A client acting with `apiKey`; no retries, so every answer is the server's first. */
  client(apiKey: string): GpuShopper {
    return new GpuShopper({ baseURL: this.server.url, apiKey, maxRetries: 0 });
  }

  async sessionsOf(consumerId: string): Promise<Session[]> {
    const all: Session[] = [];
    for await (const session of this.admin.sessions.list({ consumer_id: consumerId, limit: 500 })) all.push(session);
    return all;
  }

  async allSessions(): Promise<Map<string, Session>> {
    const all = new Map<string, Session>();
    for await (const session of this.admin.sessions.list({ limit: 500 })) all.set(session.id, session);
    return all;
  }

  /** `gpu-shopper cleanup-orphans --execute --force -o json` with the given credential (or no server). */
  async cleanupOrphans(apiKey: string | null): Promise<{ code: number | null; destroyed: string[]; stdout: string; stderr: string }> {
    const args = [CLI_BIN, 'cleanup-orphans', '-p', 'vastai', '--execute', '--force', '-o', 'json', ...(apiKey === null ? ['--no-check-server'] : ['--server', this.server.url])];
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.work, VASTAI_API_KEY: VAST_KEY, VASTAI_BASE_URL: this.simulator.urls.vastai };
    if (apiKey !== null) env.GPU_SHOPPER_API_KEY = apiKey;
    const { code, stdout, stderr } = await runProcess(process.execPath, args, { env, cwd: this.work });
    let parsed: { destroyed: { instance_id: string }[] };
    try {
      parsed = JSON.parse(stdout) as { destroyed: { instance_id: string }[] };
    } catch {
      throw new Error(`cleanup-orphans did not answer JSON (exit ${String(code)}): ${stdout}\n${stderr}`);
    }
    return { code, destroyed: parsed.destroyed.map((d) => d.instance_id), stdout, stderr };
  }

  async instances(): Promise<SimulatedInstance[]> {
    return this.control.instances();
  }

  /** Another tenant outbids a running spot instance (the simulator stops it as Vast does); false when it is not running. */
  async outbid(instanceId: string): Promise<boolean> {
    const res = await fetch(`${this.simulator.urls.control}/_sim/instances/vastai/${encodeURIComponent(instanceId)}/outbid`, { method: 'POST' });
    if (res.status === 404 || res.status === 409) return false;
    if (res.status !== 200) throw new Error(`outbid refused (${res.status}): ${await res.text()}`);
    return true;
  }

  /**
   * The safety invariants that must hold after every step, whatever the sequence:
   * - every instance alive at the vendor with this deployment's label belongs to a live session;
   * - no running session's instance has been destroyed behind its back;
   * - no session holds two instances at once (a reprovision or retry destroys the old one first);
   * - the other deployment's instance is alive.
   * The budget and isolation invariants are the model's (they need to know who did what).
   */
  async checkGroundTruth(deploymentId: string): Promise<string[]> {
    const problems: string[] = [];
    // Sessions, then instances: an instance seen alive after its session was seen ended is a leak.
    const before = await this.allSessions();
    const instances = await this.instances();
    const after = await this.allSessions();
    for (const instance of instances) {
      if (instance.state === 'destroyed') continue;
      if (instance.id === this.otherDeploymentInstanceId) continue;
      const match = /^gpushop-([A-Za-z0-9_]+)-([A-Za-z0-9_]+)$/.exec(instance.label);
      if (!match || match[1] !== deploymentId) continue;
      const session = before.get(match[2] ?? '') ?? after.get(match[2] ?? '');
      if (!session) problems.push(`instance ${instance.id} (${instance.label}) is ${instance.state} with no session`);
      else if (!LIVE.has(session.status) && !LIVE.has(after.get(session.id)?.status ?? '')) {
        problems.push(`instance ${instance.id} is ${instance.state} but its session ${session.id} is ${session.status}`);
      }
    }
    // Never two live instances for one session: an outbid (stopped) instance still exists until destroyed.
    const perLabel = new Map<string, string[]>();
    for (const instance of instances) {
      if (instance.state === 'destroyed' || instance.id === this.otherDeploymentInstanceId) continue;
      perLabel.set(instance.label, [...(perLabel.get(instance.label) ?? []), `${instance.id} (${instance.state})`]);
    }
    for (const [label, ids] of perLabel) if (ids.length > 1) problems.push(`${label} holds ${ids.length} instances at once: ${ids.join(', ')}`);
    // Instances, then sessions: a session still running whose instance is gone was destroyed behind its back.
    const byId = new Map(instances.map((i) => [i.id, i]));
    for (const session of after.values()) {
      // A running spot session with stopped_at set is a recorded preemption: its outbid instance is destroyed on purpose.
      if (session.status !== 'running' || !session.provider_instance_id || session.stopped_at !== null) continue;
      if (byId.get(session.provider_instance_id)?.state === 'destroyed') problems.push(`session ${session.id} is running but its instance ${session.provider_instance_id} was destroyed`);
    }
    const other = byId.get(this.otherDeploymentInstanceId);
    if (!other || other.state === 'destroyed') problems.push(`the other deployment's instance ${this.otherDeploymentInstanceId} was destroyed`);
    return problems;
  }
}

/** The stable code of a refused call, or rethrows anything that is not an API answer. */
export function apiCode(error: unknown): string {
  if (error instanceof APIError && error.status !== undefined) return String(error.code ?? error.status);
  throw error;
}

