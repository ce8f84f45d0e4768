import { SharedTokenBucket, type RateLimiter } from '@gpu-shopper/providers';
import { openPostgresStorage, PostgresRateBudgetStore, type PostgresStorage } from '@gpu-shopper/storage';
import { describeWithPostgres, startPostgresCluster, type PostgresCluster } from '@gpu-shopper/storage/testing';
import { waitFor } from '@gpu-shopper/test-support';

/**
 * One controllable clock for both replicas: a sleeper wakes only when the test moves the clock past
 * its deadline, so the test can look at the budget at each instant without sleeping for real time.
 */
class FakeTime {
  now = 0;
  private readonly sleepers: { owner: string; until: number; wake: () => void }[] = [];

  sleepFor(owner: string): (ms: number) => Promise<void> {
    return (ms) => new Promise<void>((wake) => this.sleepers.push({ owner, until: this.now + ms, wake }));
  }

  isSleeping(owner: string): boolean {
    return this.sleepers.some((s) => s.owner === owner);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const sleeper of this.sleepers.filter((s) => s.until <= this.now)) {
      this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
      sleeper.wake();
    }
  }
}

describeWithPostgres("replicas share each vendor's call budget (two limiters on one PostgreSQL)", () => {
  let cluster: PostgresCluster;
  let replicas: PostgresStorage[] = [];
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await cluster?.stop();
  });

  it("never lets the two together exceed the vendor's rate, and together they use all of it", async () => {
    const url = await cluster.createDatabase('shared-budget');
    replicas = await Promise.all([openPostgresStorage({ url }), openPostgresStorage({ url })]);
    const time = new FakeTime();
    const rate = { perSecond: 4, burst: 2 }; // Vast's: one token per 250 ms, so each step below refills exactly one
    // quietMs 0: every token is spent the instant it is there (no pause for reads after a create), so the budget can be counted per step.
    const names = ['a', 'b'] as const;
    const limiters: Record<string, RateLimiter> = Object.fromEntries(
      names.map((name, i) => [
        name,
        new SharedTokenBucket({ name: 'vastai', rate, store: new PostgresRateBudgetStore(replicas[i]!.db, { nowMs: () => time.now }), sleep: time.sleepFor(name), quietMs: 0 }),
      ]),
    );
    const perReplica = 9;
    const pending: Record<string, number> = { a: perReplica, b: perReplica };
    const grants: { replica: string; at: number }[] = [];
    const all = names.flatMap((name) =>
      Array.from({ length: perReplica }, (_, i) =>
        limiters[name]!.acquire(undefined, i % 3 === 0 ? 'first' : 'normal').then(() => {
          pending[name]! -= 1;
          grants.push({ replica: name, at: time.now });
        }),
      ),
    );

    // At each instant: once both replicas wait for the clock (or are done), the budget is spent.
    for (let step = 0; grants.length < 2 * perReplica; step++) {
      expect(step).toBeLessThan(100);
      await waitFor(`both replicas waiting for the clock at ${time.now} ms`, () => names.every((n) => pending[n] === 0 || time.isSleeping(n)));
      const allowed = rate.burst + Math.floor((time.now / 1000) * rate.perSecond);
      expect(grants.length).toBeLessThanOrEqual(allowed);
      expect(grants.length).toBe(Math.min(allowed, 2 * perReplica));
      time.advance(250);
    }
    await Promise.all(all);
    // Both replicas were served (one budget, not one replica starving the other).
    expect(new Set(grants.map((g) => g.replica))).toEqual(new Set(['a', 'b']));
    expect(Math.max(...grants.map((g) => g.at))).toBe(((2 * perReplica - rate.burst) / rate.perSecond) * 1000);
  });
});
