import { z } from 'zod';

import { accrualDelta } from '../money/money.js';
import { providerNameSchema } from '../providers/provider-name.js';
import { type Session } from '../sessions/session.js';

/**
 * One ledger line: cost accrued by a session over [periodStart, periodEnd). Lines are appended, never
 * rewritten; a session's cost is the sum of its lines, so ledger totals equal the sum of session
 * costs by construction (invariant 10).
 */
export const costEntrySchema = z.object({
  id: z.string().min(1),
  sessionId: z.string().min(1),
  consumerId: z.string().min(1),
  provider: providerNameSchema,
  gpuType: z.string().min(1),
  periodStart: z.date(),
  periodEnd: z.date(),
  /** Seconds since billing start covered once this line is added (the accrual high-water mark). */
  accruedSeconds: z.number().int().nonnegative(),
  amountMicros: z.number().int(),
  recordedAt: z.date(),
});
export type CostEntry = z.infer<typeof costEntrySchema>;

/** Ledger query: every field narrows; times select lines whose period starts in [from, to). */
export interface CostQuery {
  readonly consumerId?: string;
  readonly sessionId?: string;
  readonly provider?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface CostTotals {
  readonly totalMicros: number;
  readonly sessionCount: number;
  readonly billedSeconds: number;
  readonly byProvider: Readonly<Record<string, number>>;
  readonly byGpuType: Readonly<Record<string, number>>;
}

/** Aggregates ledger lines; every breakdown is over the same lines, so they always add up to the total. */
export function summarizeCosts(entries: readonly CostEntry[]): CostTotals {
  const byProvider: Record<string, number> = {};
  const byGpuType: Record<string, number> = {};
  const sessions = new Set<string>();
  let totalMicros = 0;
  let billedSeconds = 0;
  for (const entry of entries) {
    totalMicros += entry.amountMicros;
    billedSeconds += Math.max(0, Math.floor((entry.periodEnd.getTime() - entry.periodStart.getTime()) / 1000));
    sessions.add(entry.sessionId);
    byProvider[entry.provider] = (byProvider[entry.provider] ?? 0) + entry.amountMicros;
    byGpuType[entry.gpuType] = (byGpuType[entry.gpuType] ?? 0) + entry.amountMicros;
  }
  return { totalMicros, sessionCount: sessions.size, billedSeconds, byProvider, byGpuType };
}

/**
 * The ledger line that brings a session from `accruedSec` to `totalSec` of billed time: the one
 * formula and period the cost accountant writes and the live cost reports preview.
 */
export function accrualEntry(
  session: Pick<Session, 'id' | 'consumerId' | 'provider' | 'gpuType' | 'pricePerHourMicros'> & { readonly billingStartedAt: Date },
  accruedSec: number,
  totalSec: number,
  id: string,
  recordedAt: Date,
): CostEntry {
  const start = session.billingStartedAt.getTime();
  return {
    id,
    sessionId: session.id,
    consumerId: session.consumerId,
    provider: session.provider,
    gpuType: session.gpuType,
    periodStart: new Date(start + accruedSec * 1000),
    periodEnd: new Date(start + totalSec * 1000),
    accruedSeconds: totalSec,
    amountMicros: accrualDelta(session.pricePerHourMicros, accruedSec, totalSec),
    recordedAt,
  };
}

/**
 * The compare-and-set of a batched accrual, decided against `marks` (each session's high-water
 * mark, read inside the same transaction that will write): a line lands only if its session's mark
 * is still its `previousAccruedSeconds` and it moves the mark forward. Lines of one session are
 * taken in order, as if appended one after another. Every store applies the same rule through this.
 */
export function acceptedAccruals(
  accruals: readonly { readonly entry: Pick<CostEntry, 'sessionId' | 'accruedSeconds'>; readonly previousAccruedSeconds: number }[],
  marks: ReadonlyMap<string, number>,
): boolean[] {
  const moved = new Map<string, number>();
  return accruals.map(({ entry, previousAccruedSeconds }) => {
    const current = moved.get(entry.sessionId) ?? marks.get(entry.sessionId) ?? 0;
    if (current !== previousAccruedSeconds || entry.accruedSeconds <= current) return false;
    moved.set(entry.sessionId, entry.accruedSeconds);
    return true;
  });
}
