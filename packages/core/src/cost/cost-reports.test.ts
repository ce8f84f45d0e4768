import { unwrap } from '../errors/result.js';
import { buildSession } from '../testing/fixtures.js';
import { createInMemoryRepositories } from '../testing/in-memory-repositories.js';
import { buildCostReport, parseUtcDate } from './cost-reports.js';

async function ledgerWithEntries() {
  const repositories = createInMemoryRepositories();
  const entries = [
    ['ses_a', 'vastai', 'RTX 4090', '2026-01-31T23:00:00.000Z', 100],
    ['ses_a', 'vastai', 'RTX 4090', '2026-02-01T01:00:00.000Z', 200],
    ['ses_b', 'tensordock', 'A100 80GB SXM', '2026-02-15T12:00:00.000Z', 400],
    ['ses_b', 'tensordock', 'A100 80GB SXM', '2026-03-01T00:00:00.000Z', 800],
  ] as const;
  const marks = new Map<string, number>();
  for (const id of ['ses_a', 'ses_b']) {
    const { session, event } = buildSession({ id });
    unwrap(await repositories.sessions.insert(session, event));
  }
  for (const [i, [sessionId, provider, gpuType, start, amount]] of entries.entries()) {
    const previous = marks.get(sessionId) ?? 0;
    marks.set(sessionId, previous + 60);
    unwrap(
      await repositories.costs.appendAccrual(
        {
          id: `cst_${i}`,
          sessionId,
          consumerId: 'my-app',
          provider,
          gpuType,
          periodStart: new Date(start),
          periodEnd: new Date(new Date(start).getTime() + 60_000),
          accruedSeconds: previous + 60,
          amountMicros: amount,
          recordedAt: new Date(start),
          providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null,
        },
        previous,
      ),
    );
  }
  return repositories.costs;
}

describe('cost reports', () => {
  it('uses inclusive UTC date ranges', async () => {
    const ledger = await ledgerWithEntries();
    const february = unwrap(await buildCostReport(ledger, { startDate: '2026-02-01', endDate: '2026-02-28' }));
    expect(february.totalMicros).toBe(600);
    expect(february.to?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const lastDay = unwrap(await buildCostReport(ledger, { startDate: '2026-03-01', endDate: '2026-03-01' }));
    expect(lastDay.totalMicros).toBe(800);
  });

  it('breaks down by provider, GPU, day and month, all adding up', async () => {
    const ledger = await ledgerWithEntries();
    const report = unwrap(await buildCostReport(ledger, { consumerId: 'my-app', period: 'monthly' }));
    expect(report.totalMicros).toBe(1500);
    expect(report.byProvider).toEqual({ vastai: 300, tensordock: 1200 });
    expect(report.byPeriod).toEqual([
      { period: '2026-01', totalMicros: 100 },
      { period: '2026-02', totalMicros: 600 },
      { period: '2026-03', totalMicros: 800 },
    ]);
    const daily = unwrap(await buildCostReport(ledger, { sessionId: 'ses_a', period: 'daily' }));
    expect(daily.byPeriod).toEqual([
      { period: '2026-01-31', totalMicros: 100 },
      { period: '2026-02-01', totalMicros: 200 },
    ]);
  });

  test.each(['2026-02-30', '2026-2-1', 'yesterday', '2026-13-01'])('rejects the date %p', (date) => {
    expect(parseUtcDate(date, 'start').ok).toBe(false);
  });

  it('rejects a start after the end', async () => {
    const ledger = await ledgerWithEntries();
    const result = await buildCostReport(ledger, { startDate: '2026-03-02', endDate: '2026-03-01' });
    expect(!result.ok && result.err.code).toBe('VALIDATION_FAILED');
  });
});

describe('cost reports include running sessions up to now (accruing)', () => {
  async function runningSession(billingStartedAt: Date) {
    const repositories = createInMemoryRepositories();
    const { session, event } = buildSession({ id: 'ses_live', status: 'running', billingStartedAt, consumerId: 'my-app' });
    unwrap(await repositories.sessions.insert(session, event));
    return repositories;
  }

  it('right after provisioning: the session counts, with its cost so far, before any ledger line', async () => {
    const start = new Date('2026-02-02T10:00:00.000Z');
    const repositories = await runningSession(start);
    const now = new Date(start.getTime() + 10 * 60_000);
    const ledgerOnly = unwrap(await buildCostReport(repositories.costs, { consumerId: 'my-app' }));
    expect(ledgerOnly.sessionCount).toBe(0);
    const report = unwrap(await buildCostReport(repositories.costs, { consumerId: 'my-app' }, { sessions: repositories.sessions, now }));
    // 10 minutes at $0.42/h = $0.07
    expect(report).toMatchObject({ totalMicros: 70_000, accruingMicros: 70_000, accruingSessionCount: 1, sessionCount: 1, billedSeconds: 600 });
    expect(report.byProvider).toEqual({ vastai: 70_000 });
    // Another consumer, or a range before billing started, sees none of it.
    expect(unwrap(await buildCostReport(repositories.costs, { consumerId: 'other' }, { sessions: repositories.sessions, now })).totalMicros).toBe(0);
    expect(unwrap(await buildCostReport(repositories.costs, { endDate: '2026-02-01' }, { sessions: repositories.sessions, now })).totalMicros).toBe(0);
  });

  it('after a ledger line, only the remainder is accruing: the total never counts a second twice', async () => {
    const start = new Date('2026-02-02T10:00:00.000Z');
    const repositories = await runningSession(start);
    unwrap(
      await repositories.costs.appendAccrual(
        { id: 'cst_1', sessionId: 'ses_live', consumerId: 'my-app', provider: 'vastai', gpuType: 'RTX 4090', periodStart: start, periodEnd: new Date(start.getTime() + 300_000), accruedSeconds: 300, amountMicros: 35_000, recordedAt: start, providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null },
        0,
      ),
    );
    const report = unwrap(await buildCostReport(repositories.costs, { sessionId: 'ses_live' }, { sessions: repositories.sessions, now: new Date(start.getTime() + 600_000) }));
    expect(report).toMatchObject({ totalMicros: 70_000, accruingMicros: 35_000, sessionCount: 1 });
  });
});
