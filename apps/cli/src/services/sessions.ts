import type { GpuShopper, Session, SessionActionResponse, SessionExtendResponse, SessionListParams, SessionStatus } from '@gpu-shopper/client';

import { formatTime, formatUsd, renderFields, renderTable } from '../output.js';

export interface SessionListOptions {
  readonly consumer?: string | undefined;
  readonly status?: SessionStatus | undefined;
}

/** Every session (all pages), oldest first. */
export async function listSessions(client: GpuShopper, options: SessionListOptions): Promise<Session[]> {
  const query: SessionListParams = { limit: 200 };
  if (options.consumer) query.consumer_id = options.consumer;
  if (options.status) query.status = options.status;
  const sessions: Session[] = [];
  for await (const session of client.sessions.list(query)) sessions.push(session);
  return sessions;
}

/** ID CONSUMER PROVIDER GPU STATUS PRICE/HR EXPIRES, then "Total: N sessions". */
export function renderSessionList(sessions: readonly Session[]): string {
  if (sessions.length === 0) return 'No sessions found.';
  const rows = sessions.map((s) => [s.id, s.consumer_id, s.provider, s.gpu_type, s.status, formatUsd(s.price_per_hour), formatTime(s.expires_at)]);
  const table = renderTable(['ID', 'CONSUMER', 'PROVIDER', 'GPU', 'STATUS', 'PRICE/HR', 'EXPIRES'], rows);
  return `${table}\n\nTotal: ${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
}

/** The `ssh -p <port> <user>@<host>` line, when the endpoint is known. */
export function sshCommand(session: Session, keyPath?: string): string | undefined {
  if (!session.ssh_host || !session.ssh_port || !session.ssh_user) return undefined;
  return `ssh ${keyPath ? `-i ${keyPath} ` : ''}-p ${session.ssh_port} ${session.ssh_user}@${session.ssh_host}`;
}

/** The key/value view of `sessions get`. */
export function renderSession(session: Session): string {
  const fields: [string, string][] = [
    ['Session ID', session.id],
    ['Consumer ID', session.consumer_id],
    ['Provider', session.provider],
    ['GPU Type', session.gpu_type],
    ['GPU Count', String(session.gpu_count)],
    ['Status', session.status],
    ['Workload Type', session.workload_type],
    ['Price/Hour', formatUsd(session.price_per_hour)],
    ['Cost So Far', formatUsd(session.cost_so_far, 4)],
    ['Created At', formatTime(session.created_at)],
    ['Expires At', formatTime(session.expires_at)],
  ];
  if (session.stopped_at) fields.push(['Stopped At', formatTime(session.stopped_at)]);
  if (session.stop_reason) fields.push(['Stop Reason', session.stop_reason]);
  if (session.error) fields.push(['Error', `${session.error}${session.error_type ? ` (${session.error_type})` : ''}`]);
  const ssh = sshCommand(session);
  const lines = [renderFields(fields)];
  if (ssh) lines.push('', 'SSH Connection:', `  ${ssh}`);
  return lines.join('\n');
}

export function renderDone(response: SessionActionResponse): string {
  return `Session ${response.session.id} shutdown initiated.`;
}

export function renderExtend(response: SessionExtendResponse): string {
  const hours = response.extended_by_hours;
  return `Session ${response.session.id} extended by ${hours} hour${hours === 1 ? '' : 's'}.\nNew expiration: ${formatTime(response.session.expires_at)}`;
}

/** "destroyed" only once the provider confirmed it; otherwise say what is still happening. */
export function renderDeleted(response: SessionActionResponse, forceWording = false): string {
  const { session } = response;
  if (session.status === 'terminated' || session.status === 'failed') {
    return forceWording ? `Session ${session.id} forcefully destroyed.` : `Session ${session.id} destroyed.`;
  }
  return `Session ${session.id} ${forceWording ? 'forcefully ' : ''}destroyed: the instance is being deleted (status ${session.status}) and the session ends once the provider confirms it is gone.`;
}
