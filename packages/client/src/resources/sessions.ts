import { randomUUID } from 'node:crypto';

import type { APIPromise } from '../core/api-promise.js';
import { APIUserAbortError, SessionTerminalError, SessionWaitTimeoutError } from '../core/error.js';
import type { CursorPage, CursorPageParams, PagePromise } from '../core/pagination.js';
import { APIResource } from '../core/resource.js';
import type { Stream } from '../core/streaming.js';
import { path } from '../internal/path.js';
import { pickRequestOptions, type IdempotentRequestOptions, type RequestOptions } from '../internal/request-options.js';
import { sleep } from '../internal/sleep.js';
import type { InstanceCost } from './costs.js';
import type { Offer } from './inventory.js';
import type { Provider } from './shared.js';

/**
 * Where a session is in its life: `pending` → `provisioning` → `running` → `stopping` → `terminated`,
 * or `failed`. `terminated` and `failed` are terminal: the instance is verified gone. `stopped`
 * (storage policy `preserve`): the instance is stopped with its disk kept and billing storage, until
 * it is deleted or reaches the hard maximum.
 */
export type SessionStatus = 'pending' | 'provisioning' | 'running' | 'stopped' | 'stopping' | 'terminated' | 'failed';

/** What the session will run; it tunes readiness checks and defaults. */
export type WorkloadType = 'llm' | 'llm_vllm' | 'llm_tgi' | 'training' | 'batch' | 'interactive' | 'benchmark';

/** What happens to the disk at the end: `destroy` it, or `preserve` it where the provider can. */
export type StoragePolicy = 'destroy' | 'preserve';

/** Which offers an automatic retry may move to. */
export type RetryScope = 'same_gpu' | 'same_vram' | 'any';

/** How a session rents: on-demand, or interruptible (spot, Vast.ai) with a bid. */
export type SessionPricing = 'on-demand' | 'spot';

/** What a spot session does when outbid: end, or move to a comparable spot offer with the same key. */
export type OnPreempt = 'end' | 'reprovision';

/** A rented GPU instance and everything GPU Shopper knows about it. */
export interface Session {
  /** Session id (`ses_…`). */
  id: string;
  /** The consumer it belongs to. */
  consumer_id: string;
  /** The provider. */
  provider: Provider;
  /** The offer it was provisioned from. */
  offer_id: string;
  /** The provider's instance id, once known. */
  provider_instance_id: string | null;
  /** GPU SKU. */
  gpu_type: string;
  /** GPUs in the instance. */
  gpu_count: number;
  /** Where the session is in its life. */
  status: SessionStatus;
  /** What it runs. */
  workload_type: WorkloadType;
  /** Hours reserved (it stops at `expires_at` unless extended). */
  reservation_hours: number;
  /** Idle timeout in minutes; 0 = disabled. */
  idle_timeout: number;
  /** What happens to the disk at the end. */
  storage_policy: StoragePolicy;
  /** Price per hour, in US dollars. */
  price_per_hour: number;
  /** Price per hour in exact micro-USD. */
  price_per_hour_micros: number;
  /** SSH host, once known. */
  ssh_host: string | null;
  /** SSH port, once known. */
  ssh_port: number | null;
  /** SSH user, once known. */
  ssh_user: string | null;
  /** `ssh -p <port> <user>@<host>`, once known. */
  ssh_command: string | null;
  /** When it was created (ISO 8601, UTC). */
  created_at: string;
  /** When the reservation ends. */
  expires_at: string;
  /** The hard maximum: no extension goes past it. */
  hard_max_at: string;
  /** When it stopped. */
  stopped_at: string | null;
  /** Why it stopped (`done`, `expired`, `idle`…). */
  stop_reason: string | null;
  /** What went wrong, for humans. */
  error: string | null;
  /** What went wrong, for programs (`offer_unavailable`, `ssh_timeout`…). */
  error_type: string | null;
  /** Whether trying again (another offer) may succeed. */
  retry_suggested: boolean;
  /** Whether GPU Shopper retries other offers by itself on failure. */
  auto_retry: boolean;
  /** Which attempt this is (1 for the first). */
  attempt: number;
  /** An interruptible (spot) session, rented with a bid. */
  interruptible: boolean;
  /** Spot: the bid placed for the current instance, USD per hour (storage not included); null on-demand. */
  bid: number | null;
  /** Spot: the highest bid the session may place, also when it reprovisions; null on-demand. */
  max_bid: number | null;
  /** Spot: what a preemption (outbid) does; null on-demand. */
  on_preempt: OnPreempt | null;
  /** How many of its instances were preempted so far. */
  preemptions: number;
  /** Spot: the on-demand price of the same GPU when the current instance was rented, US dollars per hour (the reference for savings). */
  on_demand_price: number | null;
  on_demand_price_micros: number | null;
  /** `retrieve()` only: each instance the session billed, as the cost ledger records it. */
  instances?: InstanceCost[];
  /** Cost so far, in US dollars. */
  cost_so_far: number;
  /** Cost so far in exact micro-USD. */
  cost_so_far_micros: number;
  /** True when served by the built-in simulator. */
  simulated: boolean;
}

/** The body of `sessions.create()`: give exactly one of `offer_id` or `gpu`. */
export interface SessionCreateParams {
  /** The consumer to rent for (a consumer key may only name itself). */
  consumer_id: string;
  /** The offer to rent (from `inventory.list()`). */
  offer_id?: string;
  /** Instead of `offer_id`: the cheapest available offer of this GPU. */
  gpu?: string;
  /** Hours to reserve, 1–12. @default 2 */
  reservation_hours?: number;
  /** What it will run. @default 'llm' */
  workload_type?: WorkloadType;
  /** Minutes of idleness before it is stopped, 0–720; 0 disables. @default 0 */
  idle_timeout?: number;
  /** What happens to the disk at the end. @default 'destroy' */
  storage_policy?: StoragePolicy;
  /** Provider template to boot from. */
  template_hash_id?: string;
  /** Disk size in GB, 10–10000. */
  disk_gb?: number;
  /** Retry other offers by itself when provisioning fails. @default false */
  auto_retry?: boolean;
  /** Further attempts after the first, with `auto_retry`, 0–9. @default 2 */
  max_retries?: number;
  /** Which offers a retry may move to. @default 'same_gpu' */
  retry_scope?: RetryScope;
  /** `spot` rents an interruptible offer (Vast.ai) with a bid. @default 'on-demand' */
  pricing?: SessionPricing;
  /** Spot: the highest bid, USD per hour for the instance (storage not included). @default the offer's minimum bid plus 10 % */
  max_bid?: number;
  /** Spot: when outbid, `end` the session or `reprovision` on a comparable spot offer. @default 'end' */
  on_preempt?: OnPreempt;
}

/** The answer of `sessions.create()`. */
export interface SessionCreateResponse {
  /** The new session (usually `pending`: provisioning continues in the background). */
  session: Session;
  /** The offer it rents. */
  offer: Offer;
  /** OpenSSH private key, returned once (and again only for a replay of the same Idempotency-Key while the session lives). */
  ssh_private_key: string | null;
  /** On a replay without the key: why (the session ended and its key was destroyed). */
  ssh_private_key_withheld?: string;
  /** True when this answers a repeated Idempotency-Key. */
  replayed: boolean;
}

/** Filters of `sessions.list()`. */
export interface SessionListParams extends CursorPageParams {
  /** One consumer (admin only; a consumer key sees its own sessions). */
  consumer_id?: string;
  /** One status. */
  status?: SessionStatus;
  /** One provider. */
  provider?: Provider;
}

/** One page of `sessions.list()`, as on the wire. */
export interface SessionListResponse {
  /** Sessions of this page, oldest first. */
  sessions: Session[];
  /** Sessions on this page. */
  count: number;
  /** The cursor of the next page, or `null` on the last page. */
  next_cursor: string | null;
}

/** A page of sessions; iterate it with `for await` to walk every following page too. */
export type SessionsPage = CursorPage<Session, SessionListResponse>;

/** The body of `sessions.extend()`. */
export interface SessionExtendParams {
  /** More hours, 1–12 (never past the hard maximum). @default 1 */
  hours?: number;
}

/** The answer of `sessions.extend()`. */
export interface SessionExtendResponse {
  /** The session with its new `expires_at`. */
  session: Session;
  /** Hours added. */
  extended_by_hours: number;
  /** The session id. */
  session_id: string;
  /** The new expiry (the session's `expires_at`), ISO 8601 UTC. */
  new_expires_at: string;
}

/** The answer of `sessions.done()` and `sessions.delete()`. */
export interface SessionActionResponse {
  /** The session after the action. */
  session: Session;
  /** What happened, for humans. */
  message: string;
  /** The session id. */
  session_id: string;
}

/** One entry of a session's event log. */
export interface SessionEvent {
  /** Event id. */
  id: string;
  /** The session. */
  session_id: string;
  /** What happened (`created`, `status_changed`…); the SSE event name. */
  type: string;
  /** The status before, for status changes. */
  from_status: string | null;
  /** The status after, for status changes. */
  to_status: string | null;
  /** Who caused it (`api`, `admin`, `system`…). */
  actor: string;
  /** Why. */
  reason: string;
  /** When (ISO 8601, UTC). */
  occurred_at: string;
}

/** The answer of `sessions.events()`. */
export interface SessionEventList {
  /** The whole event log, oldest first. */
  events: SessionEvent[];
}

/** One GPU as `nvidia-smi` reports it. */
export interface DiagnosticsGpu {
  /** GPU index. */
  index: number;
  /** GPU name. */
  name: string;
  /** Memory in MiB. */
  memory_total_mib: number | null;
  /** Memory in use, in MiB. */
  memory_used_mib: number | null;
  /** Utilisation, 0–100. */
  utilization_percent: number | null;
  /** Temperature in °C. */
  temperature_c: number | null;
  /** Power draw in watts. */
  power_draw_w: number | null;
}

/** The node's disk. */
export interface DiagnosticsDisk {
  /** Size in GB. */
  total_gb: number;
  /** Used, in GB. */
  used_gb: number;
  /** Free, in GB. */
  available_gb: number;
  /** Mount point. */
  mount: string;
}

/** Live SSH probes of a session's node: the answer of `sessions.diagnostics()`. */
export interface Diagnostics {
  /** The session. */
  session_id: string;
  /** Whether SSH reached the node. */
  reachable: boolean;
  /** When the probes ran (ISO 8601, UTC). */
  checked_at: string;
  /** Why the probes failed, if they did. */
  error: string | null;
  /** The GPUs. */
  gpus: DiagnosticsGpu[];
  /** NVIDIA driver version. */
  driver_version: string | null;
  /** CUDA version. */
  cuda_version: string | null;
  /** The disk, when probed. */
  disk: DiagnosticsDisk | null;
  /** Out-of-memory kills seen. */
  oom_kills: number;
  /** Whether the workload's readiness check passes. */
  ready: boolean;
  /** Why it is not ready. */
  not_ready_reason: string | null;
}

/** How `sessions.waitUntilRunning()` waits. */
export interface SessionWaitParams {
  /**
   * Give up after this many milliseconds with `SessionWaitTimeoutError`. Long by default: the server
   * itself fails a session whose provisioning takes too long (up to 40 minutes on some providers).
   * @default 2700000 (45 minutes)
   */
  timeoutMs?: number;
  /** Milliseconds between polls. @default 5000 */
  pollIntervalMs?: number;
  /** Called with the session whenever its status changes (and on the first poll). */
  onStatus?: (session: Session) => void;
}

const DEFAULT_WAIT_TIMEOUT_MS = 45 * 60_000;
const DEFAULT_POLL_INTERVAL_MS = 5_000;

function isTerminal(session: Session): session is Session & { status: 'failed' | 'terminated' } {
  return session.status === 'failed' || session.status === 'terminated';
}

/** GPU sessions: provision, watch, extend and stop them (`/api/v1/sessions`). */
export class Sessions extends APIResource {
  /**
   * Provisions a session: answers at once (usually `pending`) with the SSH details and the private key
   * (shown once), and provisions in the background; see `waitUntilRunning()`. The request carries an
   * `Idempotency-Key` (random unless given) that stays the same across the SDK's retries, so a retried
   * call rents at most one GPU.
   *
   * @example
   * const { session, ssh_private_key } = await client.sessions.create({ consumer_id: 'alice', gpu: 'RTX4090' });
   */
  create(body: SessionCreateParams, options?: IdempotentRequestOptions): APIPromise<SessionCreateResponse> {
    const idempotencyKey = options?.idempotencyKey ?? randomUUID();
    return this._client.request<SessionCreateResponse>({ ...pickRequestOptions(options), method: 'post', path: '/api/v1/sessions', body, idempotencyKey });
  }

  /**
   * Lists sessions, oldest first (a consumer key sees its own). Await it for the first page, or iterate
   * it with `for await` to walk every session of every page.
   *
   * @example
   * for await (const session of client.sessions.list({ status: 'running' })) console.log(session.id);
   */
  list(query: SessionListParams = {}, options?: RequestOptions): PagePromise<SessionsPage, Session> {
    return this._client.requestPage<Session, SessionListResponse>(
      { ...pickRequestOptions(options), method: 'get', path: '/api/v1/sessions', query },
      (body) => body.sessions,
    );
  }

  /** Fetches one session; `NotFoundError` (`SESSION_NOT_FOUND`) when there is none. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Session> {
    return this._client.request<Session>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/sessions/${id}` });
  }

  /**
   * Signals the session is done: the instance is shut down gracefully and destroyed (verified).
   * Not retried by the SDK (the route takes no Idempotency-Key).
   */
  done(id: string, options?: RequestOptions): APIPromise<SessionActionResponse> {
    return this._client.request<SessionActionResponse>({ ...pickRequestOptions(options), method: 'post', path: path`/api/v1/sessions/${id}/done` });
  }

  /** Destroys the session now (verified); repeating it is harmless. */
  delete(id: string, options?: RequestOptions): APIPromise<SessionActionResponse> {
    return this._client.request<SessionActionResponse>({ ...pickRequestOptions(options), method: 'delete', path: path`/api/v1/sessions/${id}` });
  }

  /**
   * Extends the reservation by `hours` (never past the hard maximum). Not retried by the SDK: a
   * repeated extend would add the hours twice.
   */
  extend(id: string, body: SessionExtendParams = {}, options?: RequestOptions): APIPromise<SessionExtendResponse> {
    return this._client.request<SessionExtendResponse>({ ...pickRequestOptions(options), method: 'post', path: path`/api/v1/sessions/${id}/extend`, body });
  }

  /** The session's whole event log, as one JSON list. */
  events(id: string, options?: RequestOptions): APIPromise<SessionEventList> {
    return this._client.request<SessionEventList>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/sessions/${id}/events` });
  }

  /**
   * Streams the session's events (Server-Sent Events): every past event, then new ones as they
   * happen, ending after the session's terminal event. Abort with `options.signal`,
   * `stream.controller.abort()` or `break`; each ends the iteration quietly.
   *
   * @example
   * for await (const event of await client.sessions.stream(id)) console.log(event.type, event.to_status);
   */
  stream(id: string, options?: RequestOptions): APIPromise<Stream<SessionEvent>> {
    return this._client.request<Stream<SessionEvent>>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/sessions/${id}/events`, stream: true });
  }

  /** Runs live SSH probes on the node: GPUs, driver, disk, OOM kills, readiness. */
  diagnostics(id: string, options?: RequestOptions): APIPromise<Diagnostics> {
    return this._client.request<Diagnostics>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/sessions/${id}/diagnostics` });
  }

  /**
   * Polls the session until it is `running` and resolves with it. Rejects with `SessionTerminalError`
   * (carrying the session and its `error_type`) when it ends `failed` or `terminated` instead, with
   * `SessionWaitTimeoutError` after `timeoutMs`, and with `APIUserAbortError` when `options.signal`
   * aborts. Each poll is a `retrieve()` with the usual retries.
   *
   * @example
   * const running = await client.sessions.waitUntilRunning(session.id, { onStatus: (s) => console.log(s.status) });
   * console.log(running.ssh_command);
   */
  async waitUntilRunning(id: string, params: SessionWaitParams = {}, options?: RequestOptions): Promise<Session> {
    const timeoutMs = params.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const pollIntervalMs = params.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const deadline = Date.now() + timeoutMs;
    let last: Session | undefined;
    for (;;) {
      const session = await this.retrieve(id, options);
      if (session.status !== last?.status) params.onStatus?.(session);
      last = session;
      if (session.status === 'running') return session;
      if (isTerminal(session)) throw new SessionTerminalError(session);
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw new SessionWaitTimeoutError(id, last, timeoutMs);
      try {
        await sleep(Math.min(pollIntervalMs, remainingMs), options?.signal);
      } catch (error) {
        throw new APIUserAbortError({ cause: error });
      }
    }
  }
}
