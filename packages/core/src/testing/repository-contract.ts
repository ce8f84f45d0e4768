/**
 * The behaviour every implementation of the repository ports must share. Core runs it against the
 * in-memory fakes and storage runs it against SQLite, so the fakes used by service tests cannot
 * drift from the real thing. Uses jest's globals (describe/it/expect), so only tests may import it.
 */
import { summarizeCosts, type CostEntry } from '../cost/cost-entry.js';
import { unwrap } from '../errors/result.js';
import { type Repositories } from '../ports/repositories.js';
import { buildSession } from './fixtures.js';
import { at } from './contract-time.js';
import { describeSessionRepositoryContract } from './session-repository-contract.js';

export interface RepositoryHarness {
  readonly repos: Repositories;
  close?(): void | Promise<void>;
}

function costEntry(overrides: Partial<CostEntry> = {}): CostEntry {
  return {
    id: 'cst_00000000000000000000000001',
    sessionId: 'ses_00000000000000000000000001',
    consumerId: 'my-app',
    provider: 'vastai',
    gpuType: 'RTX 4090',
    periodStart: at(0),
    periodEnd: at(60),
    accruedSeconds: 60,
    amountMicros: 7_000,
    recordedAt: at(60),
    providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null,
    ...overrides,
  };
}

export function describeRepositoryContract(name: string, open: () => RepositoryHarness | Promise<RepositoryHarness>): void {
  describe(`${name}: repository contract`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;

    beforeEach(async () => {
      harness = await open();
      repos = harness.repos;
    });
    afterEach(async () => {
      await harness.close?.();
    });

    describeSessionRepositoryContract(() => repos);

    describe('cost ledger', () => {
      // Ledger lines belong to sessions (a foreign key in SQL stores), so the sessions exist first.
      beforeEach(async () => {
        for (const id of ['ses_00000000000000000000000001', 'ses_b']) {
          const { session, event } = buildSession({ id });
          unwrap(await repos.sessions.insert(session, event));
        }
      });

      it('appends accruals against the high-water mark and totals them exactly', async () => {
        unwrap(await repos.costs.appendAccrual(costEntry(), 0));
        unwrap(
          await repos.costs.appendAccrual(
            costEntry({ id: 'cst_2', periodStart: at(60), periodEnd: at(120), accruedSeconds: 120, amountMicros: 7_001 }),
            60,
          ),
        );
        expect(await repos.costs.accruedSeconds('ses_00000000000000000000000001')).toBe(120);
        const totals = await repos.costs.totals({ consumerId: 'my-app' });
        expect(totals).toEqual({
          totalMicros: 14_001,
          sessionCount: 1,
          billedSeconds: 120,
          byProvider: { vastai: 14_001 },
          byGpuType: { 'RTX 4090': 14_001 },
          spotMicros: 0,
          spotOnDemandMicros: 0,
          spotSavingMicros: 0,
        });
      });

      it("keeps each spot line's instance, bid and on-demand reference, and totals the saving", async () => {
        const spot = { providerInstanceId: 'vast-1', bidPerHourMicros: 150_000, onDemandPricePerHourMicros: 420_000 };
        unwrap(await repos.costs.appendAccrual(costEntry({ ...spot, amountMicros: 2_834, onDemandMicros: 7_000 }), 0));
        unwrap(
          await repos.costs.appendAccrual(
            costEntry({ id: 'cst_2', periodStart: at(60), periodEnd: at(120), accruedSeconds: 120, amountMicros: 2_833, ...spot, providerInstanceId: 'vast-2', onDemandMicros: 7_000 }),
            60,
          ),
        );
        const lines = await repos.costs.list({ sessionId: 'ses_00000000000000000000000001' });
        expect(lines.map((l) => [l.providerInstanceId, l.bidPerHourMicros, l.onDemandPricePerHourMicros, l.onDemandMicros])).toEqual([
          ['vast-1', 150_000, 420_000, 7_000],
          ['vast-2', 150_000, 420_000, 7_000],
        ]);
        expect(await repos.costs.totals()).toMatchObject({ totalMicros: 5_667, spotMicros: 5_667, spotOnDemandMicros: 14_000, spotSavingMicros: 8_333 });
      });

      it('refuses an accrual based on a stale high-water mark (no double billing)', async () => {
        unwrap(await repos.costs.appendAccrual(costEntry(), 0));
        const duplicate = await repos.costs.appendAccrual(costEntry({ id: 'cst_dup' }), 0);
        expect(duplicate.ok).toBe(false);
        if (!duplicate.ok) expect(duplicate.err.code).toBe('CONCURRENT_UPDATE');
        expect((await repos.costs.list()).length).toBe(1);
      });

      it('batched accruals: each line keeps its own compare-and-set — a stale one is refused, the others land, lines of one session apply in order', async () => {
        unwrap(await repos.costs.appendAccrual(costEntry(), 0));
        const results = await repos.costs.appendAccruals([
          // A writer that read the mark before the line above landed: refused, nothing billed twice.
          { entry: costEntry({ id: 'cst_stale', periodStart: at(0), periodEnd: at(120), accruedSeconds: 120, amountMicros: 14_001 }), previousAccruedSeconds: 0 },
          { entry: costEntry({ id: 'cst_b1', sessionId: 'ses_b', accruedSeconds: 60 }), previousAccruedSeconds: 0 },
          { entry: costEntry({ id: 'cst_b2', sessionId: 'ses_b', periodStart: at(60), periodEnd: at(120), accruedSeconds: 120 }), previousAccruedSeconds: 60 },
          { entry: costEntry({ id: 'cst_2', periodStart: at(60), periodEnd: at(120), accruedSeconds: 120, amountMicros: 7_001 }), previousAccruedSeconds: 60 },
          // Does not move the mark forward.
          { entry: costEntry({ id: 'cst_b0', sessionId: 'ses_b', accruedSeconds: 120 }), previousAccruedSeconds: 120 },
        ]);
        expect(results.map((r) => r.ok)).toEqual([false, true, true, true, false]);
        const refused = results[0];
        if (refused && !refused.ok) expect(refused.err.code).toBe('CONCURRENT_UPDATE');
        expect((await repos.costs.list()).map((e) => e.id).sort()).toEqual(['cst_00000000000000000000000001', 'cst_2', 'cst_b1', 'cst_b2']);
        expect(await repos.costs.accruedSecondsOf(['ses_00000000000000000000000001', 'ses_b', 'ses_none'])).toEqual(
          new Map([
            ['ses_00000000000000000000000001', 120],
            ['ses_b', 120],
            ['ses_none', 0],
          ]),
        );
        expect((await repos.costs.totals()).totalMicros).toBe(7_000 + 7_001 + 7_000 + 7_000);
      });

      it('batched accruals larger than one write: every line lands and every mark is read, however many', async () => {
        const lines = Array.from({ length: 2_100 }, (_, i) => ({
          entry: costEntry({ id: `cst_${String(i).padStart(5, '0')}`, sessionId: 'ses_b', periodStart: at(i * 60), periodEnd: at((i + 1) * 60), accruedSeconds: (i + 1) * 60, amountMicros: 1 }),
          previousAccruedSeconds: i * 60,
        }));
        expect((await repos.costs.appendAccruals(lines)).every((r) => r.ok)).toBe(true);
        expect(await repos.costs.accruedSeconds('ses_b')).toBe(2_100 * 60);
        const asked = [...Array.from({ length: 2_500 }, (_, i) => `ses_unknown_${i}`), 'ses_b'];
        const marks = await repos.costs.accruedSecondsOf(asked);
        expect(marks.size).toBe(asked.length);
        expect(marks.get('ses_b')).toBe(2_100 * 60);
        expect(marks.get('ses_unknown_2499')).toBe(0);
        expect((await repos.costs.totals()).totalMicros).toBe(2_100);
      });

      it('totals are the sums of the lines, for any selection: per provider and GPU, spot and saving, whole seconds, sessions counted once', async () => {
        const ms = (seconds: number) => new Date(at(0).getTime() + seconds * 1000);
        const appended = await repos.costs.appendAccruals([
            { entry: costEntry({ id: 'cst_a1', amountMicros: 1_001 }), previousAccruedSeconds: 0 },
            // A period of 60.9 s bills 60 whole seconds.
            { entry: costEntry({ id: 'cst_a2', periodStart: at(60), periodEnd: ms(120.9), accruedSeconds: 120, amountMicros: 1_002 }), previousAccruedSeconds: 60 },
            { entry: costEntry({ id: 'cst_a3', gpuType: 'H100', periodStart: at(120), periodEnd: at(180), accruedSeconds: 180, amountMicros: 5_003, onDemandMicros: 9_000 }), previousAccruedSeconds: 120 },
            { entry: costEntry({ id: 'cst_b1', sessionId: 'ses_b', consumerId: 'other-app', provider: 'tensordock', periodStart: at(3600), periodEnd: at(3630), accruedSeconds: 30, amountMicros: 2_004, onDemandMicros: 1_500 }), previousAccruedSeconds: 0 },
            { entry: costEntry({ id: 'cst_b2', sessionId: 'ses_b', consumerId: 'other-app', provider: 'tensordock', periodStart: at(3630), periodEnd: at(3700), accruedSeconds: 100, amountMicros: 3_005 }), previousAccruedSeconds: 30 },
        ]);
        expect(appended.every((r) => r.ok)).toBe(true);
        const selections = [{}, { consumerId: 'my-app' }, { consumerId: 'other-app' }, { provider: 'tensordock' }, { sessionId: 'ses_b' }, { from: at(60), to: at(3630) }, { consumerId: 'nobody' }];
        for (const query of selections) {
          const expected = summarizeCosts(await repos.costs.list(query));
          expect({ query, totals: await repos.costs.totals(query) }).toEqual({ query, totals: expected });
          expect({ query, spent: await repos.costs.spentMicros(query) }).toEqual({ query, spent: expected.totalMicros });
        }
        expect(await repos.costs.totals()).toEqual({
          totalMicros: 12_015,
          sessionCount: 2,
          billedSeconds: 60 + 60 + 60 + 30 + 70,
          byProvider: { vastai: 7_006, tensordock: 5_009 },
          byGpuType: { 'RTX 4090': 7_012, H100: 5_003 },
          spotMicros: 7_007,
          spotOnDemandMicros: 10_500,
          spotSavingMicros: 3_493,
        });
      });

      it('filters by session, provider and a half-open time range', async () => {
        unwrap(await repos.costs.appendAccrual(costEntry(), 0));
        unwrap(
          await repos.costs.appendAccrual(
            costEntry({ id: 'cst_b', sessionId: 'ses_b', provider: 'tensordock', periodStart: at(3600), periodEnd: at(3660), accruedSeconds: 60 }),
            0,
          ),
        );
        expect((await repos.costs.list({ sessionId: 'ses_b' })).map((e) => e.id)).toEqual(['cst_b']);
        expect((await repos.costs.list({ provider: 'vastai' })).map((e) => e.id)).toEqual(['cst_00000000000000000000000001']);
        expect((await repos.costs.list({ from: at(0), to: at(3600) })).map((e) => e.id)).toEqual(['cst_00000000000000000000000001']);
        expect((await repos.costs.list({ from: at(3600) })).map((e) => e.id)).toEqual(['cst_b']);
        expect((await repos.costs.totals()).sessionCount).toBe(2);
        expect(await repos.costs.accruedSeconds('ses_none')).toBe(0);
      });
    });

    describe('consumers, API keys and budgets', () => {
      it('creates consumers once and disables them', async () => {
        const consumer = { id: 'my-app', name: 'My App', createdAt: at(0), disabledAt: null };
        unwrap(await repos.consumers.create(consumer));
        expect((await repos.consumers.create(consumer)).ok).toBe(false);
        expect(await repos.consumers.get('my-app')).toEqual(consumer);
        const disabled = unwrap(await repos.consumers.setDisabled('my-app', at(10)));
        expect(disabled.disabledAt).toEqual(at(10));
        expect((await repos.consumers.list()).map((c) => c.id)).toEqual(['my-app']);
        expect((await repos.consumers.setDisabled('nobody', null)).ok).toBe(false);
      });

      it('stores API keys by hash, lists, revokes (keeping the first time) and touches them', async () => {
        unwrap(await repos.consumers.create({ id: 'my-app', name: 'My App', createdAt: at(0), disabledAt: null }));
        const key = {
          id: 'key_1',
          consumerId: 'my-app',
          prefix: 'gs_live_ab12',
          keyHash: 'a'.repeat(64),
          createdAt: at(0),
          revokedAt: null,
          lastUsedAt: null,
        };
        unwrap(await repos.apiKeys.create(key));
        expect((await repos.apiKeys.create({ ...key, id: 'key_2' })).ok).toBe(false);
        expect(await repos.apiKeys.findByHash('a'.repeat(64))).toEqual(key);
        expect(await repos.apiKeys.findByHash('b'.repeat(64))).toBeUndefined();
        await repos.apiKeys.touch('key_1', at(5));
        expect((await repos.apiKeys.get('key_1'))?.lastUsedAt).toEqual(at(5));
        unwrap(await repos.apiKeys.revoke('key_1', at(6)));
        unwrap(await repos.apiKeys.revoke('key_1', at(7)));
        expect((await repos.apiKeys.listByConsumer('my-app')).map((k) => k.revokedAt)).toEqual([at(6)]);
        expect((await repos.apiKeys.revoke('key_missing', at(8))).ok).toBe(false);
      });

      it('upserts, reads and deletes budgets', async () => {
        unwrap(await repos.consumers.create({ id: 'my-app', name: 'My App', createdAt: at(0), disabledAt: null }));
        const budget = { consumerId: 'my-app', monthlyLimitMicros: 100_000_000, periodStart: at(0), alertsSent: [], updatedAt: at(0) };
        await repos.budgets.upsert(budget);
        await repos.budgets.upsert({ ...budget, alertsSent: [50, 80], updatedAt: at(9) });
        expect(await repos.budgets.get('my-app')).toEqual({ ...budget, alertsSent: [50, 80], updatedAt: at(9) });
        expect(await repos.budgets.delete('my-app')).toBe(true);
        expect(await repos.budgets.get('my-app')).toBeUndefined();
        expect(await repos.budgets.delete('my-app')).toBe(false);
      });
    });

    describe('offer failures', () => {
      it('records, lists since a time (oldest first) and prunes', async () => {
        const failure = {
          id: 'ofl_1',
          offerId: 'vastai-1',
          provider: 'vastai' as const,
          gpuType: 'RTX 4090',
          hostId: 'machine-7',
          failureType: 'ssh_timeout' as const,
          reason: 'sshd never answered',
          sessionId: null,
          consumerId: 'my-app',
          occurredAt: at(100),
        };
        await repos.offerFailures.record({ ...failure, id: 'ofl_2', occurredAt: at(200) });
        await repos.offerFailures.record(failure);
        expect((await repos.offerFailures.listSince(at(0))).map((f) => f.id)).toEqual(['ofl_1', 'ofl_2']);
        expect((await repos.offerFailures.listSince(at(150))).map((f) => f.id)).toEqual(['ofl_2']);
        expect(await repos.offerFailures.prune(at(150))).toBe(1);
        expect(await repos.offerFailures.listSince(at(0))).toEqual([{ ...failure, id: 'ofl_2', occurredAt: at(200) }]);
      });
    });

    describe('idempotency records', () => {
      const record = {
        key: 'idem-1',
        scope: 'my-app',
        requestHash: 'h1',
        state: 'in_progress' as const,
        responseStatus: null,
        responseBody: null,
        createdAt: at(0),
        expiresAt: at(86_400),
      };

      it('completes a reservation in the same write as the session it created', async () => {
        await repos.idempotency.reserve(record);
        const { session, event } = buildSession({ id: 'ses_00000000000000000000000I01' });
        unwrap(await repos.sessions.insert(session, event, { encryptedPrivateKey: 'c' }, { scope: 'my-app', key: 'idem-1', responseStatus: 201, responseBody: '{"sessionId":"x"}' }));
        expect(await repos.idempotency.get('my-app', 'idem-1')).toMatchObject({ state: 'completed', responseStatus: 201, responseBody: '{"sessionId":"x"}' });
      });

      it('releases only the reservation it was asked to when given its creation time', async () => {
        await repos.idempotency.reserve(record);
        await repos.idempotency.release('my-app', 'idem-1', at(5));
        expect(await repos.idempotency.get('my-app', 'idem-1')).toBeDefined();
        await repos.idempotency.release('my-app', 'idem-1', at(0));
        expect(await repos.idempotency.get('my-app', 'idem-1')).toBeUndefined();
      });

      it('reserves a key once per scope and returns the existing record afterwards', async () => {
        expect(await repos.idempotency.reserve(record)).toEqual({ reserved: true });
        expect(await repos.idempotency.reserve({ ...record, requestHash: 'h2' })).toEqual({ reserved: false, existing: record });
        expect(await repos.idempotency.reserve({ ...record, scope: 'other-app' })).toEqual({ reserved: true });
        await repos.idempotency.complete('my-app', 'idem-1', 201, '{"id":"ses_1"}');
        expect(await repos.idempotency.get('my-app', 'idem-1')).toEqual({
          ...record,
          state: 'completed',
          responseStatus: 201,
          responseBody: '{"id":"ses_1"}',
        });
      });

      it('releases a reservation and deletes expired records', async () => {
        await repos.idempotency.reserve(record);
        await repos.idempotency.release('my-app', 'idem-1');
        expect(await repos.idempotency.get('my-app', 'idem-1')).toBeUndefined();
        await repos.idempotency.reserve(record);
        await repos.idempotency.reserve({ ...record, key: 'idem-2', expiresAt: at(10) });
        expect(await repos.idempotency.deleteExpired(at(10))).toBe(1);
        expect(await repos.idempotency.get('my-app', 'idem-2')).toBeUndefined();
        expect(await repos.idempotency.get('my-app', 'idem-1')).toBeDefined();
      });
    });

    describe('session secrets', () => {
      it('insert writes the session and its key together; a key for an unknown session is refused', async () => {
        const { session, event } = buildSession({ id: 'ses_00000000000000000000000S02' });
        unwrap(await repos.sessions.insert(session, event, { encryptedPrivateKey: 'cipher-0' }));
        expect(await repos.sessionSecrets.get(session.id)).toBe('cipher-0');
        // Checked by its message, not `toThrow()`: a driver's native error (better-sqlite3's SqliteError)
        // is built in the first test file's realm, so `instanceof Error` fails in later files of a worker.
        await expect(repos.sessionSecrets.put('ses_00000000000000000000000404', 'cipher-x')).rejects.toHaveProperty('message');
        expect(await repos.sessionSecrets.get('ses_00000000000000000000000404')).toBeUndefined();
      });

      it('stores, replaces, reads and deletes a session secret', async () => {
        const { session, event } = buildSession({ id: 'ses_00000000000000000000000S01' });
        unwrap(await repos.sessions.insert(session, event));
        await repos.sessionSecrets.put(session.id, 'cipher-1');
        await repos.sessionSecrets.put(session.id, 'cipher-2');
        expect(await repos.sessionSecrets.get(session.id)).toBe('cipher-2');
        await repos.sessionSecrets.delete(session.id);
        expect(await repos.sessionSecrets.get(session.id)).toBeUndefined();
        await repos.sessionSecrets.delete(session.id);
      });
    });

    describe('deployment identity', () => {
      it('keeps the first id it was given', async () => {
        expect(await repos.deployment.getOrCreate('dep_first', at(0))).toBe('dep_first');
        expect(await repos.deployment.getOrCreate('dep_second', at(1))).toBe('dep_first');
      });
    });
  });
}
