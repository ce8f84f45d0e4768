import type { Budget } from '@gpu-shopper/client';

import { ALERT_THRESHOLDS, budgetView } from '../lib/budget.js';
import { money } from '../lib/format.js';

/** A budget's month so far: spent of limit, the alert thresholds as marks, and the alerts already sent. */
export function BudgetBar({ budget, label }: { budget: Budget; label: string }) {
  const view = budgetView(budget);
  const percent = Math.round(view.fraction * 100);
  return (
    <div className={`budget budget-${view.level}`}>
      <div className="budget-head">
        <span>{label}</span>
        <span>
          {money(view.spent)} of {money(view.limit)} ({Number.isFinite(percent) ? percent : '∞'}%) · {money(view.remaining)} left
        </span>
      </div>
      <div className="bar" role="progressbar" aria-label={`${label} budget used`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(100, Number.isFinite(percent) ? percent : 100)}>
        <div className="bar-fill" style={{ width: `${Math.min(100, Number.isFinite(percent) ? percent : 100)}%` }} />
        {ALERT_THRESHOLDS.filter((t) => t < 100).map((t) => (
          <div key={t} className="bar-mark" style={{ left: `${t}%` }} />
        ))}
      </div>
      <div className="muted small">
        Alerts at {ALERT_THRESHOLDS.join('%, ')}%
        {budget.alerts_sent.length > 0 ? ` · sent this month: ${budget.alerts_sent.map((a) => `${a}%`).join(', ')}` : ' · none sent this month'}
      </div>
    </div>
  );
}
