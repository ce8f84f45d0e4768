import type { OrphanInstance, ReconciliationReport } from '@gpu-shopper/client';

import { dateTime, duration } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';

/** What an orphan is waiting for, said plainly: the time left in its grace period, or why the destroy failed. */
export function orphanState(orphan: OrphanInstance, now: number): string {
  if (orphan.outcome === 'destroyed') return `destroyed ${dateTime(orphan.destroyed_at)}`;
  if (orphan.outcome === 'destroy_failed') return `destroy failed, retried each pass: ${orphan.error ?? 'no reason given'}`;
  const left = Date.parse(orphan.destroy_after) - now;
  return left > 0 ? `destroyed in ${duration(left)} (grace period)` : 'due: destroyed at the next pass';
}

function owner(orphan: OrphanInstance): string {
  if (!orphan.session_id) return 'no session (crash before it was recorded?)';
  return `${orphan.session_id} (${orphan.session_status ?? 'unknown'})`;
}

/**
 * The reconciler's findings: the orphans it holds (our label, no live session owns them), the
 * latest it destroyed, the instances it leaves alone, and each provider's last pass.
 */
export function Orphans({ report, now: fixedNow }: { report: ReconciliationReport; now?: number }) {
  // The countdowns tick here, so only this part of the admin page re-renders each second.
  const ticking = useNow();
  const now = fixedNow ?? ticking;
  const paused = report.providers.filter((p) => p.status === 'paused');
  return (
    <div className="orphans">
      <p className="muted small">
        {report.last_pass_at ? `Last pass ${dateTime(report.last_pass_at)}: ${report.providers.map((p) => `${p.provider} ${p.status === 'ok' ? `${p.instances} instance${p.instances === 1 ? '' : 's'}` : 'paused'}`).join(' · ')}` : 'No reconciliation pass yet on this server.'}
      </p>
      {paused.map((p) => (
        <p key={p.provider} className="warning" role="note">
          {p.provider}: the listing failed ({p.reason ?? 'no reason given'}); nothing there was changed in this pass.
        </p>
      ))}
      {report.orphans.length === 0 ? (
        <p className="empty">No orphaned instance: every instance with this deployment&apos;s label belongs to a live session.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Orphaned instances held by the reconciler</caption>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Its label&apos;s session</th>
                <th scope="col">First seen</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {report.orphans.map((o) => (
                <tr key={`${o.provider}/${o.provider_instance_id}`} className={o.outcome === 'destroy_failed' ? 'row-error' : undefined}>
                  <td>
                    {o.provider} {o.provider_instance_id}
                  </td>
                  <td>{owner(o)}</td>
                  <td>{dateTime(o.first_seen_at)}</td>
                  <td data-testid="orphan-state">{orphanState(o, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report.recently_destroyed.length > 0 ? (
        <>
          <h3>Destroyed lately</h3>
          <ul className="small">
            {report.recently_destroyed.map((o) => (
              <li key={`${o.provider}/${o.provider_instance_id}`}>
                {o.provider} {o.provider_instance_id} · {owner(o)} · {orphanState(o, now)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.foreign.length > 0 ? (
        <>
          <h3>Left alone ({report.foreign.length})</h3>
          <p className="muted small">Instances of other deployments or without a GPU Shopper label: the reconciler never touches them.</p>
          <ul className="small">
            {report.foreign.map((f) => (
              <li key={`${f.provider}/${f.provider_instance_id}`}>
                {f.provider} {f.provider_instance_id} · {f.label ?? 'no label'}
                {f.deployment_id ? ` · deployment ${f.deployment_id}` : ''} · {f.state}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
