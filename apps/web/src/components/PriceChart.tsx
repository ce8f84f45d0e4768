import type { PricePoint } from '../lib/filters.js';
import { money } from '../lib/format.js';

export interface PriceRow {
  gpuType: string;
  /** Each provider's cheapest $/GPU-hour for this GPU type, null where it has no such offer. */
  cells: { provider: string; min: number | null; count: number }[];
  /** The provider with the lowest price for this GPU type. */
  cheapest: string;
}

/** One row per GPU type with a cell per provider (in the given order), the cheapest named. */
export function priceMatrix(points: readonly PricePoint[], providers: readonly string[]): PriceRow[] {
  const byGpu = new Map<string, Map<string, PricePoint>>();
  for (const p of points) {
    const row = byGpu.get(p.gpuType) ?? new Map<string, PricePoint>();
    row.set(p.provider, p);
    byGpu.set(p.gpuType, row);
  }
  return [...byGpu.entries()]
    .map(([gpuType, row]) => {
      const cells = providers.map((provider) => ({ provider, min: row.get(provider)?.min ?? null, count: row.get(provider)?.count ?? 0 }));
      const cheapest = [...row.values()].reduce((a, b) => (b.min < a.min ? b : a));
      return { gpuType, cells, cheapest: cheapest.provider };
    })
    .sort((a, b) => a.gpuType.localeCompare(b.gpuType));
}

/**
 * The cheapest $ per GPU-hour of each GPU type at each provider, side by side on one scale (of the
 * offers the filters leave): a bar per provider, the cheapest in bold. A table underneath, so it
 * reads the same to a screen reader.
 */
export function PriceChart({ points, providers }: { points: readonly PricePoint[]; providers: readonly string[] }) {
  const rows = priceMatrix(points, providers);
  const max = Math.max(...points.map((p) => p.min), 0.000001);
  return (
    <details className="chart" open>
      <summary>Cheapest $ per GPU-hour, by GPU type across providers</summary>
      {/* Focusable: a long chart scrolls, and the keyboard must be able to scroll it too. */}
      <div className="table-wrap price-chart-wrap" tabIndex={0} role="region" aria-label="Price chart (scrolls)">
        <table className="price-chart">
          <caption className="sr-only">Cheapest price per GPU-hour for each GPU type at each provider; the cheapest provider is marked</caption>
          <thead>
            <tr>
              <th scope="col">GPU type</th>
              {providers.map((p) => (
                <th scope="col" key={p}>
                  <span className={`swatch provider-${p}`} /> {p}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.gpuType}>
                <th scope="row">{row.gpuType}</th>
                {row.cells.map((cell) => (
                  <td key={cell.provider} className={cell.provider === row.cheapest && cell.min !== null ? 'cheapest' : undefined}>
                    {cell.min === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <>
                        <span className={`chart-bar provider-${cell.provider}`} style={{ width: `${Math.max(2, (cell.min / max) * 120)}px` }} /> {money(cell.min)}
                        {cell.provider === row.cheapest ? <span className="sr-only"> (cheapest)</span> : null}
                        <span className="muted small"> · {cell.count}</span>
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
