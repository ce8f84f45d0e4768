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
  /** The simulator control API, in simulate mode. */
  simulator: { control: string } | null;
}

/** The answer of `client.ready()`. */
export interface ReadyResponse {
  /** `ready` when every check passes. */
  status: 'ready' | 'not_ready';
  /** Each dependency (storage, each provider): `ok` or `failing`. */
  checks: Record<string, 'ok' | 'failing'>;
}
