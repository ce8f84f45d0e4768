import { summarizeCosts, type CostEntry } from './cost-entry.js';

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
    expect(summarizeCosts([])).toEqual({ totalMicros: 0, sessionCount: 0, billedSeconds: 0, byProvider: {}, byGpuType: {} });
  });
});
