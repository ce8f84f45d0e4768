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
  /** The instance the line bills (a reprovisioned spot session has several); null before one exists. */
  providerInstanceId: z.string().nullable(),
  /** Spot lines: the bid the instance ran at, µUSD per hour (storage not included); null on-demand. */
  bidPerHourMicros: z.number().int().nonnegative().nullable(),
  /** Spot lines: the on-demand price of the same GPU recorded when the instance was rented, µUSD per hour. */
  onDemandPricePerHourMicros: z.number().int().nonnegative().nullable(),
  /** Spot lines: what the same period costs at that on-demand price (same per-second formula); the saving is this minus the amount. */
  onDemandMicros: z.number().int().nullable(),
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
  /** Part of the total spent on spot instances whose GPU had an on-demand price when rented. */
  readonly spotMicros: number;
  /** What those same spot periods would have cost on-demand. */
  readonly spotOnDemandMicros: number;
  /** spotOnDemandMicros − spotMicros: what renting spot saved (negative if the bids were above on-demand). */
  readonly spotSavingMicros: number;
}

/** Aggregates ledger lines; every breakdown is over the same lines, so they always add up to the total. */
export function summarizeCosts(entries: readonly CostEntry[]): CostTotals {
  const byProvider: Record<string, number> = {};
  const byGpuType: Record<string, number> = {};
  const sessions = new Set<string>();
  let totalMicros = 0;
  let billedSeconds = 0;
  let spotMicros = 0;
  let spotOnDemandMicros = 0;
  for (const entry of entries) {
    totalMicros += entry.amountMicros;
    // Only lines with a recorded reference count: a saving is never claimed against an unknown price.
    if (entry.onDemandMicros !== null) {
      spotMicros += entry.amountMicros;
      spotOnDemandMicros += entry.onDemandMicros;
    }
    billedSeconds += Math.max(0, Math.floor((entry.periodEnd.getTime() - entry.periodStart.getTime()) / 1000));
    sessions.add(entry.sessionId);
    byProvider[entry.provider] = (byProvider[entry.provider] ?? 0) + entry.amountMicros;
    byGpuType[entry.gpuType] = (byGpuType[entry.gpuType] ?? 0) + entry.amountMicros;
  }
  return { totalMicros, sessionCount: sessions.size, billedSeconds, byProvider, byGpuType, spotMicros, spotOnDemandMicros, spotSavingMicros: spotOnDemandMicros - spotMicros };
}

/**
 * The ledger line that brings a session from `accruedSec` to `totalSec` of billed time: the one
 * formula and period the cost accountant writes and the live cost reports preview.
 */
export function accrualEntry(
  session: Pick<Session, 'id' | 'consumerId' | 'provider' | 'gpuType' | 'pricePerHourMicros'> &
    Partial<Pick<Session, 'providerInstanceId' | 'interruptible' | 'bidPerHourMicros' | 'onDemandPricePerHourMicros'>> & { readonly billingStartedAt: Date },
  accruedSec: number,
  totalSec: number,
  id: string,
  recordedAt: Date,
): CostEntry {
  const start = session.billingStartedAt.getTime();
  const spot = session.interruptible === true;
  const reference = spot ? (session.onDemandPricePerHourMicros ?? null) : null;
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
    providerInstanceId: session.providerInstanceId ?? null,
    bidPerHourMicros: spot ? (session.bidPerHourMicros ?? null) : null,
    onDemandPricePerHourMicros: reference,
    onDemandMicros: reference === null ? null : accrualDelta(reference, accruedSec, totalSec),
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

/**
 * One instance's record, read from its ledger lines: what it was rented at (bid, on-demand
 * reference), when it billed (its lifetime: first line's start to last line's end), and what it
 * cost against on-demand. A reprovisioned spot session has one per instance.
 */
export interface InstanceCostRecord {
  readonly sessionId: string;
  readonly providerInstanceId: string | null;
  readonly provider: string;
  readonly gpuType: string;
  readonly interruptible: boolean;
  readonly bidPerHourMicros: number | null;
  readonly onDemandPricePerHourMicros: number | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly lifetimeSeconds: number;
  readonly costMicros: number;
  /** Null when no on-demand price was recorded (no saving claimed). */
  readonly onDemandCostMicros: number | null;
  readonly savingMicros: number | null;
}

/** Groups ledger lines by session and instance, in the order the instances started. */
export function instanceCostRecords(entries: readonly CostEntry[]): InstanceCostRecord[] {
  const records = new Map<string, { -readonly [K in keyof InstanceCostRecord]: InstanceCostRecord[K] }>();
  for (const entry of [...entries].sort((a, b) => a.periodStart.getTime() - b.periodStart.getTime())) {
    const key = `${entry.sessionId}\u0000${entry.providerInstanceId ?? ''}`;
    const record = records.get(key);
    if (!record) {
      records.set(key, {
        sessionId: entry.sessionId,
        providerInstanceId: entry.providerInstanceId,
        provider: entry.provider,
        gpuType: entry.gpuType,
        interruptible: entry.bidPerHourMicros !== null,
        bidPerHourMicros: entry.bidPerHourMicros,
        onDemandPricePerHourMicros: entry.onDemandPricePerHourMicros,
        startedAt: entry.periodStart,
        endedAt: entry.periodEnd,
        lifetimeSeconds: 0,
        costMicros: entry.amountMicros,
        onDemandCostMicros: entry.onDemandMicros,
        savingMicros: null,
      });
      continue;
    }
    if (entry.periodEnd > record.endedAt) record.endedAt = entry.periodEnd;
    record.costMicros += entry.amountMicros;
    if (entry.onDemandMicros !== null) record.onDemandCostMicros = (record.onDemandCostMicros ?? 0) + entry.onDemandMicros;
  }
  return [...records.values()].map((r) => ({
    ...r,
    lifetimeSeconds: Math.max(0, Math.floor((r.endedAt.getTime() - r.startedAt.getTime()) / 1000)),
    savingMicros: r.onDemandCostMicros === null ? null : r.onDemandCostMicros - r.costMicros,
  }));
}
