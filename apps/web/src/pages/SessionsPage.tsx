import { useQuery } from '@tanstack/react-query';

import { Empty, ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { dateTime, money } from '../lib/format.js';

/**
 * Every session the caller may see. The list polls (every 3 s) instead of streaming: the server caps
 * event streams per caller, and one stream per listed session would exhaust them; the detail page streams.
 */
export function SessionsPage() {
  const { client } = useConsole();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: async () => {
      const all = [];
      for await (const session of client.sessions.list({ limit: 100 })) all.push(session);
      return all.reverse();
    },
    refetchInterval: 3000,
  });
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
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
