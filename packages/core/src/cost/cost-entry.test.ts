import { accrualEntry, instanceCostRecords, summarizeCosts, type CostEntry } from './cost-entry.js';

const entry = (overrides: Partial<CostEntry>): CostEntry => ({
  id: 'cst_1',
  sessionId: 'ses_1',
  consumerId: 'my-app',
  provider: 'vastai',
  gpuType: 'RTX 4090',
  periodStart: new Date('2026-01-01T00:00:00.000Z'),
  periodEnd: new Date('2026-01-01T01:00:00.000Z'),
  accruedSeconds: 3600,
  amountMicros: 420_000,
  recordedAt: new Date('2026-01-01T01:00:00.000Z'),
  providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null,
  ...overrides,
});

describe('summarizeCosts', () => {
  it('adds every breakdown up to the same total', () => {
    const totals = summarizeCosts([
      entry({}),
      entry({ id: 'cst_2', sessionId: 'ses_2', provider: 'tensordock', gpuType: 'A100 80GB SXM', amountMicros: 1_200_000 }),
      entry({ id: 'cst_3', amountMicros: 7 }),
    ]);
    expect(totals.totalMicros).toBe(1_620_007);
    expect(totals.sessionCount).toBe(2);
    expect(totals.billedSeconds).toBe(3 * 3600);
    expect(Object.values(totals.byProvider).reduce((a, b) => a + b, 0)).toBe(totals.totalMicros);
    expect(Object.values(totals.byGpuType).reduce((a, b) => a + b, 0)).toBe(totals.totalMicros);
  });

  it('is all zeros for no entries', () => {
    expect(summarizeCosts([])).toEqual({ totalMicros: 0, sessionCount: 0, billedSeconds: 0, byProvider: {}, byGpuType: {}, spotMicros: 0, spotOnDemandMicros: 0, spotSavingMicros: 0 });
  });
});

describe('spot lines', () => {
  const session = {
    id: 'ses_1',
    consumerId: 'my-app',
    provider: 'vastai' as const,
    gpuType: 'RTX 4090',
    pricePerHourMicros: 175_000,
    providerInstanceId: 'vast-1',
    interruptible: true,
    bidPerHourMicros: 165_000,
    onDemandPricePerHourMicros: 420_000,
    billingStartedAt: new Date('2026-01-01T00:00:00.000Z'),
  };

  it('carry the instance, its bid and what the same seconds cost on-demand', () => {
    const line = accrualEntry(session, 60, 3660, 'cst_1', new Date('2026-01-01T01:01:00.000Z'));
    expect(line).toMatchObject({ providerInstanceId: 'vast-1', bidPerHourMicros: 165_000, onDemandPricePerHourMicros: 420_000, amountMicros: 175_000, onDemandMicros: 420_000 });
    expect(summarizeCosts([line])).toMatchObject({ spotMicros: 175_000, spotOnDemandMicros: 420_000, spotSavingMicros: 245_000 });
  });

  it('claim no saving without an on-demand reference, and on-demand lines carry none', () => {
    const unknown = accrualEntry({ ...session, onDemandPricePerHourMicros: null }, 0, 3600, 'cst_1', new Date());
    const onDemand = accrualEntry({ ...session, interruptible: false, bidPerHourMicros: null, pricePerHourMicros: 420_000 }, 0, 3600, 'cst_2', new Date());
    expect(unknown).toMatchObject({ bidPerHourMicros: 165_000, onDemandMicros: null });
    expect(onDemand).toMatchObject({ bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null });
    expect(summarizeCosts([unknown, onDemand])).toMatchObject({ totalMicros: 595_000, spotMicros: 0, spotSavingMicros: 0 });
  });

  it('group into one record per instance with its bid, lifetime, cost and saving', () => {
    const first = [accrualEntry(session, 0, 600, 'cst_1', new Date()), accrualEntry(session, 600, 1800, 'cst_2', new Date())];
    const second = accrualEntry({ ...session, providerInstanceId: 'vast-2', bidPerHourMicros: 200_000, pricePerHourMicros: 210_000 }, 1800, 5400, 'cst_3', new Date());
    const records = instanceCostRecords([second, ...first]);
    expect(records).toEqual([
      expect.objectContaining({ providerInstanceId: 'vast-1', bidPerHourMicros: 165_000, startedAt: new Date('2026-01-01T00:00:00.000Z'), endedAt: new Date('2026-01-01T00:30:00.000Z'), lifetimeSeconds: 1800, costMicros: 87_500, onDemandCostMicros: 210_000, savingMicros: 122_500 }),
      expect.objectContaining({ providerInstanceId: 'vast-2', bidPerHourMicros: 200_000, startedAt: new Date('2026-01-01T00:30:00.000Z'), lifetimeSeconds: 3600, costMicros: 210_000, onDemandCostMicros: 420_000, savingMicros: 210_000 }),
    ]);
  });
});
