import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { GpuShopper } from '@gpu-shopper/client';
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';
import { rentVastDirectly } from '@gpu-shopper/simulator/testing';

import { parseLabel } from './services/cleanup-orphans.js';
import { runCli, type CliResult } from './test-support/run-cli.js';
import { freePort, ServerProcess } from '@gpu-shopper/test-support';

const VAST_KEY = 'fake-vast-key';

/**
 * `cleanup-orphans` talks to the providers directly. One standalone simulator plays the vendors; a
 * server in live mode against it owns one real session; instances made straight at the vendor API
 * play an orphan of that deployment, an instance of another deployment, and a foreign box.
 */
describe('gpu-shopper cleanup-orphans (built binary) against the simulated vendors', () => {
  let sim: RunningSimulator;
  let server: ServerProcess;
  let work: string;
  let providerEnv: Record<string, string>;
  let liveSessionId: string;
  let deploymentId: string;
  let aliceKey: string;
  const ids = { orphan: '', otherDeployment: '', foreign: '', live: '' };

  const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> =>
    runCli(args, { env: { HOME: work, ...providerEnv, ...options.env }, cwd: work, ...(options.input !== undefined ? { input: options.input } : {}) });

  /**
   * Rents a Vast bundle directly at the vendor, with any label, and waits until it runs: the
   * verdicts below show the vendor's status, which is `starting` until the boot is over.
   */
  const rentDirectly = async (label: string): Promise<string> => {
    const id = await rentVastDirectly(sim.urls.vastai, VAST_KEY, label);
    await sim.control.waitForInstance({ vendor: 'vastai', id, states: ['running'], timeoutMs: 30_000 });
    return id;
  };

  const liveStates = async (): Promise<Record<string, string>> => {
    const instances = await sim.control.instances();
    return Object.fromEntries(instances.map((i) => [i.id, i.state]));
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, bootDelayMs: 300 });
    work = await mkdtemp(path.join(tmpdir(), 'gpushop-cli-orphans-'));
    providerEnv = { VASTAI_API_KEY: VAST_KEY, VASTAI_BASE_URL: sim.urls.vastai };
    server = await ServerProcess.start({ env: providerEnv });
    deploymentId = (await server.health()).deployment_id;
    const client = new GpuShopper({ baseURL: server.url, apiKey: null, maxRetries: 0 });
    const { offers } = await client.inventory.list({ provider: 'vastai', sort: 'price' });
    const created = await client.sessions.create({ consumer_id: 'keeper', offer_id: offers[0]?.id ?? '', reservation_hours: 1 });
    liveSessionId = created.session.id;
    const running = await client.sessions.waitUntilRunning(liveSessionId, { timeoutMs: 30_000, pollIntervalMs: 200 });
    ids.live = running.provider_instance_id ?? '';
    ids.orphan = await rentDirectly(`gpushop-${deploymentId}-ses_01ORPHAN0000000000000000000`);
    ids.otherDeployment = await rentDirectly('gpushop-dep_01OTHERDEPLOYMENT000000000-ses_01ELSEWHERE000000000000000');
    ids.foreign = await rentDirectly('my-own-training-box');
    // Another consumer of the same server, with a key of its own: it must not be able to see, let
    // alone destroy, keeper's instance.
    aliceKey = (await client.consumers.create({ id: 'alice' })).api_key;
  });

  afterAll(async () => {
    await server?.dispose();
    await sim?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reads labels the way the server writes them', async () => {
    const instances = await sim.control.instances();
    const label = instances.find((i) => i.id === ids.live)?.label ?? null;
    expect(parseLabel(label)).toEqual({ deploymentId, sessionId: liveSessionId });
    expect(parseLabel('my-own-training-box')).toBeUndefined();
  });

  it('dry run: lists the orphan and the other deployment’s instance with their deployments and what --execute would do, leaves the live session and the foreign box alone, destroys nothing', async () => {
    const result = await cli(['cleanup-orphans', '--server', server.url]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Scanning for orphan instances\.\.\.[\s\S]*as admin[\s\S]*Checking vastai\.\.\.\n {2}Found 3 shopper-managed instances \(and 1 other, left alone\)/);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^PROVIDER\s+INSTANCE ID\s+NAME\s+DEPLOYMENT\s+STATUS\s+PRICE\/HR\s+STARTED\s+VERDICT\s+ON --EXECUTE$/);
    expect(lines[1]).toMatch(/^(-+\s+){8}-+$/);
    const orphanRow = lines.find((l) => new RegExp(`^vastai\\s+${ids.orphan}\\s`).test(l));
    expect(orphanRow).toMatch(new RegExp(`${deploymentId}\\s+running\\s+\\$\\d+\\.\\d{3}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+orphan \\(no such session\\)\\s+destroy$`));
    expect(lines.find((l) => new RegExp(`^vastai\\s+${ids.otherDeployment}\\s`).test(l))).toMatch(/dep_01OTHERDEPLOYMENT000000000\s+running.*other deployment \(another deployment.*\)\s+keep$/);
    expect(result.stdout).not.toMatch(new RegExp(`^vastai\\s+${ids.live}\\s`, 'm'));
    expect(result.stdout).toMatch(/Total: 1 instance to destroy, \$\d+\.\d{3}\/hr combined cost/);
    expect(result.stdout).toContain('Kept: 1 instance of other deployments (another installation on this provider account manages them); --destroy-other-deployments destroys them');
    expect(result.stdout).toContain(`Left alone: 1 instance of live sessions (vastai/${ids.live} → ${liveSessionId})`);
    expect(result.stdout).toContain('Left alone: 1 instance without a GPU Shopper label');
    expect(result.stdout).toContain('This was a dry-run.');
    expect(Object.values(await liveStates()).every((state) => state === 'running')).toBe(true);
  });

  it('works with no server: every labelled instance is unverified and kept, the foreign box left alone (JSON)', async () => {
    const port = await freePort();
    const result = await cli(['cleanup-orphans', '-p', 'vastai', '-o', 'json'], { env: { GPU_SHOPPER_URL: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { dry_run: boolean; instances: { instance_id: string; verdict: string; destroy: boolean }[]; foreign_count: number; server: { checked: boolean } };
    expect(body).toMatchObject({ dry_run: true, foreign_count: 1, server: { checked: false } });
    expect(body.instances.map((i) => i.instance_id).sort()).toEqual([ids.live, ids.orphan, ids.otherDeployment].sort());
    expect(body.instances.every((i) => i.verdict === 'unverified' && !i.destroy)).toBe(true);
    expect(result.stderr).toContain('cannot tell live sessions from orphans');
  });

  it('finding 1: with a consumer key, --execute --force destroys nothing — not another consumer\'s live instance, not the orphan', async () => {
    const result = await cli(['cleanup-orphans', '-p', 'vastai', '--server', server.url, '--execute', '--force', '-o', 'json'], { env: { GPU_SHOPPER_API_KEY: aliceKey } });
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { destroyed: unknown[]; server: { role: string | null }; instances: { instance_id: string; verdict: string; destroy: boolean; reason: string }[] };
    expect(body.destroyed).toEqual([]);
    expect(body.server.role).toBe('consumer');
    expect(body.instances.find((i) => i.instance_id === ids.live)).toMatchObject({ verdict: 'unverified', destroy: false, reason: expect.stringContaining('consumer key') });
    expect(body.instances.find((i) => i.instance_id === ids.orphan)).toMatchObject({ verdict: 'unverified', destroy: false });
    expect(result.stderr).toContain("consumer 'alice's API key");
    expect(Object.values(await liveStates()).every((state) => state === 'running')).toBe(true);
  });

  it('--execute asks for a typed yes after listing exactly what will be destroyed and why: anything else destroys nothing', async () => {
    const result = await cli(['cleanup-orphans', '--server', server.url, '--execute'], { input: 'y\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`WARNING: You are about to destroy 1 instance(s):\n  vastai/${ids.orphan}  gpushop-${deploymentId}-ses_01ORPHAN0000000000000000000  orphan: no such session\nType 'yes' to confirm: `);
    expect(result.stderr).toMatch(/Error: cancelled: nothing was destroyed\. Next: .*--force\.\n$/);
    expect(Object.values(await liveStates()).every((state) => state === 'running')).toBe(true);
  });

  it('--execute with yes destroys the orphan only; the live session, the other deployment and the foreign box keep running', async () => {
    const result = await cli(['cleanup-orphans', '--server', server.url, '--execute'], { input: 'yes\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Destroying vastai/${ids.orphan}... OK`);
    expect(result.stdout).toContain('Cleanup complete: 1 destroyed, 0 failed');
    const states = await liveStates();
    expect(states).toMatchObject({ [ids.orphan]: 'destroyed', [ids.otherDeployment]: 'running', [ids.live]: 'running', [ids.foreign]: 'running' });
  });

  it('--destroy-other-deployments names the other installation\'s instances explicitly', async () => {
    const result = await cli(['cleanup-orphans', '--server', server.url, '--execute', '--force', '--destroy-other-deployments']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Destroying vastai/${ids.otherDeployment}... OK`);
    const states = await liveStates();
    expect(states).toMatchObject({ [ids.otherDeployment]: 'destroyed', [ids.live]: 'running', [ids.foreign]: 'running' });
  });

  it('--execute --force needs no confirmation and reads keys from ./.env; nothing left to do is a clean exit', async () => {
    const orphan = await rentDirectly(`gpushop-${deploymentId}-ses_01SECONDORPHAN00000000000000`);
    await writeFile(path.join(work, '.env'), `VASTAI_API_KEY=${VAST_KEY}\nVASTAI_BASE_URL=${sim.urls.vastai}\n`);
    try {
      const result = await runCli(['cleanup-orphans', '-p', 'vastai', '--execute', '--force', '--server', server.url, '-o', 'json'], { env: { HOME: work }, cwd: work });
      expect(result.code).toBe(0);
      const body = JSON.parse(result.stdout) as { destroyed: { instance_id: string; ok: boolean }[]; error: unknown };
      expect(body).toMatchObject({ destroyed: [{ instance_id: orphan, ok: true }], error: null });
      expect((await liveStates())[orphan]).toBe('destroyed');
      const again = await runCli(['cleanup-orphans', '--server', server.url], { env: { HOME: work }, cwd: work });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^No orphan instances found\./);
    } finally {
      await rm(path.join(work, '.env'), { force: true });
    }
  });

  it('without credentials for the provider asked for: a one-line usage error', async () => {
    const result = await cli(['cleanup-orphans', '-p', 'tensordock']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: no credentials for tensordock\. Next: set VASTAI_API_KEY, TENSORDOCK_AUTH_ID \+ TENSORDOCK_API_TOKEN.*\n$/);
  });
});
