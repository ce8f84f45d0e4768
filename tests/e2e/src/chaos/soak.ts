#!/usr/bin/env node
/**
 * `pnpm chaos`: a bounded soak of the built server against the simulator. Consumers provision,
 * extend, finish and delete sessions concurrently while every vendor endpoint misbehaves at random
 * and the server is SIGKILLed and restarted (mid-provision, mid-destroy, at random). Afterwards the
 * faults are cleared, the remaining sessions are finished, the reconciler gets a few passes, and the
 * simulator's ground truth judges: no orphan, nothing lost or duplicated, every destroy explained,
 * ledger equal to the bill to the cent. Exit 1 on any violation, printing the seed to replay it.
 *
 * `--replicas N --database postgres`: N server processes on one throwaway PostgreSQL, consumers
 * spread across them, and the kills hit any replica, the leader included. Right after the leader is
 * killed (and once more when the workload is over, an extra kill of the leader while the sessions
 * consumers left running still run), a few running sessions' reservations are moved to end a second
 * later (in the shared database), so deadlines fall due while no leader lives; the drain leaves those
 * to the leader, and the verdict checks that every deadline that fell due was enforced within the
 * takeover bound.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { APIConnectionError, APIError, GpuShopper } from '@gpu-shopper/client';
import { startSimulator, type FaultSpec, type RunningSimulator } from '@gpu-shopper/simulator';
import { openPostgresStorage, type PostgresStorage } from '@gpu-shopper/storage';
import { startPostgresCluster, type PostgresCluster } from '@gpu-shopper/storage/postgres-cluster';

import { ADMIN_TOKEN, startServer, type ServerProcess } from '../support/server-process.js';
import { Prng } from './prng.js';
import { judge, judgeDeadlines, type SessionFacts } from './verdict.js';

/** The documented leader takeover bound (docs/operations.md): a deadline is enforced at most this late. */
const TAKEOVER_BOUND_MS = 15_000;
/** How long the leader killed after the workload stays down: past its 10 s lease, so another replica leads. */
const LEADER_DOWN_MS = 13_000;
/** Running sessions whose reservation is moved to end right after each leader kill. */
const DEADLINES_PER_LEADER_KILL = 2;

const USAGE = `usage: pnpm chaos [--sessions N] [--consumers N] [--kills N] [--seed N] [--max-minutes N] [--spot-percent N] [--outbid-rate N] [--outbid-running-percent N] [--replicas N --database postgres]
  CI size (default): 40 sessions, 6 consumers, 3 kills; 40 % of sessions spot (Vast.ai, half of them reprovisioning
  when outbid), each running spot instance outbid at random 60 times an hour on average (every minute), and 75 % of
  spot sessions outbid on command once, at a random moment after they reach running. Larger: pnpm chaos --sessions 300 --consumers 16 --kills 6
  Replicas: pnpm chaos --replicas 3 --database postgres (needs PostgreSQL binaries: Debian package postgresql)`;

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '40' },
    consumers: { type: 'string', default: '6' },
    kills: { type: 'string', default: '3' },
    seed: { type: 'string' },
    'max-minutes': { type: 'string', default: '15' },
    replicas: { type: 'string', default: '1' },
    'spot-percent': { type: 'string', default: '40' },
    'outbid-rate': { type: 'string', default: '60' },
    'outbid-running-percent': { type: 'string', default: '75' },
    database: { type: 'string', default: 'sqlite' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`chaos: --${name} must be a non-negative integer, got '${text}'\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
};
const SESSIONS = positive('sessions', args.sessions);
const CONSUMERS = Math.max(1, positive('consumers', args.consumers));
const KILLS = positive('kills', args.kills);
const SEED = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positive('seed', args.seed);
const DEADLINE = Date.now() + positive('max-minutes', args['max-minutes']) * 60_000;
const REPLICAS = Math.max(1, positive('replicas', args.replicas));
/** Share of sessions rented as spot (interruptible, Vast.ai), and how often other tenants outbid each spot instance. */
const SPOT_PERCENT = Math.min(100, positive('spot-percent', args['spot-percent']));
const OUTBID_RATE_PER_HOUR = positive('outbid-rate', args['outbid-rate']);
/** Share of spot sessions outbid on command once they run (random outbids mostly hit instances still coming up). */
const OUTBID_RUNNING_PERCENT = Math.min(100, positive('outbid-running-percent', args['outbid-running-percent']));
if (args.database !== 'sqlite' && args.database !== 'postgres') {
  process.stderr.write(`chaos: --database must be sqlite or postgres, got '${args.database}'\n${USAGE}\n`);
  process.exit(2);
}
if (REPLICAS > 1 && args.database !== 'postgres') {
  process.stderr.write(`chaos: --replicas ${REPLICAS} needs --database postgres (SQLite serves one process)\n${USAGE}\n`);
  process.exit(2);
}
const DATABASE = args.database;

const prng = new Prng(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string) => process.stderr.write(`[chaos ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
const started = Date.now();
/** The simulator of this run (set once it starts): consumers outbid through its control API. */
let simulator: RunningSimulator | undefined;
const sim = (): RunningSimulator => {
  if (!simulator) throw new Error('the simulator is not started');
  return simulator;
};


/** Faults the run draws from: every vendor operation misbehaves in every documented way. */
function randomFault(): FaultSpec {
  const vendor = prng.pick(['vastai', 'tensordock', 'bluelobster'] as const);
  const count = prng.int(1, 3);
  const options: FaultSpec[] = [
    { vendor, operation: prng.pick(['listOffers', 'getInstance', 'listInstances', 'destroyInstance'] as const), kind: 'http_error', status: prng.pick([500, 502, 503]), count },
    { vendor, kind: 'rate_limit', retryAfterSec: 1, count },
    { vendor, kind: 'delay', delayMs: prng.int(200, 2500), count },
    { vendor, operation: prng.pick(['getInstance', 'listInstances', 'destroyInstance'] as const), kind: 'hang', count: 1 },
    { vendor, operation: prng.pick(['listOffers', 'listInstances', 'getInstance'] as const), kind: 'malformed', mode: prng.pick(['truncated', 'html', 'schema_drift'] as const), count },
    { vendor, operation: 'listInstances', kind: 'empty_list_5xx', count },
    { vendor, operation: 'createInstance', kind: 'create_then_fail', mode: prng.pick(['error', 'drop'] as const), count: 1 },
    { vendor, operation: 'destroyInstance', kind: 'destroy_fail', count: prng.int(1, 4) },
    { vendor, kind: 'vanish', afterMs: prng.int(500, 3000), count: 1 },
    { kind: 'ssh_refused', count: prng.int(1, 4) },
    { kind: 'nvidia_smi_fail', mode: 'nvml_mismatch', count: 1 },
    { kind: 'dpkg_locked', count: prng.int(1, 3) },
    // The vendors' real shapes: a taken Vast offer under any of its documented statuses, a
    // cancelled Blue Lobster launch, a queued deletion that never completes, TensorDock's other
    // list envelopes. (Vast's paginated listing is always on.)
    { vendor: 'vastai', operation: 'createInstance', kind: 'stale_offer', status: prng.pick([400, 404, 410] as const), count: 1 },
    { vendor: 'bluelobster', operation: 'createInstance', kind: 'task_cancelled', count: 1 },
    { vendor: 'bluelobster', operation: 'destroyInstance', kind: 'destroy_ignored', count: 1 },
    { vendor: 'tensordock', operation: 'listInstances', kind: 'alternate_envelope', envelope: prng.pick(['flat', 'getting_started'] as const), count },
  ];
  return prng.pick(options);
}

/** Kills and restarts the server, one at a time, up to the planned number. */
async function roleOf(server: ServerProcess): Promise<string> {
  try {
    const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { replica?: { role?: string } }).replica?.role ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

class Killer {
  readonly kills: string[] = [];
  private inFlight = false;
  private lastKillAt = 0;
  private readonly minGapMs = 8000;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly servers: readonly ServerProcess[],
    private planned: number,
    /** Called right after the leader is killed, while no leader lives. */
    private readonly onLeaderKilled: () => Promise<void> = async () => undefined,
  ) {}

  get remaining(): number {
    return this.planned - this.kills.length - (this.inFlight ? 1 : 0);
  }

  /**
   * Kills after `delayMs` (unless a kill is under way, none is left, or the last one was under
   * `minGapMs` ago — kills spread over the run, not bunched at its start), restarts after a pause.
   */
  request(reason: string, delayMs = 0, force = false): void {
    if (this.inFlight || this.remaining <= 0) return;
    if (!force && Date.now() - this.lastKillAt < this.minGapMs) return;
    // Any replica, the leader included (with one server: that one).
    this.kill(reason, delayMs, async () => prng.pick(this.servers), prng.int(300, 1500));
  }

  /**
   * One more kill, of the leader, once the workload is over (replicas only): the sessions consumers
   * left running are still running then, so the deadlines moved after it fall due with no leader.
   */
  async killLeader(reason: string): Promise<void> {
    await this.settled();
    this.planned++;
    // It stays down past the leader lease, so another replica takes over (a replica restarted
    // with its own id at once would take its own lease back).
    this.kill(
      reason,
      0,
      async () => {
        const roles = await Promise.all(this.servers.map(roleOf));
        return this.servers[roles.indexOf('leader')] ?? prng.pick(this.servers);
      },
      LEADER_DOWN_MS,
    );
    await this.settled();
  }

  private kill(reason: string, delayMs: number, pick: () => Promise<ServerProcess>, downMs: number): void {
    this.inFlight = true;
    this.lastKillAt = Date.now();
    this.busy = (async () => {
      await sleep(delayMs);
      const victim = await pick();
      const role = this.servers.length > 1 ? await roleOf(victim) : 'only';
      this.kills.push(this.servers.length > 1 ? `${reason} (replica ${this.servers.indexOf(victim) + 1}, ${role})` : reason);
      log(`SIGKILL #${this.kills.length} (${this.kills[this.kills.length - 1] ?? reason})`);
      await victim.kill();
      if (role === 'leader') await this.onLeaderKilled().catch((error: unknown) => log(`moving deadlines failed: ${error instanceof Error ? error.message : String(error)}`));
      await sleep(downMs);
      await victim.restart();
      log('server restarted');
      this.inFlight = false;
    })();
  }

  settled(): Promise<void> {
    return this.busy;
  }
}

/** Retries a call while the server is down, restarting, or busy with the same idempotent request. */
async function reliably<T>(what: string, call: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + 90_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retriable =
        error instanceof APIConnectionError || (error instanceof APIError && (error.status === 409 || error.status === 429 || (error.status ?? 0) >= 500));
      if (!retriable || Date.now() > giveUpAt) throw error;
      await sleep(Math.min(2000, 100 * attempt));
    }
  }
}

interface Workload {
  readonly answersByKey: Map<string, Set<string>>;
  readonly unanswered: string[];
  readonly refused: Map<string, number>;
  readonly privateKeys: string[];
  readonly actions: Map<string, number>;
}

async function consumer(index: number, client: GpuShopper, gpus: readonly string[], spotGpus: readonly string[], claim: () => number | null, killer: Killer, work: Workload): Promise<void> {
  const count = (action: string) => work.actions.set(action, (work.actions.get(action) ?? 0) + 1);
  for (let n = claim(); n !== null && Date.now() < DEADLINE; n = claim()) {
    const key = `chaos-${SEED}-${n}`;
    // Spot sessions are outbid at random by the simulator: half end then, half reprovision elsewhere.
    const spot = spotGpus.length > 0 && prng.chance(SPOT_PERCENT / 100);
    const gpu = spot ? prng.pick(spotGpus) : prng.pick(gpus);
    // Reprovisioning ones bid up to $5/h, so a comparable spot offer is usually within their maximum.
    const onPreempt = spot ? prng.pick(['end', 'reprovision'] as const) : null;
    const pricing = onPreempt ? { pricing: 'spot' as const, on_preempt: onPreempt, ...(onPreempt === 'reprovision' ? { max_bid: 5 } : {}) } : {};
    let sessionId: string;
    try {
      const created = await reliably('create', () => client.sessions.create({ consumer_id: `chaos-${index}`, gpu, reservation_hours: prng.int(1, 3), ...pricing }, { idempotencyKey: key }));
      sessionId = created.session.id;
      if (created.ssh_private_key) work.privateKeys.push(created.ssh_private_key);
      const seen = work.answersByKey.get(key) ?? new Set<string>();
      seen.add(sessionId);
      work.answersByKey.set(key, seen);
      count(spot ? 'create spot' : 'create');
    } catch (error) {
      if (error instanceof APIError && error.status !== undefined && error.status < 500 && error.status !== 409 && error.status !== 429) {
        const code = `${error.status}`;
        work.refused.set(code, (work.refused.get(code) ?? 0) + 1);
        continue; // no offer for that GPU right now, budget…: nothing was rented
      }
      work.unanswered.push(key);
      log(`create ${key} never answered: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (prng.chance(0.08)) killer.request('mid-provision', prng.int(0, 400));
    // Spot sessions live long enough for outbids to be seen by reconciliation passes (2 s apart).
    if (spot && prng.chance(OUTBID_RUNNING_PERCENT / 100)) await outbidOnceRunning(client, sessionId, work);
    await sleep(spot ? prng.int(3000, 12_000) : prng.int(200, 4000));
    const action = prng.float();
    try {
      if (action < 0.15) {
        count('extend');
        await reliably('extend', () => client.sessions.extend(sessionId, { hours: 1 })).catch(() => undefined);
        await sleep(prng.int(100, 1500));
      }
      if (action < 0.6) {
        count('done');
        await reliably('done', () => client.sessions.done(sessionId));
        if (prng.chance(0.1)) killer.request('mid-destroy', prng.int(0, 200));
      } else if (action < 0.85) {
        count('delete');
        await reliably('delete', () => client.sessions.delete(sessionId));
        if (prng.chance(0.1)) killer.request('mid-destroy', prng.int(0, 200));
      } else {
        count('left running');
      }
    } catch (error) {
      // A 409 for a session that ended on its own (vanished, failed) is expected; note it.
      count(`action refused (${error instanceof APIError ? error.status : 'network'})`);
    }
  }
}

/** Statuses a session cannot leave. */
const ENDED = new Set(['terminated', 'failed']);

/**
 * Another tenant outbids a running spot session's instance, on command and at a random moment
 * after the session reached running: random outbids mostly land while a session is still coming up
 * (its instance runs before its SSH is verified), which ends it whatever its policy, so without
 * these the soak would hardly ever reprovision. Then waits (bounded) until the session has handled
 * it: running again on another instance, or ended.
 */
async function outbidOnceRunning(client: GpuShopper, sessionId: string, work: Workload): Promise<void> {
  const count = (action: string) => work.actions.set(action, (work.actions.get(action) ?? 0) + 1);
  const running = await waitForSession(client, sessionId, (s) => s.status === 'running' || ENDED.has(s.status), 60_000);
  if (running?.status !== 'running' || !running.provider_instance_id) {
    count(`outbid skipped: session ${running?.status ?? 'not running within 60 s'}`);
    return;
  }
  await sleep(prng.int(200, 4000));
  const outbid = await sim().control.outbid('vastai', running.provider_instance_id);
  // Already stopped (a random outbid, a fault) or gone (a kill's recovery, a drain): nothing to add.
  if (!outbid.ok) {
    const state = (await sim().control.instances()).find((i) => i.vendor === 'vastai' && i.id === running.provider_instance_id)?.state ?? 'unknown';
    count(`outbid refused (${outbid.status}, instance ${state})`);
    return;
  }
  count('outbid running (on command)');
  const moved = await waitForSession(
    client,
    sessionId,
    (s) => ENDED.has(s.status) || s.status === 'stopping' || (s.status === 'running' && s.provider_instance_id !== running.provider_instance_id),
    90_000,
  );
  count(moved === undefined ? 'outbid not handled within 90 s' : moved.status === 'running' ? 'running again after outbid' : `${moved.status} after outbid`);
}

/** Reads the session until `done` holds (or `withinMs` passes: undefined); a server down meanwhile is waited out. */
async function waitForSession(client: GpuShopper, sessionId: string, done: (s: SessionFacts) => boolean, withinMs: number): Promise<SessionFacts | undefined> {
  const giveUpAt = Date.now() + withinMs;
  while (Date.now() < giveUpAt) {
    const session = await client.sessions.retrieve(sessionId).catch(() => undefined);
    if (session && done(session)) return session;
    await sleep(500);
  }
  return undefined;
}

async function listAll(client: GpuShopper): Promise<SessionFacts[]> {
  const sessions: SessionFacts[] = [];
  for await (const s of client.sessions.list({ limit: 200 })) sessions.push(s);
  return sessions;
}

async function main(): Promise<number> {
  log(`seed ${SEED}: ${SESSIONS} sessions, ${CONSUMERS} consumers, ${KILLS} kills, ${REPLICAS} replica(s) on ${DATABASE}`);
  const sim: RunningSimulator = await startSimulator({
    seed: SEED,
    bootDelayMs: 300,
    keyPropagationMs: 50,
    blueLobsterDpkgLockMs: 600,
    catalogSize: 120,
    vastOutbidRatePerHour: OUTBID_RATE_PER_HOUR,
  });
  simulator = sim;
  const cluster: PostgresCluster | null = DATABASE === 'postgres' ? await startPostgresCluster() : null;
  const databaseUrl = cluster ? await cluster.createDatabase('chaos') : null;
  const servers: ServerProcess[] = [];
  for (let i = 1; i <= REPLICAS; i++) {
    servers.push(
      await startServer({
        env: {
          SIMULATOR_URL: sim.urls.control,
          LIFECYCLE_CHECK_INTERVAL: '1s',
          RECONCILIATION_INTERVAL: '2s',
          ORPHAN_GRACE_PERIOD: '5s',
          INVENTORY_CACHE_TTL: '5s',
          LOG_LEVEL: 'info',
          ...(databaseUrl ? { DATABASE_URL: databaseUrl, GPU_SHOPPER_ENCRYPTION_KEY: 'c4'.repeat(32), REPLICA_ID: `replica-${i}` } : {}),
        },
      }),
    );
  }
  const server = servers[0] as ServerProcess;
  // The shared database, for moving deadlines (replicas only: the point is a deadline falling due while the leader is dead).
  const deadlineStore: PostgresStorage | null = databaseUrl && REPLICAS > 1 ? await openPostgresStorage({ url: databaseUrl, maxConnections: 2 }) : null;
  /** Sessions whose reservation end was moved, and when. */
  const warped = new Map<string, number>();
  const killer = new Killer(servers, KILLS, async () => {
    if (!deadlineStore) return;
    // Not through the API (a reservation is at least an hour): the row's deadline moves, as time would.
    const moved = await deadlineStore.db.$client.query<{ id: string }>(
      `update sessions set expires_at = now() + interval '1 second'
       where id in (select id from sessions where status = 'running' and expires_at > now() + interval '1 second' order by random() limit $1)
       returning id`,
      [DEADLINES_PER_LEADER_KILL],
    );
    for (const row of moved.rows) warped.set(row.id, Date.now());
    log(`leader dead: ${moved.rows.length} reservations now end in 1 s (${moved.rows.map((r) => r.id).join(', ')})`);
  });
  const faultsInjected = new Map<string, number>();
  const work: Workload = { answersByKey: new Map(), unanswered: [], refused: new Map(), privateKeys: [], actions: new Map() };
  const admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 0, timeout: 20_000 });
  let keepData = false;
  try {
    const health = await admin.health();
    const deploymentId = health.deployment_id;
    const consumerKeys: string[] = [];
    for (let i = 0; i < CONSUMERS; i++) consumerKeys.push((await admin.consumers.create({ id: `chaos-${i}` })).api_key);

    // The GPUs the simulated marketplace rents; each create asks for the cheapest offer of one.
    const gpus = [...new Set((await admin.inventory.list({})).offers.map((o) => o.gpu_type))];
    // Spot GPUs with a few offers each: a GPU with one spot offer leaves a reprovision nowhere to go.
    const spotCounts = new Map<string, number>();
    for (const o of (await admin.inventory.list({ pricing: 'spot' })).offers) spotCounts.set(o.gpu_type, (spotCounts.get(o.gpu_type) ?? 0) + 1);
    const spotGpus = [...spotCounts].filter(([, n]) => n >= 4).map(([gpu]) => gpu);
    // The quota counts sessions created: a create refused for want of an offer does not use it up
    // (bounded, so a marketplace with nothing left cannot spin forever).
    let next = 0;
    const claim = () => (work.answersByKey.size < SESSIONS && next < SESSIONS * 3 ? next++ : null);
    let running = true;
    const faults = (async () => {
      while (running) {
        await sleep(prng.int(300, 1200));
        if (!running) break;
        if (prng.chance(0.12)) {
          await sim.control.clearFaults();
          continue;
        }
        const fault = randomFault();
        await sim.control.injectFault(fault);
        faultsInjected.set(fault.kind, (faultsInjected.get(fault.kind) ?? 0) + 1);
      }
    })();
    const randomKills = (async () => {
      while (running && killer.remaining > 0) {
        await sleep(prng.int(3000, 12_000));
        if (running) killer.request('random moment');
      }
    })();

    // Consumers are spread across the replicas (one each with a single server).
    await Promise.all(
      consumerKeys.map((key, i) => consumer(i, new GpuShopper({ baseURL: (servers[i % servers.length] as ServerProcess).url, apiKey: key, maxRetries: 0, timeout: 20_000 }), gpus, spotGpus, claim, killer, work)),
    );
    running = false;
    await Promise.all([faults, randomKills]);
    // Kills still owed happen now, while the drain destroys: mid-destroy by construction.
    while (killer.remaining > 0) {
      killer.request('during the drain', 0, true);
      await killer.settled();
    }
    await killer.settled();
    if (deadlineStore) await killer.killLeader('deadlines falling due');
    await sim.control.clearFaults();
    log('workload done; faults cleared; finishing every live session');

    // Drain: every consumer finishes what it left running; then the system must settle by itself.
    const settleBy = Date.now() + 180_000;
    for (;;) {
      const live = (await reliably('list', () => listAll(admin))).filter((s) => ['pending', 'provisioning', 'running', 'stopping'].includes(s.status));
      if (live.length === 0) break;
      if (Date.now() > settleBy) {
        log(`${live.length} sessions still live after 3 minutes of drain`);
        break;
      }
      for (const s of live) {
        // A moved deadline is the leader's to enforce: the drain leaves it alone until the bound has passed.
        const movedAt = warped.get(s.id);
        if (movedAt !== undefined && Date.now() < movedAt + 1000 + TAKEOVER_BOUND_MS + 5000) continue;
        if (s.status !== 'stopping') await reliably('done', () => admin.sessions.done(s.id)).catch(() => undefined);
      }
      await sleep(1000);
    }
    await sleep(3 * 2000 + 5000 + 1000); // three reconciliation passes past the orphan grace period

    const listed = await reliably('list', () => listAll(admin));
    const judgedAt = new Date();
    // Sessions whose deadline fell due: when the service decided to stop each, from its event log.
    const sessions = await Promise.all(
      listed.map(async (s) => {
        const dueMs = Math.min(Date.parse(s.expires_at ?? ''), Date.parse(s.hard_max_at ?? ''));
        if (!(dueMs <= judgedAt.getTime())) return s;
        const { events } = await reliably('events', () => admin.sessions.events(s.id));
        const stop = events.find((e) => e.to_status !== null && e.to_status !== e.from_status && ['stopping', 'stopped', 'terminated', 'failed'].includes(e.to_status));
        return { ...s, stop_requested_at: stop?.occurred_at ?? null };
      }),
    );
    // Spot sessions' preemptions and reprovisions, from their event logs.
    const spotLogs = await Promise.all(listed.filter((s) => s.interruptible).map(async (s) => (await reliably('events', () => admin.sessions.events(s.id))).events));
    const spotEvents = spotLogs.map((events) => events.map((e) => e.type));
    const eventsOf = (type: string) => spotEvents.reduce((sum, types) => sum + types.filter((t) => t === type).length, 0);
    // Why a session that would have reprovisioned ended instead (no comparable offer, the budget…).
    const noReprovision = new Map<string, number>();
    for (const e of spotLogs.flat()) {
      const why = /no reprovision: (.*)$/.exec(e.reason)?.[1]?.replace(/\d+(\.\d+)?/g, 'N');
      if (why) noReprovision.set(why, (noReprovision.get(why) ?? 0) + 1);
    }
    const instances = await sim.control.instances();
    const deadlineFacts = { judgedAt, boundMs: TAKEOVER_BOUND_MS };
    const verdict = judge(deploymentId, sessions, instances, { answersByKey: work.answersByKey }, deadlineFacts);
    const deadlines = judgeDeadlines(sessions, deadlineFacts);
    for (const key of work.unanswered) verdict.violations.push(`create with idempotency key ${key} was never answered`);

    // Secrets: nothing the service must keep to itself reaches its logs, and listings carry no key.
    const secrets = [ADMIN_TOKEN, ...consumerKeys, ...work.privateKeys.flatMap((k) => k.split('\n').filter((l) => l.length > 40))];
    const allLogs = servers.flatMap((s) => s.logs);
    const leaks = allLogs.filter((line) => line.includes('PRIVATE KEY') || secrets.some((s) => line.includes(s)));
    if (leaks.length > 0) verdict.violations.push(`${leaks.length} log lines carry a secret, e.g. ${leaks[0]?.slice(0, 200) ?? ''}`);
    if (secrets.slice(1 + consumerKeys.length).some((s) => JSON.stringify(sessions).includes(s))) verdict.violations.push('a session listing carries a private key');

    const entries = servers.flatMap((s) => s.entries());
    const summary = {
      seed: SEED,
      duration_s: Math.round((Date.now() - started) / 1000),
      sessions: sessions.length,
      outcomes: verdict.counts,
      spot_sessions: sessions.filter((s) => s.interruptible).length,
      preemptions: sessions.reduce((sum, s) => sum + (s.preemptions ?? 0), 0),
      preempted_events: eventsOf('preempted'),
      // A reprovision is a preempted session running again on another host (its host_changed event).
      reprovisions: eventsOf('host_changed'),
      reprovisioned_sessions: spotEvents.filter((types) => types.includes('host_changed')).length,
      spot_sessions_ended_preempted: sessions.filter((s) => s.stop_reason === 'preempted').length,
      reprovisions_refused: Object.fromEntries(noReprovision),
      simulator_outbid_instances: instances.filter((i) => i.preemptedAt !== null).length,
      // What outbid instances' stopped disks billed between the outbid and the destroy (part of billed_usd).
      outbid_storage_billed_usd: instances.reduce((sum, i) => sum + i.storageCostMicroUsd, 0) / 1e6,
      outbid_storage_billed_seconds: Math.round(instances.reduce((sum, i) => sum + i.storageBilledSeconds, 0)),
      actions: Object.fromEntries(work.actions),
      refused_creates: Object.fromEntries(work.refused),
      faults_injected: Object.fromEntries(faultsInjected),
      kills: killer.kills,
      orphans_found: entries.filter((e) => e.msg === 'orphan found').length,
      orphans_destroyed: entries.filter((e) => e.msg === 'orphan destroyed').length,
      simulator_instances: instances.length,
      ledger_usd: verdict.ledgerMicros / 1e6,
      billed_usd: verdict.billedMicros / 1e6,
      whole_second_rounding_allowance_usd: verdict.granularityMicros / 1e6,
      vanished_ledger_usd: verdict.vanishedLedgerMicros / 1e6,
      vanished_billed_usd: verdict.vanishedBilledMicros / 1e6,
      outbid_sessions_ledger_usd: verdict.outbidLedgerMicros / 1e6,
      outbid_sessions_billed_usd: verdict.outbidBilledMicros / 1e6,
      replicas: REPLICAS,
      database: DATABASE,
      leader_changes: entries.filter((e) => e.msg === 'became leader').length,
      deadlines_moved_while_leader_dead: warped.size,
      deadlines_due: deadlines.dueDeadlines,
      deadline_worst_lateness_s: deadlines.worstLatenessMs / 1000,
      log_lines: allLogs.length,
      violations: verdict.violations,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (verdict.violations.length > 0) {
      keepData = true;
      for (const [i, s] of servers.entries()) {
        log(`server ${i + 1}'s data and logs are kept in ${s.dataDir}`);
        writeFileSync(join(s.dataDir, 'server.log'), `${s.logs.join('\n')}\n`);
      }
      const replicaArgs = REPLICAS > 1 || DATABASE !== 'sqlite' ? ` --replicas ${REPLICAS} --database ${DATABASE}` : '';
      log(`FAILED with ${verdict.violations.length} violations; replay with: pnpm chaos --seed ${SEED} --sessions ${SESSIONS} --consumers ${CONSUMERS} --kills ${KILLS}${replicaArgs}`);
      return 1;
    }
    log(`passed: ${sessions.length} sessions, ${killer.kills.length} kills, ${[...faultsInjected.values()].reduce((a, b) => a + b, 0)} faults`);
    return 0;
  } finally {
    for (const s of servers) {
      if (keepData) await s.stop();
      else await s.dispose();
    }
    await sim.stop();
    await deadlineStore?.close();
    await cluster?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nseed ${SEED}\n`);
    process.exit(1);
  },
);
