import type { RankedBenchmark } from '@gpu-shopper/client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { Empty, ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { pricingLabel } from '../lib/filters.js';
import { money } from '../lib/format.js';

type RankedPricing = 'on-demand' | 'spot';

/**
 * Pick a model: live offers ranked by measured $ per million tokens, with the evidence; unmeasured apart.
 * On-demand or interruptible (spot, at the default bid): one or the other, never mixed in one ranking.
 */
export function RecommendationsPage() {
  const { client } = useConsole();
  const [model, setModel] = useState('');
  const [chosen, setChosen] = useState('');
  const [pricing, setPricing] = useState<RankedPricing>('on-demand');
  const [chosenPricing, setChosenPricing] = useState<RankedPricing>('on-demand');
  const benchmarks = useQuery({ queryKey: ['benchmarks'], queryFn: () => client.benchmarks.list({ limit: 200 }) });
  const models = [...new Set((benchmarks.data?.benchmarks ?? []).map((r) => r.model.name))].sort();
  const ranking = useQuery({
    queryKey: ['recommendations', chosen, chosenPricing],
    queryFn: () => client.benchmarks.recommendations({ model: chosen, pricing: chosenPricing }),
    enabled: chosen !== '',
  });
  // The measurements behind the ranking: every GPU and provider measured for the model, against the fastest.
  const comparison = useQuery({
    queryKey: ['benchmark-compare', chosen],
    queryFn: () => client.benchmarks.compare({ model: chosen }),
    enabled: chosen !== '',
    retry: false,
  });
  const cheapest = useQuery({
    queryKey: ['benchmark-cheapest', chosen],
    queryFn: () => client.benchmarks.cheapest({ model: chosen }),
    enabled: chosen !== '',
    retry: false,
  });
  const rows = ranking.data?.recommendations ?? [];
  const ranked = rows.filter((r) => r.status !== 'unmeasured');
  const unmeasured = rows.filter((r) => r.status === 'unmeasured');
  return (
    <section aria-labelledby="rec-title">
      <h1 id="rec-title">Recommendations</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setChosen(model.trim());
          setChosenPricing(pricing);
        }}
      >
        <label>
          Model
          <input list="models" value={model} onChange={(e) => setModel(e.target.value)} placeholder="e.g. meta-llama/Llama-3.1-8B-Instruct" />
          <datalist id="models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label>
          Pricing
          <select value={pricing} onChange={(e) => setPricing(e.target.value as RankedPricing)}>
            <option value="on-demand">On-demand</option>
            <option value="spot">Spot (interruptible)</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={model.trim() === ''}>
          Rank offers
        </button>
      </form>
      {chosen === '' ? (
        <Empty>{models.length > 0 ? `Measured models: ${models.join(', ')}.` : 'No benchmark results yet: run a benchmark to rank offers by $ per million tokens.'}</Empty>
      ) : ranking.isPending ? (
        <Loading what="recommendations" />
      ) : ranking.isError ? (
        <ErrorState error={ranking.error} />
      ) : (
        <>
          <h2>
            Ranked by $ per million tokens
            {ranking.data.pricing === 'spot' ? (
              <>
                {' '}
                <span className="badge badge-spot">interruptible (spot) offers only, at the default bid</span>
              </>
            ) : (
              ' (on-demand offers)'
            )}
          </h2>
          {ranked.length === 0 ? (
            <Empty>No live offer has a measurement for {chosen}.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Offer</th>
                  <th scope="col">$/h</th>
                  <th scope="col">Tokens/s</th>
                  <th scope="col">$/Mtok</th>
                  <th scope="col">Evidence</th>
                </tr>
              </thead>
              <tbody>
                {ranked.map((r) => (
                  <tr key={r.offer.id}>
                    <td>
                      {r.offer.gpu_count}× {r.offer.gpu_name} · {r.offer.provider}
                      {r.offer.interruptible ? (
                        <>
                          {' '}
                          <span className="badge badge-spot">{pricingLabel(r.offer)}</span>
                        </>
                      ) : null}
                    </td>
                    <td className="num">{money(r.offer.price_per_hour)}</td>
                    <td className="num">{r.expected_tokens_per_second?.toFixed(0) ?? '—'}</td>
                    <td className="num">{r.estimated_cost_per_million_tokens === null ? '—' : money(r.estimated_cost_per_million_tokens)}</td>
                    <td className="small">
                      {r.evidence ? `${r.evidence.sample_count} samples · ${r.evidence.age_days ?? 0} days old · scope ${r.evidence.scope}` : '—'}
                      {r.status === 'below_min_tps' ? ' · below the minimum tokens/s' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Measured throughput</h2>
          {comparison.data ? (
            <BenchmarkChart rows={[comparison.data.baseline, ...comparison.data.comparisons]} cheapest={cheapest.data ?? null} />
          ) : (
            <Empty>No benchmark results for {chosen}.</Empty>
          )}
          <h2>Unmeasured ({unmeasured.length})</h2>
          <ul className="small">
            {unmeasured.slice(0, 50).map((r) => (
              <li key={r.offer.id}>
                {r.offer.gpu_count}× {r.offer.gpu_name} · {r.offer.provider} · {money(r.offer.price_per_hour)}/h{r.offer.interruptible ? ` · ${pricingLabel(r.offer)}` : ''} {r.reason ? `— ${r.reason}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Median tokens/s per GPU and provider as bars (the fastest first), with $ per million tokens; the best and the cheapest marked. */
function BenchmarkChart({ rows, cheapest }: { rows: RankedBenchmark[]; cheapest: RankedBenchmark | null }) {
  const unique = [...new Map(rows.map((r) => [`${r.gpu}\u0000${r.provider}`, r])).values()].sort((a, b) => b.median_tokens_per_second - a.median_tokens_per_second);
  const max = Math.max(...unique.map((r) => r.median_tokens_per_second), 1);
  return (
    <figure className="bars">
      <figcaption>Median tokens per second (best: the fastest; cheapest: the lowest $ per million tokens)</figcaption>
      <ul>
        {unique.map((r, i) => (
          <li key={`${r.gpu}-${r.provider}`}>
            <span className="chart-label">
              {r.gpu} · {r.provider}
            </span>
            <span className="chart-bar" style={{ width: `${(r.median_tokens_per_second / max) * 50}%` }} />
            <span className="num">{r.median_tokens_per_second.toFixed(0)} tok/s</span>
            <span className="small muted">
              {r.cost_per_million_tokens === null ? 'no price' : `${money(r.cost_per_million_tokens)}/Mtok`} · {r.evidence.sample_count} samples
              {i === 0 ? ' · best' : ''}
              {cheapest && cheapest.gpu === r.gpu && cheapest.provider === r.provider ? ' · cheapest' : ''}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
