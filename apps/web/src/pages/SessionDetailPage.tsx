import type { SessionEvent } from '@gpu-shopper/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { CopyButton } from '../components/CopyButton.js';
import { Confirm } from '../components/Dialog.js';
import { ErrorState, Loading } from '../components/States.js';
import { errorMessage } from '../lib/api.js';
import { bidMoney } from '../lib/filters.js';
import { useConsole } from '../lib/context.js';
import { dateTime, duration, money } from '../lib/format.js';
import { liveCost, TERMINAL } from '../lib/session-cost.js';
import { useNow } from '../lib/use-now.js';
import { useSessionStream } from '../lib/use-session-stream.js';

type Action = 'done' | 'delete' | 'extend';

/** Events that need words beyond their type: a spot session's outbid and its move to another host. */
const EVENT_LABELS: Readonly<Record<string, string>> = {
  preempted: 'preempted (outbid by a higher bid)',
  host_changed: 'host changed (new SSH host and port, same key)',
};

/** One session, live: its event stream (SSE) drives refetches, so a status change shows without reload. */
export function SessionDetailPage({ id }: { id: string }) {
  const { client } = useConsole();
  const queryClient = useQueryClient();
  const now = useNow();
  const [events, setEvents] = useState<SessionEvent[]>([]);
  const [confirming, setConfirming] = useState<Action | null>(null);
  const session = useQuery({
    queryKey: ['session', id],
    queryFn: async () => ({ session: await client.sessions.retrieve(id), fetchedAt: Date.now() }),
    // A slow safety net: the stream is what makes the page live.
    refetchInterval: 15_000,
  });

  // Live: each new event is listed and makes the session refetch; a dropped stream reconnects.
  const { state: streamState, reconnects } = useSessionStream(client, id, (event) => {
    setEvents((previous) => [...previous, event]);
    void queryClient.invalidateQueries({ queryKey: ['session', id] });
  });
  useEffect(() => setEvents([]), [id]);

  const action = useMutation({
    mutationFn: async (which: Action) => {
      if (which === 'done') return client.sessions.done(id);
      if (which === 'delete') return client.sessions.delete(id);
      return client.sessions.extend(id, { hours: 1 });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['session', id] }),
  });
  const diagnostics = useMutation({ mutationFn: () => client.sessions.diagnostics(id) });

  if (session.isPending) return <Loading what="the session" />;
  if (session.isError) return <ErrorState error={session.error} retry={() => void session.refetch()} />;
  const s = session.data.session;
  const terminal = TERMINAL.has(s.status);
  const hardMaxLeft = Date.parse(s.hard_max_at) - now;
  const reservationLeft = Date.parse(s.expires_at) - now;

  return (
    <section aria-labelledby="session-title">
      <p>
        <a href="#/sessions">← All sessions</a>
      </p>
      <h1 id="session-title">
        Session {s.id}{' '}
        <span className={`status status-${s.status}`} data-testid="session-status">
          {s.status}
        </span>
      </h1>
      <p className="muted small" role="status">
        Live updates:{' '}
        {streamState === 'live'
          ? 'connected'
          : streamState === 'ended'
            ? 'the session has ended'
            : streamState === 'reconnecting'
              ? `disconnected, reconnecting (attempt ${reconnects}; refreshing every 15 s meanwhile)`
              : streamState === 'refused'
                ? 'refused by the server'
                : 'connecting…'}
      </p>
      <dl className="facts">
        <dt>GPU</dt>
        <dd>
          {s.gpu_count}× {s.gpu_type} at {s.provider}
        </dd>
        <dt>Consumer</dt>
        <dd>{s.consumer_id}</dd>
        <dt>Price</dt>
        <dd>{money(s.price_per_hour)}/h</dd>
        <dt>Pricing</dt>
        <dd data-testid="session-pricing">{s.interruptible ? <span className="badge badge-spot">interruptible (spot)</span> : 'on-demand'}</dd>
        {s.interruptible ? (
          <>
            <dt>Bid</dt>
            <dd data-testid="session-bid">{s.bid === null ? '—' : `${bidMoney(s.bid)}/h`} (disk not included)</dd>
            <dt>Maximum bid</dt>
            <dd data-testid="session-max-bid">{s.max_bid === null ? '—' : `${bidMoney(s.max_bid)}/h`}</dd>
            <dt>When outbid</dt>
            <dd data-testid="session-on-preempt">{s.on_preempt === 'reprovision' ? 'reprovision on another spot offer (same key, new host)' : 'end the session'}</dd>
            <dt>Preemptions</dt>
            <dd data-testid="session-preemptions">{s.preemptions}</dd>
          </>
        ) : null}
        <dt>Cost so far</dt>
        <dd data-testid="cost-so-far">{money(liveCost(s, session.data.fetchedAt, now))}</dd>
        {!terminal ? (
          <>
            <dt>Reservation ends in</dt>
            <dd data-testid="reservation-left">{duration(reservationLeft)}</dd>
            <dt>Time left before the hard maximum</dt>
            <dd data-testid="hard-max-left">{duration(hardMaxLeft)}</dd>
          </>
        ) : (
          <>
            <dt>Stopped</dt>
            <dd>
              {dateTime(s.stopped_at)} {s.stop_reason ? `(${s.stop_reason})` : ''}
            </dd>
          </>
        )}
        {s.error ? (
          <>
            <dt>Error</dt>
            <dd className="error-text">
              {s.error} {s.error_type ? `(${s.error_type})` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {s.ssh_command && !terminal ? (
        <div className="ssh">
          <h2>SSH</h2>
          <code data-testid="ssh-command">{s.ssh_command}</code> <CopyButton text={s.ssh_command} label="Copy SSH command" />
        </div>
      ) : null}
      {!terminal ? (
        <div className="actions left">
          <button type="button" onClick={() => setConfirming('extend')} disabled={action.isPending}>
            Extend 1 hour
          </button>
          <button type="button" className="primary" onClick={() => setConfirming('done')} disabled={action.isPending}>
            Done
          </button>
          <button type="button" className="danger" onClick={() => setConfirming('delete')} disabled={action.isPending}>
            Delete now
          </button>
          {s.status === 'running' ? (
            <button type="button" onClick={() => diagnostics.mutate()} disabled={diagnostics.isPending}>
              {diagnostics.isPending ? 'Probing…' : 'Run diagnostics'}
            </button>
          ) : null}
        </div>
      ) : null}
      {action.isError ? (
        <p className="error" role="alert">
          {errorMessage(action.error)}
        </p>
      ) : null}
      {diagnostics.data ? (
        <div className="diagnostics">
          <h2>Diagnostics</h2>
          <p>
            {diagnostics.data.ready ? 'Ready' : `Not ready: ${diagnostics.data.not_ready_reason ?? diagnostics.data.error ?? 'unknown'}`} · driver {diagnostics.data.driver_version ?? '—'} · CUDA{' '}
            {diagnostics.data.cuda_version ?? '—'} · OOM kills {diagnostics.data.oom_kills}
          </p>
          <ul>
            {diagnostics.data.gpus.map((g) => (
              <li key={g.index}>
                GPU {g.index}: {g.name} · {g.utilization_percent ?? '—'}% · {g.memory_used_mib ?? '—'}/{g.memory_total_mib ?? '—'} MiB
              </li>
            ))}
          </ul>
        </div>
      ) : diagnostics.isError ? (
        <p className="error" role="alert">
          {errorMessage(diagnostics.error)}
        </p>
      ) : null}
      <h2>Events</h2>
      <ol className="events" aria-live="polite">
        {events.map((e) => (
          <li key={e.id} className={`event-${e.type}`}>
            <time dateTime={e.occurred_at}>{dateTime(e.occurred_at)}</time> · {EVENT_LABELS[e.type] ?? e.type}
            {e.to_status ? ` → ${e.to_status}` : ''} {e.reason ? <span className="muted">({e.reason})</span> : null}
          </li>
        ))}
      </ol>
      {confirming ? (
        <Confirm
          title={confirming === 'done' ? 'Finish this session?' : confirming === 'delete' ? 'Delete this session now?' : 'Extend by one hour?'}
          message={
            confirming === 'done'
              ? 'The instance is shut down and destroyed. Data on it is lost unless the storage is preserved.'
              : confirming === 'delete'
                ? 'The instance is destroyed immediately, without a graceful shutdown.'
                : `One more hour at ${money(s.price_per_hour)} (never past the hard maximum).`
          }
          confirmLabel={confirming === 'done' ? 'Finish' : confirming === 'delete' ? 'Delete' : 'Extend'}
          danger={confirming !== 'extend'}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            action.mutate(confirming);
            setConfirming(null);
          }}
        />
      ) : null}
    </section>
  );
}
