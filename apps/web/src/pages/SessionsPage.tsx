import type { GpuShopper } from '@gpu-shopper/client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

import { Empty, ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { dateTime, money } from '../lib/format.js';
import { TERMINAL } from '../lib/session-cost.js';
import { useSessionStream } from '../lib/use-session-stream.js';

/**
 * Event streams the list holds at most, for its newest live sessions. The server allows 20 per
 * caller (5 per session), and an open session page, other tabs and the CLI need some of them.
 */
export const LIST_STREAMS = 5;

/** Watches one session's event stream; each new event refreshes the list. Renders nothing. */
function LiveWatch({ client, id, onEvent }: { client: GpuShopper; id: string; onEvent: () => void }) {
  useSessionStream(client, id, onEvent);
  return null;
}

/**
 * Every session the caller may see, live: the newest live sessions (up to LIST_STREAMS) are watched
 * over their event streams, so their status changes show at once; a slower poll finds new sessions
 * and moves the others (the server caps event streams per caller, so not every session gets one).
 */
export function SessionsPage() {
  const { client } = useConsole();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: async () => {
      const all = [];
      for await (const session of client.sessions.list({ limit: 100 })) all.push(session);
      return all.reverse();
    },
    refetchInterval: 10_000,
  });
  const watched = (sessions.data ?? []).filter((s) => !TERMINAL.has(s.status)).slice(0, LIST_STREAMS);
  // A stream replays a session's past events when it opens: one refetch for a burst, not one per event.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  const refresh = useCallback(() => {
    pending.current ??= setTimeout(() => {
      pending.current = null;
      void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    }, 250);
  }, [queryClient]);
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      {watched.map((s) => (
        <LiveWatch key={s.id} client={client} id={s.id} onEvent={refresh} />
      ))}
      {sessions.isPending ? (
        <Loading what="sessions" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} retry={() => void sessions.refetch()} />
      ) : sessions.data.length === 0 ? (
        <Empty>
          No sessions yet. Rent a GPU from the <a href="#/inventory">inventory</a>.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Sessions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Status</th>
                <th scope="col">Consumer</th>
                <th scope="col">GPU</th>
                <th scope="col">Provider</th>
                <th scope="col">Cost so far</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`#/sessions/${s.id}`}>{s.id}</a>
                  </td>
                  <td>
                    <span className={`status status-${s.status}`}>{s.status}</span>
                  </td>
                  <td>{s.consumer_id}</td>
                  <td>
                    {s.gpu_count}× {s.gpu_type}
                    {s.interruptible ? (
                      <>
                        {' '}
                        <span className="badge badge-spot" title={`Interruptible (spot): ${s.preemptions} preemption${s.preemptions === 1 ? '' : 's'} so far`}>
                          spot{s.preemptions > 0 ? ` · preempted ${s.preemptions}×` : ''}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>{s.provider}</td>
                  <td className="num">{money(s.cost_so_far_micros / 1e6)}</td>
                  <td>{dateTime(s.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
