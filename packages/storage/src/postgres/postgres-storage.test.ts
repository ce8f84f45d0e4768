import { unwrap } from '@gpu-shopper/core';
import {
  buildBenchmarkResult,
  buildSession,
  describeBenchmarkRepositoryContract,
  describeLeaseContract,
  describeRepositoryContract,
} from '@gpu-shopper/core/testing';

import { describeWithPostgres } from '../testing/describe-with-postgres.js';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { expectOneOfTwoSessionUpdatesWins } from '../testing/session-update-race.js';
import { openPostgresStorage, redactDatabaseUrl } from './open-postgres-storage.js';

describeWithPostgres('PostgreSQL storage', () => {
  let cluster: PostgresCluster;
  /** A database migrated once; each test gets a copy (much faster than migrating every time). */
  let template: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const url = await cluster.createDatabase('template');
    await (await openPostgresStorage({ url })).close();
    template = new URL(url).pathname.slice(1);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  const open = async () => openPostgresStorage({ url: await cluster.createDatabase('contract', template) });

  describeRepositoryContract('postgres', async () => {
    const storage = await open();
    return { repos: storage.repositories, close: () => storage.close() };
  });

  describeBenchmarkRepositoryContract('postgres', async () => {
    const storage = await open();
    return { repos: storage.benchmarks, close: () => storage.close() };
  });

  describeLeaseContract('postgres (two pools)', async () => {
    const url = await cluster.createDatabase('leases', template);
    const [a, b] = await Promise.all([openPostgresStorage({ url }), openPostgresStorage({ url })]);
    return {
      leases: a.leases,
      other: b.leases,
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  });

  describe('openPostgresStorage', () => {
    it('migrates once when several replicas start together, keeps data across reopen, and answers ping', async () => {
      const url = await cluster.createDatabase('reopen');
      const replicas = await Promise.all([1, 2, 3].map(() => openPostgresStorage({ url })));
      const { session, event } = buildSession({ id: 'ses_00000000000000000000000P01' });
      unwrap(await replicas[0]!.repositories.sessions.insert(session, event));
      expect(await replicas[0]!.ping()).toBe(true);
      await Promise.all(replicas.map((r) => r.close()));

      const again = await openPostgresStorage({ url });
      expect(await again.repositories.sessions.get(session.id)).toEqual(session);
      expect(await again.repositories.sessions.listEvents(session.id)).toEqual([event]);
      const { rows } = await again.db.$client.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations');
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
      await again.close();
    });

    it('lets exactly one of two pools win a concurrent update of one session', async () => {
      const url = await cluster.createDatabase('race', template);
      const [a, b] = await Promise.all([openPostgresStorage({ url }), openPostgresStorage({ url })]);
      await expectOneOfTwoSessionUpdatesWins(a.repositories.sessions, b.repositories.sessions, 'ses_00000000000000000000000P02');
      await a.close();
      await b.close();
    });

    it('lets exactly one of many concurrent accruals from the same high-water mark into the ledger', async () => {
      const url = await cluster.createDatabase('ledger', template);
      const pools = await Promise.all([1, 2].map(() => openPostgresStorage({ url })));
      const { session, event } = buildSession({ id: 'ses_00000000000000000000000P03' });
      unwrap(await pools[0]!.repositories.sessions.insert(session, event));
      const base = new Date('2026-01-01T00:00:00.000Z');
      const entry = (i: number) => ({
        id: `cst_${i}`, sessionId: session.id, consumerId: session.consumerId, provider: session.provider, gpuType: session.gpuType,
        periodStart: base, periodEnd: new Date(base.getTime() + (60 + i) * 1000), accruedSeconds: 60 + i, amountMicros: 7_000 + i, recordedAt: base, providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null,
      });
      const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pools[i % 2]!.repositories.costs.appendAccrual(entry(i), 0)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await pools[1]!.repositories.costs.list({ sessionId: session.id })).toHaveLength(1);
      await Promise.all(pools.map((p) => p.close()));
    });

    it('lets exactly one line per session into the ledger when two replicas batch accruals of the same sessions at once (two leaders briefly), without deadlocking', async () => {
      const url = await cluster.createDatabase('ledger_batches', template);
      const pools = await Promise.all([1, 2].map(() => openPostgresStorage({ url })));
      const sessionIds = ['ses_00000000000000000000000P11', 'ses_00000000000000000000000P12', 'ses_00000000000000000000000P13'];
      for (const id of sessionIds) {
        const { session, event } = buildSession({ id });
        unwrap(await pools[0]!.repositories.sessions.insert(session, event));
      }
      const base = new Date('2026-01-01T00:00:00.000Z');
      const line = (sessionId: string, writer: number) => ({
        entry: {
          id: `cst_${sessionId}_${writer}`, sessionId, consumerId: 'my-app', provider: 'vastai' as const, gpuType: 'RTX 4090',
          periodStart: base, periodEnd: new Date(base.getTime() + (60 + writer) * 1000), accruedSeconds: 60 + writer, amountMicros: 7_000 + writer, recordedAt: base,
          providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null,
        },
        previousAccruedSeconds: 0,
      });
      // Opposite orders, so a batch locking in the order given would deadlock against the other.
      const results = await Promise.all(
        [0, 1, 2, 3].map((writer) => pools[writer % 2]!.repositories.costs.appendAccruals((writer % 2 ? [...sessionIds].reverse() : sessionIds).map((id) => line(id, writer)))),
      );
      expect(results.flat().filter((r) => r.ok)).toHaveLength(sessionIds.length);
      for (const id of sessionIds) expect(await pools[1]!.repositories.costs.list({ sessionId: id })).toHaveLength(1);
      await Promise.all(pools.map((p) => p.close()));
    });

    it('keeps money beyond 32 bits exact (µUSD in bigint)', async () => {
      const storage = await open();
      unwrap(await storage.repositories.consumers.create({ id: 'big-spender', name: 'Big', createdAt: new Date(0), disabledAt: null }));
      const budget = { consumerId: 'big-spender', monthlyLimitMicros: 9_000_000_000_000, periodStart: new Date(0), alertsSent: [50 as const], updatedAt: new Date(0) };
      await storage.repositories.budgets.upsert(budget);
      expect(await storage.repositories.budgets.get('big-spender')).toEqual(budget);
      const result = buildBenchmarkResult({ id: 'bmr_00000000000000000000000P01', pricePerHourMicros: 3_000_000_000 });
      unwrap(await storage.benchmarks.results.insert(result));
      expect((await storage.benchmarks.results.get(result.id))?.pricePerHourMicros).toBe(3_000_000_000);
      await storage.close();
    });

    it('fails loudly on a corrupted row instead of returning a bad session', async () => {
      const storage = await open();
      const { session, event } = buildSession({ id: 'ses_00000000000000000000000P04' });
      unwrap(await storage.repositories.sessions.insert(session, event));
      await storage.db.$client.query("update sessions set status = 'exploded' where id = $1", [session.id]);
      await expect(storage.repositories.sessions.get(session.id)).rejects.toThrow();
      await storage.close();
    });

    it('names the server (without the password) when it is not reachable', async () => {
      const url = `postgres://app:s3cret@127.0.0.1:${cluster.port + 1}/nowhere`;
      const failure = openPostgresStorage({ url });
      await expect(failure).rejects.toThrow(/not reachable/);
      await expect(failure).rejects.not.toThrow(/s3cret/);
      expect(redactDatabaseUrl(url)).toBe(`postgres://app:***@127.0.0.1:${cluster.port + 1}/nowhere`);
    });

    it('enforces foreign keys: an event for an unknown session is refused', async () => {
      const storage = await open();
      await expect(
        storage.db.$client.query("insert into session_events (id, session_id, type, actor, reason, occurred_at, data) values ('e', 'nope', 'note', 'api', '', now(), '{}')"),
      ).rejects.toThrow(/foreign key/);
      await storage.close();
    });
  });
});
