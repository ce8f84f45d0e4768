/**
 * The behaviour every implementation of the benchmark repository ports must share: core runs it
 * against the in-memory fakes, storage against SQLite (:memory: and a file). Uses jest's globals,
 * so only tests may import it.
 */
import { benchmarkResultSchema } from '../benchmarks/benchmark-result.js';
import { benchmarkRunSchema } from '../benchmarks/benchmark-run.js';
import { benchmarkScheduleSchema } from '../benchmarks/benchmark-schedule.js';
import { unwrap } from '../errors/result.js';
import { type BenchmarkRepositories } from '../ports/benchmark-repositories.js';
import { buildBenchmarkResult, buildBenchmarkRun, buildBenchmarkSchedule } from './benchmark-fixtures.js';

export interface BenchmarkRepositoryHarness {
  readonly repos: BenchmarkRepositories;
  close?(): void | Promise<void>;
}

const id = (prefix: string, n: number) => `${prefix}_${n.toString().padStart(26, '0')}`;

export function describeBenchmarkRepositoryContract(name: string, open: () => BenchmarkRepositoryHarness | Promise<BenchmarkRepositoryHarness>): void {
  describe(`${name}: benchmark repository contract`, () => {
    let harness: BenchmarkRepositoryHarness;
    let repos: BenchmarkRepositories;

    beforeEach(async () => {
      harness = await open();
      repos = harness.repos;
    });
    afterEach(async () => {
      await harness.close?.();
    });

    describe('results', () => {
      it('stores a result and reads it back unchanged (every nested field, nulls kept as null)', async () => {
        const result = buildBenchmarkResult({
          id: id('bmr', 1),
          results: { matchRate: null, avgTtftMs: null },
          hardware: { cpuModel: null },
          sessionId: 'ses_1',
          offerId: 'vastai-1',
          runId: id('bch', 1),
          dedupeKey: 'run:1',
          invalidReasons: ['gpu mismatch'],
        });
        expect(benchmarkResultSchema.parse(result)).toEqual(result);
        unwrap(await repos.results.insert(result));
        expect(await repos.results.get(result.id)).toEqual(result);
        expect(await repos.results.findByDedupeKey('run:1')).toEqual(result);
        expect(await repos.results.get('bmr_missing')).toBeUndefined();
        expect(await repos.results.findByDedupeKey('nope')).toBeUndefined();
      });

      it('refuses a duplicate id and a duplicate dedupe key, but allows many results without a key', async () => {
        unwrap(await repos.results.insert(buildBenchmarkResult({ id: id('bmr', 1), dedupeKey: 'published:a' })));
        const sameId = await repos.results.insert(buildBenchmarkResult({ id: id('bmr', 1) }));
        expect(sameId.ok).toBe(false);
        if (!sameId.ok) expect(sameId.err.code).toBe('ALREADY_EXISTS');
        const sameKey = await repos.results.insert(buildBenchmarkResult({ id: id('bmr', 2), dedupeKey: 'published:a' }));
        expect(sameKey.ok).toBe(false);
        if (!sameKey.ok) expect(sameKey.err.code).toBe('ALREADY_EXISTS');
        unwrap(await repos.results.insert(buildBenchmarkResult({ id: id('bmr', 3) })));
        unwrap(await repos.results.insert(buildBenchmarkResult({ id: id('bmr', 4) })));
        expect((await repos.results.list()).map((r) => r.id)).toEqual([id('bmr', 4), id('bmr', 3), id('bmr', 1)]);
      });

      it('combines every filter, hides invalid results unless asked, and pages newest first', async () => {
        const rows = [
          buildBenchmarkResult({ id: id('bmr', 1), model: { name: 'qwen2:7b' }, gpuSku: 'RTX 4090', provider: 'vastai' }),
          buildBenchmarkResult({ id: id('bmr', 2), model: { name: 'qwen2:7b' }, gpuSku: 'RTX 4090', provider: 'tensordock', source: 'published' }),
          buildBenchmarkResult({ id: id('bmr', 3), model: { name: 'qwen2:7b' }, gpuSku: 'RTX 3090', provider: 'vastai', timestamp: new Date('2026-03-01T00:00:00Z') }),
          buildBenchmarkResult({ id: id('bmr', 4), model: { name: 'llama3.1:8b' }, gpuSku: 'RTX 4090', provider: 'vastai', runId: id('bch', 9) }),
          buildBenchmarkResult({ id: id('bmr', 5), model: { name: 'qwen2:7b' }, gpuSku: 'RTX 4090', provider: 'vastai', invalidReasons: ['outlier'] }),
          buildBenchmarkResult({ id: id('bmr', 6), model: { name: 'qwen2:7b', runtime: 'vllm' }, gpuSku: 'RTX 4090', provider: 'vastai' }),
        ];
        for (const row of rows) unwrap(await repos.results.insert(row));
        const ids = async (query: Parameters<typeof repos.results.list>[0]) => (await repos.results.list(query)).map((r) => r.id.slice(-1));

        expect(await ids({ model: 'qwen2:7b' })).toEqual(['6', '3', '2', '1']);
        expect(await ids({ model: 'qwen2:7b', gpuSku: 'RTX 4090', provider: 'vastai' })).toEqual(['6', '1']);
        expect(await ids({ model: 'qwen2:7b', gpuSku: 'RTX 4090', provider: 'vastai', runtime: 'ollama' })).toEqual(['1']);
        expect(await ids({ source: 'published' })).toEqual(['2']);
        expect(await ids({ runId: id('bch', 9) })).toEqual(['4']);
        expect(await ids({ since: new Date('2026-02-15T00:00:00Z') })).toEqual(['3']);
        expect(await ids({ model: 'qwen2:7b', includeInvalid: true })).toEqual(['6', '5', '3', '2', '1']);
        expect(await ids({ limit: 2 })).toEqual(['6', '4']);
        expect(await ids({ beforeId: id('bmr', 4), limit: 2 })).toEqual(['3', '2']);
      });

      it('deletes', async () => {
        unwrap(await repos.results.insert(buildBenchmarkResult({ id: id('bmr', 1) })));
        expect(await repos.results.delete(id('bmr', 1))).toBe(true);
        expect(await repos.results.delete(id('bmr', 1))).toBe(false);
        expect(await repos.results.get(id('bmr', 1))).toBeUndefined();
      });
    });

    describe('runs', () => {
      it('stores a run with its entries and attempts and reads it back unchanged', async () => {
        const run = buildBenchmarkRun({ id: id('bch', 1), excludedOfferIds: ['vastai-9'], excludedHostIds: ['m-1'] }, { models: ['a:1', 'b:2'], gpuTypes: ['RTX 4090'], maxBudgetMicros: 1_000_000 });
        const entry = run.entries[0];
        if (!entry) throw new Error('fixture has entries');
        const withAttempt = {
          ...run,
          entries: [
            {
              ...entry,
              status: 'failed' as const,
              errorType: 'ssh_timeout' as const,
              errorMessage: 'no ssh',
              retrySuggested: true,
              attempts: [
                {
                  number: 1,
                  status: 'failed' as const,
                  stage: 'provision' as const,
                  provider: 'vastai' as const,
                  offerId: 'vastai-9',
                  hostId: 'm-1',
                  pricePerHourMicros: 420_000,
                  location: 'US-West',
                  sessionId: 'ses_1',
                  remoteDir: null,
                  remotePid: null,
                  errorType: 'ssh_timeout' as const,
                  errorMessage: 'no ssh',
                  retrySuggested: true,
                  costMicros: 7000,
                  destroyVerified: true,
                  resultId: null,
                  startedAt: new Date('2026-02-07T14:00:00Z'),
                  endedAt: new Date('2026-02-07T14:01:00Z'),
                },
              ],
            },
            ...run.entries.slice(1),
          ],
        };
        expect(benchmarkRunSchema.parse(withAttempt)).toEqual(withAttempt);
        unwrap(await repos.runs.insert(withAttempt));
        expect(await repos.runs.get(run.id)).toEqual(withAttempt);
        const again = await repos.runs.insert(withAttempt);
        expect(again.ok).toBe(false);
        if (!again.ok) expect(again.err.code).toBe('ALREADY_EXISTS');
      });

      it('updates by compare-and-set: exactly one of two concurrent writers wins', async () => {
        const run = buildBenchmarkRun({ id: id('bch', 1) });
        unwrap(await repos.runs.insert(run));
        const at = new Date('2026-02-07T15:00:00Z');
        const [a, b] = await Promise.all([
          repos.runs.update(run.id, 0, { status: 'running', startedAt: at, updatedAt: at }),
          repos.runs.update(run.id, 0, { status: 'cancelled', completedAt: at, updatedAt: at }),
        ]);
        expect([a, b].filter((r) => r.ok)).toHaveLength(1);
        const loser = [a, b].find((r) => !r.ok);
        if (loser && !loser.ok) expect(loser.err.code).toBe('CONCURRENT_UPDATE');
        const stored = await repos.runs.get(run.id);
        expect(stored?.version).toBe(1);
        const missing = await repos.runs.update('bch_missing', 0, { status: 'running' });
        expect(missing.ok).toBe(false);
        if (!missing.ok) expect(missing.err.code).toBe('NOT_FOUND');
      });

      it('lists by status and schedule, newest first, with a cursor', async () => {
        unwrap(await repos.runs.insert(buildBenchmarkRun({ id: id('bch', 1), status: 'completed' })));
        unwrap(await repos.runs.insert(buildBenchmarkRun({ id: id('bch', 2), status: 'running', scheduleId: id('bsc', 1) })));
        unwrap(await repos.runs.insert(buildBenchmarkRun({ id: id('bch', 3), status: 'pending', scheduleId: id('bsc', 1) })));
        const ids = async (query: Parameters<typeof repos.runs.list>[0]) => (await repos.runs.list(query)).map((r) => r.id.slice(-1));
        expect(await ids({})).toEqual(['3', '2', '1']);
        expect(await ids({ statuses: ['pending', 'running'] })).toEqual(['3', '2']);
        expect(await ids({ scheduleId: id('bsc', 1), limit: 1 })).toEqual(['3']);
        expect(await ids({ beforeId: id('bch', 3) })).toEqual(['2', '1']);
      });
    });

    describe('schedules', () => {
      it('stores a schedule, refuses a taken id or name, lists by name', async () => {
        const nightly = buildBenchmarkSchedule({ id: id('bsc', 1), name: 'nightly' });
        expect(benchmarkScheduleSchema.parse(nightly)).toEqual(nightly);
        unwrap(await repos.schedules.insert(nightly));
        expect(await repos.schedules.get(nightly.id)).toEqual(nightly);
        const sameName = await repos.schedules.insert(buildBenchmarkSchedule({ id: id('bsc', 2), name: 'nightly' }));
        expect(sameName.ok).toBe(false);
        if (!sameName.ok) expect(sameName.err.code).toBe('ALREADY_EXISTS');
        unwrap(await repos.schedules.insert(buildBenchmarkSchedule({ id: id('bsc', 3), name: 'a-weekly', nextRunAt: null, enabled: false })));
        expect((await repos.schedules.list()).map((s) => s.name)).toEqual(['a-weekly', 'nightly']);
      });

      it('updates by compare-and-set, refuses a rename onto a taken name, and deletes', async () => {
        unwrap(await repos.schedules.insert(buildBenchmarkSchedule({ id: id('bsc', 1), name: 'one' })));
        unwrap(await repos.schedules.insert(buildBenchmarkSchedule({ id: id('bsc', 2), name: 'two' })));
        const fired = new Date('2026-02-08T03:00:00Z');
        const updated = unwrap(await repos.schedules.update(id('bsc', 1), 0, { lastRunAt: fired, lastRunId: id('bch', 1), nextRunAt: new Date('2026-02-09T03:00:00Z') }));
        expect(updated.version).toBe(1);
        expect(updated.lastRunId).toBe(id('bch', 1));
        const stale = await repos.schedules.update(id('bsc', 1), 0, { enabled: false });
        expect(stale.ok).toBe(false);
        if (!stale.ok) expect(stale.err.code).toBe('CONCURRENT_UPDATE');
        const rename = await repos.schedules.update(id('bsc', 1), 1, { name: 'two' });
        expect(rename.ok).toBe(false);
        if (!rename.ok) expect(rename.err.code).toBe('ALREADY_EXISTS');
        expect((await repos.schedules.get(id('bsc', 1)))?.name).toBe('one');
        expect(await repos.schedules.delete(id('bsc', 2))).toBe(true);
        expect(await repos.schedules.delete(id('bsc', 2))).toBe(false);
        const missing = await repos.schedules.update(id('bsc', 2), 0, { enabled: false });
        expect(missing.ok).toBe(false);
        if (!missing.ok) expect(missing.err.code).toBe('NOT_FOUND');
      });
    });
  });
}
