import { money } from '../lib/format.js';

/** Per-period totals of each provider: `{ provider: { '2026-12-06': 1.2, … } }`. */
export type SpendByProvider = Record<string, Record<string, number>>;

export interface StackedRow {
  period: string;
  total: number;
  parts: { provider: string; value: number }[];
}

/** Rows per period (newest first), each with its providers' parts in a stable provider order. */
export function stackRows(data: SpendByProvider): StackedRow[] {
  const providers = Object.keys(data).sort();
  const periods = [...new Set(providers.flatMap((p) => Object.keys(data[p] ?? {})))].sort().reverse();
  return periods.map((period) => {
    const parts = providers.map((provider) => ({ provider, value: data[provider]?.[period] ?? 0 })).filter((part) => part.value > 0);
    return { period, total: parts.reduce((sum, part) => sum + part.value, 0), parts };
  });
}

/** Spend per day as horizontal bars stacked by provider, with a legend; each bar's total is written out. */
export function StackedDays({ data }: { data: SpendByProvider }) {
  const rows = stackRows(data);
  const max = Math.max(...rows.map((r) => r.total), 0.000001);
  const providers = Object.keys(data).sort();
  return (
    <figure className="bars">
      <figcaption>Per day, by provider</figcaption>
      {rows.length === 0 ? (
        <p className="empty">Nothing spent yet.</p>
      ) : (
        <>
          <ul className="legend" aria-label="Providers">
            {providers.map((p) => (
              <li key={p}>
                <span className={`swatch provider-${p}`} /> {p}
              </li>
            ))}
          </ul>
          <ul>
            {rows.map((row) => (
              <li key={row.period}>
                <span className="chart-label">{row.period}</span>
                <span className="stack" style={{ width: `${(row.total / max) * 60}%` }} title={row.parts.map((part) => `${part.provider} ${money(part.value)}`).join(', ')}>
                  {row.parts.map((part) => (
                    <span key={part.provider} className={`stack-part provider-${part.provider}`} style={{ width: `${(part.value / row.total) * 100}%` }} />
                  ))}
                </span>
                <span className="num">{money(row.total)}</span>
                <span className="sr-only">{row.parts.map((part) => `${part.provider} ${money(part.value)}`).join(', ')}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}
