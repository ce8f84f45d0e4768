import { money } from '../lib/format.js';

/** Amounts as horizontal bars, largest first: spend per provider, GPU type or consumer. */
export function Bars({ title, values }: { title: string; values: Record<string, number> }) {
  const entries = Object.entries(values).sort((a, b) => b[1] - a[1]);
  const max = Math.max(...entries.map(([, v]) => v), 0.000001);
  return (
    <figure className="bars">
      <figcaption>{title}</figcaption>
      {entries.length === 0 ? (
        <p className="empty">Nothing spent yet.</p>
      ) : (
        <ul>
          {entries.map(([name, value]) => (
            <li key={name}>
              <span className="chart-label">{name}</span>
              <span className="chart-bar" style={{ width: `${(value / max) * 60}%` }} />
              <span className="num">{money(value)}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
