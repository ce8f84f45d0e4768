import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { Empty, ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { money } from '../lib/format.js';

/** Pick a model: live offers ranked by measured $ per million tokens, with the evidence; unmeasured apart. */
export function RecommendationsPage() {
  const { client } = useConsole();
  const [model, setModel] = useState('');
  const [chosen, setChosen] = useState('');
  const benchmarks = useQuery({ queryKey: ['benchmarks'], queryFn: () => client.benchmarks.list({ limit: 200 }) });
  const models = [...new Set((benchmarks.data?.benchmarks ?? []).map((r) => r.model.name))].sort();
  const ranking = useQuery({
    queryKey: ['recommendations', chosen],
    queryFn: () => client.benchmarks.recommendations({ model: chosen }),
    enabled: chosen !== '',
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
          <h2>Ranked by $ per million tokens</h2>
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
          <h2>Unmeasured ({unmeasured.length})</h2>
          <ul className="small">
            {unmeasured.slice(0, 50).map((r) => (
              <li key={r.offer.id}>
                {r.offer.gpu_count}× {r.offer.gpu_name} · {r.offer.provider} · {money(r.offer.price_per_hour)}/h {r.reason ? `— ${r.reason}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
