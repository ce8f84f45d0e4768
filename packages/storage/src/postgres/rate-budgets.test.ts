import { sql } from 'drizzle-orm';

import { describeWithPostgres } from '../testing/describe-with-postgres.js';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { openPostgresStorage, type PostgresStorage } from './open-postgres-storage.js';
import { PostgresRateBudgetStore } from './repositories/rate-budgets.js';

describeWithPostgres('PostgreSQL rate budgets (the replicas share one per vendor account)', () => {
  let cluster: PostgresCluster;
  let replicas: PostgresStorage[] = [];
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    replicas = [];
  });

  /** Two replicas: two pools on one database, each with its own store, on one controllable clock. */
  async function twoReplicas(): Promise<{ stores: PostgresRateBudgetStore[]; clock: { now: number }; a: PostgresStorage }> {
    const url = await cluster.createDatabase('budgets');
    replicas = await Promise.all([openPostgresStorage({ url }), openPostgresStorage({ url })]);
    const clock = { now: 1_000_000 };
    const stores = replicas.map((r) => new PostgresRateBudgetStore(r.db, { nowMs: () => clock.now }));
    return { stores, clock, a: replicas[0]! };
  }

  /** `perStore` takes from each store at once; answers how many were granted. */
  async function race(stores: PostgresRateBudgetStore[], perStore: number): Promise<{ granted: number; waits: number[] }> {
    const answers = await Promise.all(stores.flatMap((store) => Array.from({ length: perStore }, () => store.take('vastai', { perSecond: 2, burst: 3 }))));
    return { granted: answers.filter((ms) => ms === 0).length, waits: answers.filter((ms) => ms > 0) };
  }

  it('gives racing replicas together no more calls than the burst, then the rate, and says how long to wait', async () => {
    const { stores, clock } = await twoReplicas();
    const start = await race(stores, 40);
    expect(start.granted).toBe(3); // the burst, shared, not 3 per replica
    // Nothing left: a whole token is 500 ms away at 2 per second.
    expect(new Set(start.waits)).toEqual(new Set([500]));

    clock.now += 1000;
    expect((await race(stores, 40)).granted).toBe(2);
    clock.now += 250;
    const quarter = await race(stores, 4);
    expect(quarter.granted).toBe(0);
    expect(new Set(quarter.waits)).toEqual(new Set([250]));
    clock.now += 10_000; // a long idle refills to the burst, never beyond
    expect((await race(stores, 8)).granted).toBe(3);
  });

  it('keeps one budget per name', async () => {
    const { stores } = await twoReplicas();
    const rate = { perSecond: 1, burst: 1 };
    expect(await stores[0]!.take('vastai', rate)).toBe(0);
    expect(await stores[1]!.take('tensordock', rate)).toBe(0);
    expect(await stores[1]!.take('vastai', rate)).toBe(1000);
  });

  it('refuses a rate that is not a rate, and records nothing', async () => {
    const { stores, a } = await twoReplicas();
    await expect(stores[0]!.take('vastai', { perSecond: 0, burst: 3 })).rejects.toThrow(/perSecond > 0 and burst >= 1/);
    await expect(stores[0]!.take('vastai', { perSecond: 2, burst: 0.5 })).rejects.toThrow(RangeError);
    const rows = await a.db.execute(sql`select count(*)::int as n from rate_budgets`);
    expect(rows.rows[0]).toEqual({ n: 0 });
  });

  it('refills from the database clock by default (the store the server wires)', async () => {
    const url = await cluster.createDatabase('budgets-clock');
    replicas = [await openPostgresStorage({ url })];
    const rate = { perSecond: 0.001, burst: 2 }; // one token per 1000 s: nothing refills during the test
    expect(await replicas[0]!.rateBudgets.take('bluelobster', rate)).toBe(0);
    expect(await replicas[0]!.rateBudgets.take('bluelobster', rate)).toBe(0);
    const wait = await replicas[0]!.rateBudgets.take('bluelobster', rate);
    expect(wait).toBeGreaterThan(990_000);
    expect(wait).toBeLessThanOrEqual(1_000_000);
  });
});
