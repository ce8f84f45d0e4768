import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CostAccountant, InventoryService, LifecycleManager, Reconciler, SessionTerminator, UlidIdGenerator, systemClock, unwrap, type ProviderInstance, type Repositories } from '@gpu-shopper/core';
import { openPostgresStorage, openStorage, type PostgresStorage } from '@gpu-shopper/storage';
import { type PostgresCluster } from '@gpu-shopper/storage/postgres-cluster';

import { round, spread } from '../support/stats.js';
import { MATCHED_OFFERS, seedSessions, staticAdapter, syntheticCatalogue } from './synthetic.js';

export interface CurvePoint {
  readonly size: number;
  readonly ms: { readonly min: number; readonly median: number; readonly max: number; readonly n: number };
}
export interface Curve {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: { readonly name: string; readonly points: { size: number; value: number; min: number; max: number }[] }[];
  readonly notes: string[];
}

const CATALOGUE_SIZES = [1_000, 10_000, 100_000];
const SESSION_SIZES = [1_000, 10_000, 50_000];
const POSTGRES_SESSION_SIZES = [1_000, 5_000, 20_000];
const PROBE_ENTRY = path.resolve(import.meta.dirname, 'rss-probe.js');

async function timeRounds(rounds: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Inventory query latency vs catalogue size: the uncached path a query takes after every refresh
 * (filter, sort, serialize), over catalogues of 1k/10k/100k offers holding the same 250 matches.
 */
export async function inventoryQueryCurve(): Promise<Curve> {
  const filter = { gpu: 'RTX4090', maxPricePerHourMicros: 2_000_000, sort: 'price' as const };
  const points: Curve['series'][number]['points'] = [];
  const broad: Curve['series'][number]['points'] = [];
  for (const size of CATALOGUE_SIZES) {
    const inventory = new InventoryService({ providers: [staticAdapter(syntheticCatalogue(size), [])], clock: systemClock, cacheTtlMs: 3_600_000, backoffTtlMs: 60_000 });
    const first = await inventory.query(filter);
    if (first.offers.length !== MATCHED_OFFERS) throw new Error(`the synthetic catalogue of ${size} matched ${first.offers.length} offers, not ${MATCHED_OFFERS}`);
    const times = await timeRounds(25, async () => JSON.stringify((await inventory.query(filter)).offers));
    const s = spread(times);
    points.push({ size, value: s.median, min: s.min, max: s.max });
    const all = spread(await timeRounds(5, async () => JSON.stringify((await inventory.query({ sort: 'price' })).offers.length)));
    broad.push({ size, value: all.median, min: all.min, max: all.max });
  }
  return {
    id: 'inventory-query',
    title: 'Inventory query latency vs catalogue size',
    xLabel: 'offers in the catalogue',
    yLabel: 'ms per query (median)',
    series: [
      { name: `gpu=RTX4090 (${MATCHED_OFFERS} matches at every size)`, points },
      { name: 'no filter (every offer matches)', points: broad },
    ],
    notes: [
      `the filtered query's cost should stay flat (${MATCHED_OFFERS} matches at every size); the unfiltered one grows with the catalogue because everything matches`,
      'measured in-process on core InventoryService (filter, sort, JSON.stringify of the matches); a repeated query is then served from the API body cache',
    ],
  };
}

type Points = Curve['series'][number]['points'];

/**
 * Grows one store's live sessions through `sizes` and times, at each size, reconciliation passes
 * and lifecycle ticks over all of them (core's Reconciler and LifecycleManager as the server
 * composes them, one in-process vendor listing every instance). `afterSize` runs at each size.
 */
async function passAndTickCurve(
  repositories: Repositories,
  sizes: readonly number[],
  options: { readonly parallelInserts: number; readonly afterSize?: (size: number) => Promise<void> },
): Promise<{ pass: Points; tick: Points; seeding: string[] }> {
  const ids = new UlidIdGenerator();
  const deploymentId = await repositories.deployment.getOrCreate(ids.next('deployment'), new Date());
  const consumerId = 'bench-growth';
  unwrap(await repositories.consumers.create({ id: consumerId, name: 'Growth curves', createdAt: new Date(), disabledAt: null }));
  const instances: ProviderInstance[] = [];
  const adapter = staticAdapter([], instances);
  const providers = new Map([[adapter.name, adapter]]);
  const terminator = new SessionTerminator({ repositories, providers, clock: systemClock, ids });
  const reconciler = new Reconciler({ repositories, providers, terminator, clock: systemClock, ids, deploymentId, orphanGraceMs: 60_000 });
  const costs = new CostAccountant({ repositories, clock: systemClock, ids });
  const lifecycle = new LifecycleManager({ repositories, terminator, costs, clock: systemClock, ids });
  const tick: Points = [];
  const pass: Points = [];
  const seeding: string[] = [];
  for (const size of sizes) {
    const seedStart = performance.now();
    await seedSessions(repositories, ids, deploymentId, consumerId, size - instances.length, instances, options.parallelInserts);
    seeding.push(`${size.toLocaleString('en-US')}: ${round((performance.now() - seedStart) / 1000, 1)} s to seed`);
    const passes = spread(await timeRounds(size >= 50_000 ? 2 : 3, () => reconciler.pass()));
    pass.push({ size, value: passes.median, min: passes.min, max: passes.max });
    // Every tick accrues each session's cost (one batched ledger write for all of them), so the
    // first tick is already the steady state.
    const ticks = spread(await timeRounds(2, () => lifecycle.tick()));
    tick.push({ size, value: ticks.median, min: ticks.min, max: ticks.max });
    await options.afterSize?.(size);
  }
  return { pass, tick, seeding };
}

const perSession = (points: readonly { size: number; value: number }[]) => points.map((p) => `${p.size.toLocaleString('en-US')}: ${round((p.value / p.size) * 1000, 1)} µs/session`).join(', ');

/**
 * Lifecycle tick and reconciliation pass vs live sessions (1k/10k/50k), on SQLite, with an
 * in-process vendor listing every instance; plus RSS of a fresh process holding the live sessions
 * (as a tick loads them) and of one holding cached offers.
 */
export async function sessionCurves(): Promise<{ passes: Curve; rss: Curve }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpushop-bench-growth-'));
  const dbPath = path.join(dir, 'gpu-shopper.db');
  const storage = openStorage({ path: dbPath });
  try {
    const rssSessions: Points = [];
    const { pass, tick, seeding } = await passAndTickCurve(storage.repositories, SESSION_SIZES, {
      parallelInserts: 1,
      afterSize: async (size) => {
        const rss = await probeRss({ db: dbPath, offers: 0 });
        rssSessions.push({ size, value: rss, min: rss, max: rss });
      },
    });
    const rssOffers: Points = [];
    for (const size of [1_000, 10_000, 100_000]) {
      const rss = await probeRss({ db: null, offers: size });
      rssOffers.push({ size, value: rss, min: rss, max: rss });
    }
    return {
      passes: passAndTickChart('sessions-pass', 'Lifecycle tick and reconciliation pass vs live sessions', pass, tick, [
        'the tick reads the live sessions twice (before its checks, and fresh for the accrual), their ledger high-water marks in one read and writes every accrual line in batched compare-and-set transactions (2,000 lines each); a pass reads a provider\'s live sessions once',
        `SQLite, one in-process vendor listing every instance; ${seeding.join('; ')}`,
      ]),
      rss: {
        id: 'rss',
        title: 'RSS vs cached offers and live sessions',
        xLabel: 'cached offers, or live sessions',
        yLabel: 'RSS in MB (after GC)',
        series: [
          { name: 'cached offers (InventoryService)', points: rssOffers },
          { name: 'live sessions (loaded as a tick does)', points: rssSessions },
        ],
        notes: ['a fresh Node process per point (dist/growth/rss-probe.js) holding only that data, after a full GC; the bare process is the 0 baseline of neither series'],
      },
    };
  } finally {
    storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The tick and pass chart: both series per live session count, with their per-session cost noted. */
function passAndTickChart(id: string, title: string, pass: Points, tick: Points, notes: readonly string[]): Curve {
  return {
    id,
    title,
    xLabel: 'live sessions',
    yLabel: 'ms per pass (median)',
    series: [
      { name: 'reconciliation pass', points: pass },
      { name: 'lifecycle tick', points: tick },
    ],
    notes: [`reconciliation per session: ${perSession(pass)}`, `lifecycle tick per session: ${perSession(tick)}`, ...notes],
  };
}

/**
 * The same tick and pass curve on PostgreSQL: a throwaway cluster (storage's test cluster: initdb
 * on a free loopback port, removed afterwards), at 1k/5k/20k live sessions — smaller than SQLite's
 * 50k because seeding goes through the repository's transactional insert, one round trip each, and
 * the whole suite must stay under ten minutes.
 */
export async function postgresSessionCurve(cluster: PostgresCluster): Promise<Curve> {
  const storage = await openPostgresStorage({ url: await cluster.createDatabase('growth') });
  try {
    const { pass, tick, seeding } = await passAndTickCurve(storage.repositories, POSTGRES_SESSION_SIZES, { parallelInserts: 8 });
    return passAndTickChart('sessions-pass-postgres', 'Lifecycle tick and reconciliation pass vs live sessions (PostgreSQL)', pass, tick, [
      `PostgreSQL ${await serverVersion(storage)} on loopback (a throwaway cluster, default settings), pool of 10; accrual lines batched 500 to a transaction (each session's advisory lock held to commit); sizes 1k/5k/20k keep the suite under ten minutes; ${seeding.join('; ')}`,
    ]);
  } finally {
    await storage.close();
  }
}

async function serverVersion(storage: PostgresStorage): Promise<string> {
  const result = await storage.db.$client.query<{ server_version: string }>('show server_version');
  return result.rows[0]?.server_version ?? 'unknown';
}

async function probeRss(options: { db: string | null; offers: number }): Promise<number> {
  const child = spawn(process.execPath, ['--expose-gc', PROBE_ENTRY, options.db ?? '-', String(options.offers)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the RSS probe exited ${code}: ${err.slice(0, 300)}`);
  return round(Number((JSON.parse(out) as { rssBytes: number }).rssBytes) / 2 ** 20, 1);
}
