import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { Confirm } from '../components/Dialog.js';
import { Orphans } from '../components/Orphans.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { errorMessage } from '../lib/api.js';
import { useConsole } from '../lib/context.js';
import { dateTime, money } from '../lib/format.js';

/** Consumers and their keys, provider health (live checks), orphans found by reconciliation, offers that failed to provision, benchmark runs and schedules. Admin only. */
export function AdminPage() {
  const { client, whoami } = useConsole();
  const queryClient = useQueryClient();
  const [newId, setNewId] = useState('');
  const [newBudget, setNewBudget] = useState('');
  const [issuedKey, setIssuedKey] = useState<{ consumer: string; key: string } | null>(null);
  const isAdmin = whoami.role === 'admin';
  const consumers = useQuery({ queryKey: ['consumers'], queryFn: () => client.consumers.list(), enabled: isAdmin });
  const runs = useQuery({ queryKey: ['benchmark-runs'], queryFn: () => client.benchmarks.runs.list({ limit: 20 }), enabled: isAdmin });
  const schedules = useQuery({ queryKey: ['benchmark-schedules'], queryFn: () => client.benchmarks.schedules.list(), enabled: isAdmin });
  const health = useMutation({ mutationFn: () => client.providers.health() });
  // The reconciler's memory, read without asking any provider: cheap enough to refresh often.
  const reconciliation = useQuery({ queryKey: ['reconciliation'], queryFn: () => client.reconciliation.retrieve(), enabled: isAdmin, refetchInterval: 5000 });
  const offerHealth = useQuery({ queryKey: ['offer-health'], queryFn: () => client.offerHealth.list(), enabled: isAdmin, refetchInterval: 30_000 });
  const [revoking, setRevoking] = useState<{ consumer: string; keyId: string; prefix: string } | null>(null);
  const issueKey = useMutation({
    mutationFn: (consumer: string) => client.consumers.createKey(consumer),
    onSuccess: (answer, consumer) => {
      setIssuedKey({ consumer, key: answer.api_key });
      void queryClient.invalidateQueries({ queryKey: ['consumers'] });
    },
  });
  const revokeKey = useMutation({
    mutationFn: (target: { consumer: string; keyId: string }) => client.consumers.revokeKey(target.consumer, target.keyId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['consumers'] }),
  });
  const create = useMutation({
    mutationFn: () => client.consumers.create({ id: newId.trim(), ...(newBudget.trim() !== '' ? { monthly_budget: Number(newBudget) } : {}) }),
    onSuccess: (answer) => {
      setIssuedKey({ consumer: answer.consumer.id, key: answer.api_key });
      setNewId('');
      setNewBudget('');
      void queryClient.invalidateQueries({ queryKey: ['consumers'] });
    },
  });
  if (!isAdmin) return <Empty>The admin pages need the admin token; this console is signed in as consumer {whoami.consumer_id}.</Empty>;
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <h2>Consumers</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          New consumer id
          <input value={newId} onChange={(e) => setNewId(e.target.value)} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" maxLength={64} required title="Letters, digits, dot, dash and underscore, starting with a letter or digit" />
        </label>
        <label>
          Monthly budget ($, optional)
          <input type="number" min="0" step="1" value={newBudget} onChange={(e) => setNewBudget(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={create.isPending || newId.trim() === ''}>
          Create consumer
        </button>
      </form>
      {create.isError ? (
        <p className="error" role="alert">
          {errorMessage(create.error)}
        </p>
      ) : null}
      {issuedKey ? (
        <div className="warning" role="note">
          API key of {issuedKey.consumer}, shown once: <code data-testid="issued-key">{issuedKey.key}</code>{' '}
          <button type="button" onClick={() => setIssuedKey(null)}>
            Hide it
          </button>
        </div>
      ) : null}
      {issueKey.isError || revokeKey.isError ? (
        <p className="error" role="alert">
          {errorMessage(issueKey.error ?? revokeKey.error)}
        </p>
      ) : null}
      {revoking ? (
        <Confirm
          title="Revoke this API key?"
          message={`Key ${revoking.prefix}… of ${revoking.consumer} stops working at once; whoever uses it gets 401. Its sessions keep running.`}
          confirmLabel="Revoke"
          danger
          onCancel={() => setRevoking(null)}
          onConfirm={() => {
            revokeKey.mutate(revoking);
            setRevoking(null);
          }}
        />
      ) : null}
      {consumers.isPending ? (
        <Loading what="consumers" />
      ) : consumers.isError ? (
        <ErrorState error={consumers.error} />
      ) : consumers.data.consumers.length === 0 ? (
        <Empty>No consumers yet.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Consumer</th>
              <th scope="col">Keys</th>
              <th scope="col">Budget</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {consumers.data.consumers.map((c) => (
              <tr key={c.id}>
                <td>
                  {c.name || c.id} {c.disabled_at ? <span className="muted">(disabled)</span> : null}
                </td>
                <td className="small">
                  <ul className="keys">
                    {c.api_keys.map((k) => (
                      <li key={k.id}>
                        <code>{k.prefix}…</code>{' '}
                        {k.revoked_at ? (
                          <span className="muted">revoked {dateTime(k.revoked_at)}</span>
                        ) : (
                          <>
                            <span className="muted">{k.last_used_at ? `used ${dateTime(k.last_used_at)}` : 'never used'}</span>{' '}
                            <button type="button" className="link" onClick={() => setRevoking({ consumer: c.id, keyId: k.id, prefix: k.prefix })} aria-label={`Revoke key ${k.prefix}… of ${c.name || c.id}`}>
                              Revoke
                            </button>
                          </>
                        )}
                      </li>
                    ))}
                  </ul>
                  <button type="button" onClick={() => issueKey.mutate(c.id)} disabled={issueKey.isPending} aria-label={`New key for ${c.name || c.id}`}>
                    New key
                  </button>
                </td>
                <td>{c.budget ? `${money(c.budget.spent_this_month)} of ${money(c.budget.monthly_limit)}` : '—'}</td>
                <td>{dateTime(c.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Provider health</h2>
      <button type="button" onClick={() => health.mutate()} disabled={health.isPending}>
        {health.isPending ? 'Checking…' : 'Run the live provider check'}
      </button>
      {health.isError ? <ErrorState error={health.error} /> : null}
      {health.data ? (
        <ul>
          {health.data.providers.map((p) => (
            <li key={p.provider}>
              <strong>{p.provider}</strong>: {p.ok ? 'ok' : `failing — ${p.error ?? 'unknown'}`}
              {p.offers ? ` · ${p.offers.parsed} offers parsed` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <h2>Orphans found by reconciliation</h2>
      {reconciliation.isPending ? (
        <Loading what="the reconciler's findings" />
      ) : reconciliation.isError ? (
        <ErrorState error={reconciliation.error} retry={() => void reconciliation.refetch()} />
      ) : (
        <Orphans report={reconciliation.data} />
      )}
      <h2>Offers that failed to provision</h2>
      {offerHealth.isError ? (
        <ErrorState error={offerHealth.error} />
      ) : (offerHealth.data?.offers.length ?? 0) === 0 ? (
        <Empty>No recent provisioning failures.</Empty>
      ) : (
        <ul className="small">
          {offerHealth.data?.offers.map((o) => (
            <li key={o.offer_id}>
              {o.offer_id} ({o.gpu_type} at {o.provider}) · {o.recent_failures} recent failures, last {dateTime(o.last_failure_at)}: {o.last_failure_type} — {o.last_failure_reason}
              {o.suppressed ? ` · hidden from the inventory until ${dateTime(o.suppressed_until)}` : ''}
            </li>
          ))}
        </ul>
      )}
      <h2>Benchmark runs</h2>
      {runs.isError ? (
        <ErrorState error={runs.error} />
      ) : (runs.data?.runs.length ?? 0) === 0 ? (
        <Empty>No benchmark runs.</Empty>
      ) : (
        <ul className="small">
          {runs.data?.runs.map((r) => (
            <li key={r.id}>
              {r.id} · {r.status} · {dateTime(r.created_at)}
            </li>
          ))}
        </ul>
      )}
      <h2>Benchmark schedules</h2>
      {schedules.isError ? (
        <ErrorState error={schedules.error} />
      ) : (schedules.data?.schedules.length ?? 0) === 0 ? (
        <Empty>No schedules.</Empty>
      ) : (
        <ul className="small">
          {schedules.data?.schedules.map((s) => (
            <li key={s.id}>
              {s.id} · {s.cron_expression} · {s.enabled ? 'enabled' : 'paused'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
