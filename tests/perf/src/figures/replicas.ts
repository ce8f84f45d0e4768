import { startSimulator } from '@gpu-shopper/simulator';
import { type PostgresCluster } from '@gpu-shopper/storage/postgres-cluster';

import { ADMIN_TOKEN, makeDataDir, startServer, type BenchServer } from '../support/processes.js';
import { round, sleep, spread } from '../support/stats.js';
import { type FigureOutcome } from './measure.js';

/** Creations per configuration: half on Vast, half on TensorDock. */
const CREATIONS = 100;
const REPLICA_COUNTS = [1, 3] as const;
/** The same simulated boot as figure 6, so the two read alike. */
const BOOT_DELAY_MS = 1000;
const KEY_PROPAGATION_MS = 300;
const GIVE_UP_MS = 180_000;
const AUTH = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

interface Run {
  readonly replicas: number;
  readonly allRunningMs: number;
  readonly perSecond: number;
  readonly answerMs: { min: number; median: number; max: number; n: number };
  readonly createdPerReplica: number[];
  readonly refusals: string[];
  readonly statuses: Record<string, number>;
  /** Vendor calls during the run by vendor and operation (the simulator's request journal). */
  readonly vendorCalls: Record<string, number>;
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: AUTH });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function sessionsOf(server: BenchServer, consumer: string): Promise<{ id: string; status: string }[]> {
  const out: { id: string; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', consumer_id: consumer, ...(cursor ? { cursor } : {}) });
    const page: { sessions: { id: string; status: string }[]; next_cursor: string | null } = await json(`${server.url}/api/v1/sessions?${query.toString()}`);
    out.push(...page.sessions);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/**
 * `replicas` built server processes on one fresh PostgreSQL database and one simulated vendor
 * account; CREATIONS concurrent `POST /api/v1/sessions` spread round-robin over them (each replica
 * runs the sagas of the requests it answered, every replica spends the vendors' budgets shared in
 * the database); the time until all of them are `running`, read through the first replica.
 */
async function oneConfiguration(cluster: PostgresCluster, replicas: number): Promise<Run> {
  const sim = await startSimulator({ seed: 20 + replicas, catalogSize: 3_000, bootDelayMs: BOOT_DELAY_MS, keyPropagationMs: KEY_PROPAGATION_MS });
  const servers: BenchServer[] = [];
  try {
    const databaseUrl = await cluster.createDatabase(`throughput${replicas}`);
    const start = async (i: number) =>
      startServer({
        dataDir: await makeDataDir(),
        env: { SIMULATOR_URL: sim.urls.control, DATABASE_URL: databaseUrl, GPU_SHOPPER_ENCRYPTION_KEY: 'ab'.repeat(32), REPLICA_ID: `bench-replica-${i}`, INVENTORY_CACHE_TTL: '1h' },
      });
    // The first alone (it migrates the database and leads), then the others together.
    servers.push(await start(0));
    servers.push(...(await Promise.all(Array.from({ length: replicas - 1 }, (_, i) => start(i + 1)))));
    const [first] = servers as [BenchServer];
    const consumer = 'bench-replicas';
    await json(`${first.url}/api/v1/consumers`, { method: 'POST', body: JSON.stringify({ id: consumer, name: 'Replica throughput' }) });
    const { offers } = await json<{ offers: { id: string; provider: string; gpu_count: number }[] }>(`${first.url}/api/v1/inventory`);
    const byProvider = ['vastai', 'tensordock'].map((p) => offers.filter((o) => o.provider === p && o.gpu_count === 1));
    const chosen: string[] = [];
    for (let i = 0; chosen.length < CREATIONS; i++) {
      const offer = byProvider[i % 2]?.[Math.floor(i / 2)];
      if (!offer) throw new Error(`only ${chosen.length} single-GPU Vast/TensorDock offers, ${CREATIONS} needed`);
      chosen.push(offer.id);
    }

    const journalStart = new Date();
    const t0 = performance.now();
    const answers = await Promise.all(
      chosen.map(async (offerId, i) => {
        const server = servers[i % servers.length] as BenchServer;
        const begin = performance.now();
        const res = await fetch(`${server.url}/api/v1/sessions`, { method: 'POST', headers: AUTH, body: JSON.stringify({ consumer_id: consumer, offer_id: offerId, reservation_hours: 1 }) }).catch((error: unknown) => error as Error);
        if (res instanceof Error) return { replica: i % servers.length, ms: performance.now() - begin, ok: false, error: res.message };
        const text = await res.text();
        return { replica: i % servers.length, ms: performance.now() - begin, ok: res.ok, error: res.ok ? null : `${res.status}: ${text.slice(0, 200)}` };
      }),
    );
    const created = answers.filter((a) => a.ok);
    const runningAt = new Map<string, number>();
    let statuses: Record<string, number> = {};
    for (;;) {
      const sessions = await sessionsOf(first, consumer);
      const now = performance.now() - t0;
      statuses = {};
      for (const s of sessions) {
        statuses[s.status] = (statuses[s.status] ?? 0) + 1;
        if (s.status === 'running' && !runningAt.has(s.id)) runningAt.set(s.id, now);
      }
      if (sessions.every((s) => s.status !== 'pending' && s.status !== 'provisioning') || now > GIVE_UP_MS) break;
      await sleep(500);
    }
    if (runningAt.size !== created.length || created.length !== CREATIONS) {
      throw new Error(`${replicas} replica(s): ${created.length}/${CREATIONS} created, ${runningAt.size} running after ${round((performance.now() - t0) / 1000, 0)} s: ${JSON.stringify(statuses)}`);
    }
    const allRunningMs = Math.max(...runningAt.values());
    const vendorCalls: Record<string, number> = {};
    for (const r of (await sim.control.requests()).filter((j) => new Date(j.at) >= journalStart && new Date(j.at).getTime() <= journalStart.getTime() + allRunningMs)) {
      const key = `${r.vendor}.${r.operation ?? 'other'}`;
      vendorCalls[key] = (vendorCalls[key] ?? 0) + 1;
    }
    return {
      replicas,
      allRunningMs: round(allRunningMs, 0),
      perSecond: round(CREATIONS / (allRunningMs / 1000), 2),
      answerMs: spread(answers.map((a) => a.ms), 1),
      createdPerReplica: servers.map((_, r) => created.filter((a) => a.replica === r).length),
      refusals: answers.filter((a) => !a.ok).map((a) => a.error ?? '').slice(0, 5),
      statuses,
      vendorCalls,
    };
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await sim.stop();
  }
}

/**
 * Figure 9: provisioning throughput with 3 replicas over 1 replica, each on one PostgreSQL. The
 * vendors' rate budgets are shared through the database, so three replicas cannot rent faster than
 * the vendors allow; what the figure shows is that spreading the requests and sagas over replicas
 * costs no throughput (and what the server-side work would gain if it were the limit).
 */
export async function replicaThroughput(cluster: PostgresCluster): Promise<FigureOutcome> {
  const runs: Run[] = [];
  for (const replicas of REPLICA_COUNTS) runs.push(await oneConfiguration(cluster, replicas));
  const [one, three] = runs as [Run, Run];
  const ratio = round(three.perSecond / one.perSecond, 2);
  return {
    value: ratio,
    goalMet: null,
    details: { creations: CREATIONS, bootDelayMs: BOOT_DELAY_MS, keyPropagationMs: KEY_PROPAGATION_MS, runs },
    notes: [
      ...runs.map((r) => `${r.replicas} replica(s): ${CREATIONS} creations all running after ${round(r.allRunningMs / 1000, 1)} s (${r.perSecond}/s; requests answered in ${r.answerMs.median} ms median, ${r.answerMs.max} ms max; created per replica ${r.createdPerReplica.join('/')}); vendor calls until then ${JSON.stringify(r.vendorCalls)}`),
      'half Vast, half TensorDock, spread round-robin over the replicas; both configurations are bound by the same vendor rate budgets (shared through PostgreSQL), so ≈ 1 means replicas cost no throughput',
    ],
  };
}
