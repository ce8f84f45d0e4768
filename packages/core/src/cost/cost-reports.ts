import { ValidationError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type CostLedgerRepository } from '../ports/repositories.js';
import { summarizeCosts, type CostEntry, type CostTotals } from './cost-entry.js';

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
  readonly from: Date | null;
  /** Exclusive end: the day after `endDate`. */
  readonly to: Date | null;
  readonly byPeriod: { readonly period: string; readonly totalMicros: number }[];
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

/** Cost summaries over the ledger: totals, by provider and GPU, and optionally by day or month. */
export async function buildCostReport(ledger: CostLedgerRepository, query: CostReportQuery): Promise<Result<CostReport, ValidationError>> {
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
  return Ok({ ...summarizeCosts(entries), from, to, byPeriod: query.period ? byPeriod(entries, query.period) : [] });
}

function byPeriod(entries: readonly CostEntry[], period: 'daily' | 'monthly'): { period: string; totalMicros: number }[] {
  const totals = new Map<string, number>();
  for (const entry of entries) {
    const key = entry.periodStart.toISOString().slice(0, period === 'daily' ? 10 : 7);
    totals.set(key, (totals.get(key) ?? 0) + entry.amountMicros);
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, totalMicros]) => ({ period: key, totalMicros }));
}
