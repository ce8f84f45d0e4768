import { budgetPeriodStart, dueBudgetAlerts, type BudgetAlertThreshold } from '../consumers/consumer.js';
import { type IdGenerator } from '../ids/ids.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type Repositories } from '../ports/repositories.js';
import { type Session } from '../sessions/session.js';
import { type Clock } from '../time/clock.js';
import { billedSeconds } from './billing.js';
import { accrualEntry, type CostEntry } from './cost-entry.js';

export interface BudgetAlert {
  readonly consumerId: string;
  readonly thresholdPercent: BudgetAlertThreshold;
  readonly spentMicros: number;
  readonly limitMicros: number;
  readonly at: Date;
}

export interface CostAccountantOptions {
  readonly repositories: Repositories;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
  /** Called once per crossed threshold per budget period (metrics, webhook). */
  readonly onBudgetAlert?: (alert: BudgetAlert) => void | Promise<void>;
  /** Called after each ledger line is written (metrics). */
  readonly onAccrued?: (session: Session, amountMicros: number) => void;
}

/**
 * Accrues cost per second in µUSD from the provider-confirmed start to the verified stop (or now).
 * Each accrual recomputes from the total elapsed time and appends the difference against the
 * ledger's high-water mark, so lines never overlap or drift and the ledger sums exactly (invariant 10).
 */
export class CostAccountant {
  private readonly logger: Logger;

  constructor(private readonly options: CostAccountantOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'costs' });
  }

  /** Brings one session's ledger up to date. Returns the amount added (0 when nothing was due). */
  async accrue(session: Session): Promise<number> {
    if (!session.billingStartedAt) return 0;
    const total = billedSeconds(session, this.options.clock.now());
    const ledger = this.options.repositories.costs;
    const accrued = await ledger.accruedSeconds(session.id);
    if (total <= accrued) return 0;
    const entry = accrualEntry({ ...session, billingStartedAt: session.billingStartedAt }, accrued, total, this.options.ids.next('costEntry'), this.options.clock.now());
    const amount = entry.amountMicros;
    const appended = await ledger.appendAccrual(entry, accrued);
    // Losing the compare-and-set means another writer accrued the same seconds: nothing is lost.
    if (!appended.ok) return 0;
    this.options.onAccrued?.(session, amount);
    return amount;
  }

  /**
   * Brings many sessions' ledgers up to date at once (a lifecycle tick over every live session):
   * one read of their high-water marks and batched writes, each line still a compare-and-set, so a
   * line another writer got ahead of (a second tick, the terminator's final accrual) is dropped as
   * accrue() drops it. Returns the amount added.
   */
  async accrueAll(sessions: readonly Session[]): Promise<number> {
    const billed = sessions.filter((s): s is Session & { billingStartedAt: Date } => s.billingStartedAt !== null);
    if (billed.length === 0) return 0;
    const ledger = this.options.repositories.costs;
    const marks = await ledger.accruedSecondsOf(billed.map((s) => s.id));
    const now = this.options.clock.now();
    const due: { session: Session; entry: CostEntry; previousAccruedSeconds: number }[] = [];
    for (const session of billed) {
      const accrued = marks.get(session.id) ?? 0;
      const total = billedSeconds(session, now);
      if (total <= accrued) continue;
      due.push({ session, entry: accrualEntry(session, accrued, total, this.options.ids.next('costEntry'), now), previousAccruedSeconds: accrued });
    }
    if (due.length === 0) return 0;
    const results = await ledger.appendAccruals(due.map(({ entry, previousAccruedSeconds }) => ({ entry, previousAccruedSeconds })));
    let added = 0;
    results.forEach((result, i) => {
      const line = due[i];
      if (!result.ok || !line) return;
      added += line.entry.amountMicros;
      this.options.onAccrued?.(line.session, line.entry.amountMicros);
    });
    return added;
  }

  /** Total cost recorded for a session. */
  async sessionCost(sessionId: string): Promise<number> {
    return await this.options.repositories.costs.spentMicros({ sessionId });
  }

  /** Fires the budget alerts a consumer's spending has crossed this month, once each. */
  async checkBudget(consumerId: string): Promise<BudgetAlert[]> {
    const budgets = this.options.repositories.budgets;
    const budget = await budgets.get(consumerId);
    if (!budget) return [];
    const now = this.options.clock.now();
    const period = budgetPeriodStart(now);
    // A new month starts with no alerts sent.
    const current = budget.periodStart.getTime() === period.getTime() ? budget : { ...budget, periodStart: period, alertsSent: [] };
    const spent = await this.options.repositories.costs.spentMicros({ consumerId, from: period });
    const due = dueBudgetAlerts(current, spent);
    if (due.length === 0) {
      if (current !== budget) await budgets.upsert({ ...current, updatedAt: now });
      return [];
    }
    await budgets.upsert({ ...current, alertsSent: [...current.alertsSent, ...due], updatedAt: now });
    const alerts = due.map((thresholdPercent) => ({ consumerId, thresholdPercent, spentMicros: spent, limitMicros: budget.monthlyLimitMicros, at: now }));
    for (const alert of alerts) {
      this.logger.warn('budget threshold reached', { consumerId, thresholdPercent: alert.thresholdPercent, spentMicros: spent, limitMicros: budget.monthlyLimitMicros });
      try {
        await this.options.onBudgetAlert?.(alert);
      } catch (error) {
        this.logger.error('budget alert delivery failed', { consumerId, error });
      }
    }
    return alerts;
  }
}
