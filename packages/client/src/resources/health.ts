/** The answer of `client.health()`. */
export interface HealthResponse {
  /** Always `ok`: the process is up. */
  status: 'ok';
  /** The server version. */
  version: string;
  /** `live` (real providers) or `simulate` (built-in simulator). */
  mode: 'live' | 'simulate';
  /** The id of this deployment (it labels every instance it creates). */
  deployment_id: string;
  /** Server time (ISO 8601, UTC). */
  time: string;
  /** The simulator control API, in simulate mode; shown to the admin only (null for everyone else). */
  simulator: { control: string } | null;
}

/** The answer of `client.ready()`. */
export interface ReadyResponse {
  /** `ready` when every check passes. */
  status: 'ready' | 'not_ready';
  /** Each dependency (storage, each provider): `ok` or `failing`. */
  checks: Record<string, 'ok' | 'failing'>;
}

/** The answer of `client.whoami()`: what the client's credential is. */
export interface WhoamiResponse {
  /** `admin` (the admin token, or a local request in protected mode) or `consumer` (an API key). */
  role: 'admin' | 'consumer';
  /** The consumer an API key belongs to; null for the admin. */
  consumer_id: string | null;
  /** The deployment this server labels its instances with. */
  deployment_id: string;
}
