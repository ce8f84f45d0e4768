import { ValidationError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { billedSeconds } from './billing.js';
import { type CostLedgerRepository, type SessionRepository } from '../ports/repositories.js';
import { LIVE_STATUSES, TERMINAL_STATUSES } from '../sessions/session.js';
import { accrualEntry, instanceCostRecords, summarizeCosts, type CostEntry, type CostTotals, type InstanceCostRecord } from './cost-entry.js';

export interface CostReportQuery {
  readonly consumerId?: string;
  readonly sessionId?: string;
  readonly provider?: string;
  /** First day included, `YYYY-MM-DD` (UTC). */
  readonly startDate?: string;
  /** Last day included, `YYYY-MM-DD` (UTC). */
  readonly endDate?: string;
  /** Adds a breakdown by UTC day or month. */
  readonly period?: 'daily' | 'monthly';
}

export interface CostReport extends CostTotals {
  /**
   * Part of the totals not yet written to the ledger: running sessions' cost from their last
   * accrual up to now (the ledger catches up on the next lifecycle tick). Included in every total.
   */
  readonly accruingMicros: number;
  /** Sessions with such an accruing part. */
  readonly accruingSessionCount: number;
  readonly from: Date | null;
  /** Exclusive end: the day after `endDate`. */
  readonly to: Date | null;
  readonly byPeriod: { readonly period: string; readonly totalMicros: number }[];
  /** Each spot instance billed in the range: its bid, on-demand reference, lifetime, cost and saving (accruing part included). */
  readonly spotInstances: InstanceCostRecord[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → that UTC midnight; rejects impossible dates such as 2026-02-30. */
export function parseUtcDate(text: string, field: string): Result<Date, ValidationError> {
  const match = DATE.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !date || date.toISOString().slice(0, 10) !== text) {
    return Err(new ValidationError(`${field} must be a date as YYYY-MM-DD`, [{ path: field, message: `'${text}' is not a valid date` }]));
  }
  return Ok(date);
}

/** Where the not-yet-accrued cost of running sessions comes from (optional: without it, the ledger alone). */
export interface LiveAccrualSource {
  readonly sessions: Pick<SessionRepository, 'list' | 'get'>;
  readonly now: Date;
}


/**
 * The cost of live sessions from their ledger high-water mark up to now, as the ledger lines the next
 * accrual will write (same formula, same period start), so a report neither lags a tick behind nor
 * counts anything twice once the ledger catches up.
 */
async function accruingEntries(ledger: CostLedgerRepository, live: LiveAccrualSource, query: CostReportQuery): Promise<CostEntry[]> {
  const sessions = query.sessionId !== undefined ? [await live.sessions.get(query.sessionId)].filter((s) => s !== undefined) : await live.sessions.list({ statuses: LIVE_STATUSES, ...(query.consumerId !== undefined ? { consumerId: query.consumerId } : {}) });
  const entries: CostEntry[] = [];
  for (const session of sessions) {
    if (!session.billingStartedAt || session.stoppedAt || TERMINAL_STATUSES.includes(session.status)) continue;
    if (query.consumerId !== undefined && session.consumerId !== query.consumerId) continue;
    if (query.provider !== undefined && session.provider !== query.provider) continue;
    const total = billedSeconds(session, live.now);
    const accrued = await ledger.accruedSeconds(session.id);
    if (total <= accrued) continue;
    entries.push(accrualEntry({ ...session, billingStartedAt: session.billingStartedAt }, accrued, total, `accruing_${session.id}`, live.now));
  }
  return entries;
}

/**
 * Cost summaries over the ledger: totals, by provider and GPU, and optionally by day or month. With
 * `live`, running sessions' cost since their last accrual is included (and reported as accruing).
 */
export async function buildCostReport(ledger: CostLedgerRepository, query: CostReportQuery, live?: LiveAccrualSource): Promise<Result<CostReport, ValidationError>> {
  let from: Date | null = null;
  let to: Date | null = null;
  if (query.startDate !== undefined) {
    const parsed = parseUtcDate(query.startDate, 'start');
    if (!parsed.ok) return parsed;
    from = parsed.val;
  }
  if (query.endDate !== undefined) {
    const parsed = parseUtcDate(query.endDate, 'end');
    if (!parsed.ok) return parsed;
    to = new Date(parsed.val.getTime() + 86_400_000);
  }
  if (from && to && from.getTime() >= to.getTime()) {
    return Err(new ValidationError('start must not be after end', [{ path: 'start', message: 'after end' }]));
  }
  const entries = await ledger.list({
    ...(query.consumerId !== undefined ? { consumerId: query.consumerId } : {}),
    ...(query.sessionId !== undefined ? { sessionId: query.sessionId } : {}),
    ...(query.provider !== undefined ? { provider: query.provider } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  });
  // An accruing part belongs to the range its period starts in, as its ledger line will.
  const accruing = live
    ? (await accruingEntries(ledger, live, query)).filter((e) => (!from || e.periodStart >= from) && (!to || e.periodStart < to))
    : [];
  const all = [...entries, ...accruing];
  return Ok({
    ...summarizeCosts(all),
    accruingMicros: accruing.reduce((sum, e) => sum + e.amountMicros, 0),
    accruingSessionCount: accruing.length,
    from,
    to,
    byPeriod: query.period ? byPeriod(all, query.period) : [],
    spotInstances: instanceCostRecords(all).filter((record) => record.interruptible),
  });
}

function byPeriod(entries: readonly CostEntry[], period: 'daily' | 'monthly'): { period: string; totalMicros: number }[] {
  const totals = new Map<string, number>();
  for (const entry of entries) {
    const key = entry.periodStart.toISOString().slice(0, period === 'daily' ? 10 : 7);
    totals.set(key, (totals.get(key) ?? 0) + entry.amountMicros);
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, totalMicros]) => ({ period: key, totalMicros }));
}

/**
 * A session's instances as the ledger records them (each one's bid, on-demand reference, lifetime and
 * cost), the current one's accruing part included: a reprovisioned spot session lists one per instance.
 */
export async function sessionInstanceRecords(ledger: CostLedgerRepository, live: LiveAccrualSource, sessionId: string): Promise<InstanceCostRecord[]> {
  const entries = await ledger.list({ sessionId });
  return instanceCostRecords([...entries, ...(await accruingEntries(ledger, live, { sessionId }))]);
}
