import { type CallRate, type RateBudgetStore } from '@gpu-shopper/core';
import { MemoryLogger } from '@gpu-shopper/core/testing';

import { createProviderAdapters, rateBudgetName } from '../create-provider-adapters.js';
import { SharedTokenBucket, TokenBucket } from './rate-limiter.js';

/** A budget store in memory on a controllable clock: what PostgreSQL's row per vendor does, in one process. */
class FakeBudgetStore implements RateBudgetStore {
  now = 0;
  failing = false;
  readonly takes: { name: string; rate: CallRate }[] = [];
  /** Per budget, how many takes were answered with a wait. */
  readonly waits = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  take(name: string, rate: CallRate): Promise<number> {
    this.takes.push({ name, rate });
    if (this.failing) return Promise.reject(new Error('connection refused'));
    const bucket = this.buckets.get(name) ?? { tokens: rate.burst, at: this.now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + ((this.now - bucket.at) / 1000) * rate.perSecond);
    bucket.at = this.now;
    this.buckets.set(name, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Promise.resolve(0);
    }
    this.waits.set(name, (this.waits.get(name) ?? 0) + 1);
    return Promise.resolve(Math.ceil(((1 - bucket.tokens) / rate.perSecond) * 1000));
  }
}

describe('SharedTokenBucket', () => {
  it('two limiters on one store share the burst and the rate instead of having one each', async () => {
    const store = new FakeBudgetStore();
    const rate = { perSecond: 4, burst: 2 };
    // Each limiter's sleep moves the shared clock, so the two together run at the store's pace.
    const sleep = (ms: number) => ((store.now += ms), new Promise<void>((resolve) => setImmediate(resolve)));
    const limiters = [new SharedTokenBucket({ name: 'vastai', rate, store, sleep }), new SharedTokenBucket({ name: 'vastai', rate, store, sleep })];
    const grantedAt: number[] = [];
    await Promise.all(limiters.flatMap((limiter) => Array.from({ length: 5 }, () => limiter.acquire().then(() => void grantedAt.push(store.now)))));
    expect(grantedAt).toHaveLength(10);
    // Never more than the burst plus what the rate refilled, counted over both limiters.
    for (const at of grantedAt) expect(grantedAt.filter((t) => t <= at).length).toBeLessThanOrEqual(rate.burst + Math.floor((at / 1000) * rate.perSecond));
    expect(grantedAt.filter((t) => t === 0)).toHaveLength(2);
  });

  it('serves calls that change state before queued reads', async () => {
    const store = new FakeBudgetStore();
    const limiter = new SharedTokenBucket({ name: 'vastai', rate: { perSecond: 1, burst: 1 }, store, sleep: (ms) => ((store.now += ms), new Promise((resolve) => setImmediate(resolve))), quietMs: 0 });
    const order: string[] = [];
    const take = (name: string, priority: 'first' | 'normal') => limiter.acquire(undefined, priority).then(() => void order.push(name));
    await Promise.all([take('read 1', 'normal'), take('read 2', 'normal'), take('create 1', 'first')]);
    // The store is asked before the head is chosen, so the create that arrived meanwhile goes first.
    expect(order).toEqual(['create 1', 'read 1', 'read 2']);
  });

  it('keeps reads waiting for the quiet moment after a call that changes state, on the store\'s clock', async () => {
    const store = new FakeBudgetStore();
    const sleep = (ms: number) => ((store.now += ms), new Promise<void>((resolve) => setImmediate(resolve)));
    const limiter = new SharedTokenBucket({ name: 'vastai', rate: { perSecond: 4, burst: 2 }, store, sleep, nowMs: () => store.now, quietMs: 800 });
    await limiter.acquire(undefined, 'first');
    // A token is there at once, but the read waits out the quiet moment.
    await limiter.acquire(undefined, 'normal');
    expect(store.now).toBe(800);
  });

  it('falls back to its own bucket at the same rate while the store is unreachable, and says so once', async () => {
    const store = new FakeBudgetStore();
    store.failing = true;
    const logger = new MemoryLogger();
    let now = 0;
    const sleep = (ms: number) => ((now += ms), new Promise<void>((resolve) => setImmediate(resolve)));
    const fallback = new TokenBucket({ perSecond: 2, burst: 1, nowMs: () => now, sleep });
    const limiter = new SharedTokenBucket({ name: 'tensordock', rate: { perSecond: 2, burst: 1 }, store, sleep, fallback, logger });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(now).toBe(1000); // one at once, then one per 500 ms
    expect(logger.records.filter((r) => r.message.includes('unreachable'))).toHaveLength(1);
    store.failing = false;
    await limiter.acquire();
    expect(logger.records.some((r) => r.message.includes('reachable again'))).toBe(true);
  });

  it('refuses a rate that is not one', () => {
    expect(() => new SharedTokenBucket({ name: 'vastai', rate: { perSecond: 0, burst: 1 }, store: new FakeBudgetStore() })).toThrow(RangeError);
  });
});

describe('createProviderAdapters with a shared budget store', () => {
  it("takes each vendor account's calls from its own budget, at the adapter's rate", async () => {
    const store = new FakeBudgetStore();
    // Nothing listens on port 1: the call fails after the limiter let it through, without retries.
    const [vast, tensordock] = createProviderAdapters(
      { vastai: { apiKey: 'k', baseUrl: 'http://127.0.0.1:1' }, tensordock: { authId: 'a', apiToken: 't', baseUrl: 'http://127.0.0.1:1' } },
      { rateBudgets: store, retries: 0, timeoutMs: 5000 },
    );
    await vast!.listOffers();
    await tensordock!.listOffers();
    expect(store.takes.some((t) => t.name === rateBudgetName('vastai', 'k') && t.rate.perSecond === 4 && t.rate.burst === 2)).toBe(true);
    expect(store.takes.some((t) => t.name === rateBudgetName('tensordock', 'a:t') && t.rate.burst === 10)).toBe(true);
  });

  it('keeps one budget per vendor account: two accounts on one store do not throttle each other, and the store never sees a key', async () => {
    const store = new FakeBudgetStore();
    const keys = ['vast-key-of-team-a-0123456789', 'vast-key-of-team-b-9876543210'];
    const adapters = keys.map((apiKey) => createProviderAdapters({ vastai: { apiKey, baseUrl: 'http://127.0.0.1:1' } }, { rateBudgets: store, retries: 0, timeoutMs: 5000 })[0]!);
    for (const adapter of adapters) await adapter.listOffers();
    const names = [...new Set(store.takes.map((t) => t.name))];
    expect(names).toHaveLength(2);
    // Vast's burst is 2: each account's calls were let through at once from a full bucket of its own.
    for (const name of names) expect(store.waits.get(name) ?? 0).toBe(0);
    for (const name of names) {
      expect(name).toMatch(/^vastai:[0-9a-f]{16}$/);
      for (const key of keys) expect(name).not.toContain(key);
    }
  });

  it('names the budget after the vendor and a digest of the credential: stable, and distinct per vendor', () => {
    expect(rateBudgetName('vastai', 'k')).toBe(rateBudgetName('vastai', 'k'));
    expect(rateBudgetName('vastai', 'k')).not.toBe(rateBudgetName('vastai', 'l'));
    expect(rateBudgetName('bluelobster', 'k')).toMatch(/^bluelobster:[0-9a-f]{16}$/);
  });
});
