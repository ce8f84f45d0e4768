import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';
import type { SessionStatus } from './sessions.js';
import type { Provider } from './shared.js';

/** An instance with this deployment's label that no live session owns, as the reconciler last saw it. */
export interface OrphanInstance {
  provider: Provider;
  provider_instance_id: string;
  label: string | null;
  /** The session the label names, when it exists. */
  session_id: string | null;
  /** That session's status (terminal, or a duplicate next to its recorded instance). */
  session_status: SessionStatus | null;
  /** The provider's state of the instance when last listed. */
  state: string;
  first_seen_at: string;
  last_seen_at: string;
  /** When the grace period (ORPHAN_GRACE_PERIOD) ends and the reconciler destroys it. */
  destroy_after: string;
  outcome: 'waiting' | 'destroyed' | 'destroy_failed';
  destroyed_at: string | null;
  /** Why the last destroy failed (retried each pass). */
  error: string | null;
}

/** An instance the reconciler never touches: another deployment's, or not labelled by gpu-shopper. */
export interface ForeignInstance {
  provider: Provider;
  provider_instance_id: string;
  label: string | null;
  /** The other deployment, when the label is ours in form. */
  deployment_id: string | null;
  state: string;
}

/** The answer of `reconciliation.retrieve()`. */
export interface ReconciliationReport {
  /** The server's last pass (null before the first, or where another replica reconciles). */
  last_pass_at: string | null;
  /** Each provider in that pass: `paused` when its listing failed (nothing was changed there). */
  providers: { provider: Provider; status: 'ok' | 'paused'; reason?: string | undefined; instances: number }[];
  /** Held now: waiting out the grace period, or a destroy that failed. */
  orphans: OrphanInstance[];
  /** The latest orphans destroyed by this server process, newest first (at most 50). */
  recently_destroyed: OrphanInstance[];
  foreign: ForeignInstance[];
}

/** What the reconciler found: `GET /api/v1/reconciliation` (admin token). */
export class ReconciliationResource extends APIResource {
  /** The orphans held now, the latest destroyed and the instances left alone. Reads the server's memory; asks no provider. */
  retrieve(options?: RequestOptions): APIPromise<ReconciliationReport> {
    return this._client.request<ReconciliationReport>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/reconciliation' });
  }
}
