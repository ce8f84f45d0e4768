import { useQuery } from '@tanstack/react-query';

import { Bars } from '../components/Bars.js';
import { BudgetBar } from '../components/BudgetBar.js';
import { StackedDays } from '../components/StackedDays.js';
import { ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { money } from '../lib/format.js';

/** Spend per day, provider, GPU type and consumer, and the budgets (a consumer key sees its own). */
export function CostsPage() {
  const { client, whoami } = useConsole();
  const isAdmin = whoami.role === 'admin';
  const summary = useQuery({ queryKey: ['costs'], queryFn: () => client.costs.summary({ period: 'daily' }), refetchInterval: 10_000 });
  const consumers = useQuery({
    queryKey: ['consumers'],
    queryFn: () => client.consumers.list(),
    enabled: isAdmin,
  });
  const own = useQuery({
    queryKey: ['consumer', whoami.consumer_id],
    queryFn: () => client.consumers.retrieve(whoami.consumer_id ?? ''),
    enabled: !isAdmin && whoami.consumer_id !== null,
    retry: false,
  });
  // Per-consumer spend: one summary per consumer (admin only; a consumer key sees its own total).
  const perConsumer = useQuery({
    queryKey: ['costs-per-consumer', consumers.data?.consumers.map((c) => c.id).join(',')],
    queryFn: async () => {
      const ids = consumers.data?.consumers.map((c) => c.id) ?? [];
      const totals = await Promise.all(ids.map(async (id) => [id, (await client.costs.summary({ consumer_id: id })).total_cost] as const));
      return Object.fromEntries(totals);
    },
    enabled: isAdmin && consumers.isSuccess,
  });

  // Per day stacked by provider: one daily summary per provider that has spent anything.
  const providerNames = Object.keys(summary.data?.by_provider ?? {}).sort().join(',');
  const byProviderDaily = useQuery({
    queryKey: ['costs-daily-by-provider', providerNames],
    queryFn: async () => {
      const entries = await Promise.all(
        providerNames
          .split(',')
          .filter(Boolean)
          .map(async (provider) => {
            const daily = await client.costs.summary({ provider, period: 'daily' });
            return [provider, Object.fromEntries(daily.by_period.map((p) => [p.period, p.cost]))] as const;
          }),
      );
      return Object.fromEntries(entries);
    },
    enabled: summary.isSuccess,
  });

  if (summary.isPending) return <Loading what="costs" />;
  if (summary.isError) return <ErrorState error={summary.error} retry={() => void summary.refetch()} />;
  const s = summary.data;
  const budgets = isAdmin ? (consumers.data?.consumers ?? []).filter((c) => c.budget) : own.data?.budget ? [own.data] : [];
  return (
    <section aria-labelledby="costs-title">
      <h1 id="costs-title">Costs</h1>
      <div className="cards">
        <div className="card">
          <div className="muted small">Total</div>
          <div className="big" data-testid="total-cost">
            {money(s.total_cost)}
          </div>
        </div>
        <div className="card">
          <div className="muted small">Accruing now</div>
          <div className="big">{money(s.accruing_cost)}</div>
          <div className="muted small">{s.accruing_sessions} running sessions</div>
        </div>
        <div className="card">
          <div className="muted small">Sessions</div>
          <div className="big" data-testid="session-count">
            {s.session_count}
          </div>
          <div className="muted small">{s.hours_used.toFixed(2)} GPU hours</div>
        </div>
      </div>
      <div className="grid2">
        <StackedDays data={byProviderDaily.data ?? {}} />
        <Bars title="Per provider" values={s.by_provider} />
        <Bars title="Per GPU type" values={s.by_gpu_type} />
        {isAdmin ? <Bars title="Per consumer" values={perConsumer.data ?? {}} /> : null}
      </div>
      <h2>Budgets</h2>
      {budgets.length === 0 ? (
        <p className="empty">No monthly budget is set{isAdmin ? ' for any consumer (Admin → consumers)' : ''}.</p>
      ) : (
        budgets.map((c) => (c.budget ? <BudgetBar key={c.id} budget={c.budget} label={c.name || c.id} /> : null))
      )}
    </section>
  );
}
