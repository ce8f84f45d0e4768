import {
  Err,
  NotFoundError,
  Ok,
  TERMINAL_BENCHMARK_ENTRY_STATUSES,
  TERMINAL_BENCHMARK_RUN_STATUSES,
  ValidationError,
  abortableSleep,
  benchmarkRunRequestSchema,
  isRetrySuggested,
  noopLogger,
  resolveGpu,
  type BenchmarkAttempt,
  type BenchmarkErrorType,
  type BenchmarkRepositories,
  type BenchmarkRun,
  type BenchmarkRunEntry,
  type BenchmarkRunRequestInput,
  type Clock,
  type CostAccountant,
  type IdGenerator,
  type InventoryService,
  type Logger,
  type Offer,
  type ProvisionError,
  type ProvisioningService,
  type RemoteExec,
  type RemoteTarget,
  type Repositories,
  type Result,
  type SecretCipher,
  type Session,
  type SessionCommands,
  type SessionErrorType,
} from '@gpu-shopper/core';

import { mkdirCommand, parsePollAnswer, parseStartedPid, pollCommand, resultPath, scriptPath, startCommand } from './node-protocol.js';
import { parseBenchmarkResultJson } from './result-parser.js';
import { loadOllamaBenchScript, ollamaBenchArgs, type OllamaBenchArgs } from './script.js';

export interface BenchmarkRunnerOptions {
  readonly benchmarks: Pick<BenchmarkRepositories, 'runs' | 'results'>;
  /** Core's repositories: sessions and their keys (to reach the node), the cost ledger. */
  readonly repositories: Pick<Repositories, 'sessions' | 'sessionSecrets'>;
  /** The provisioning saga: every node is rented through `request` + `run`, never around it. */
  readonly provisioning: ProvisioningService;
  /** Ends sessions with verified destruction (`done`). */
  readonly commands: SessionCommands;
  /** Real accrued costs: the budget is checked against the ledger, failed attempts included. */
  readonly costs: CostAccountant;
  readonly inventory: InventoryService;
  readonly remote: RemoteExec;
  readonly cipher: SecretCipher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
  /** The script's bytes. @default the package asset */
  readonly script?: Uint8Array;
  /** Extra script arguments (timeouts, Ollama URL); model, out dir and duration come from the run. */
  readonly scriptArgs?: Omit<OllamaBenchArgs, 'model' | 'outDir' | 'durationSeconds'>;
  /** Between result polls. @default 30 s */
  readonly pollIntervalMs?: number;
  /** From an attempt's start to its result, provisioning included. @default 90 min */
  readonly attemptTimeoutMs?: number;
  /** One remote command or transfer. @default 60 s */
  readonly execTimeoutMs?: number;
  /** Tries per upload (transient SSH failures). @default 3 */
  readonly uploadAttempts?: number;
  /** Consecutive failed polls (SSH down) before the attempt fails. @default 5 */
  readonly maxPollFailures?: number;
  /** Pause before retrying an entry; doubles per attempt. @default 10 s */
  readonly retryDelayMs?: number;
  /** Reservation of each benchmark session (never more than `hardMaxHours`). @default 2 h */
  readonly reservationHours?: number;
  /** HARD_MAX_HOURS: a reservation beyond it is refused, so the runner stays within it. */
  readonly hardMaxHours?: number;
  /**
   * Hours one attempt is expected to bill, for the budget reservation before each provision.
   * @default (throughput duration + 30 min for boot, install, pull and quality prompts) / 1 h
   */
  readonly estimatedAttemptHours?: (durationSeconds: number) => number;
  /** Where attempts keep their files on the node. @default /tmp/gpu-shopper-bench */
  readonly remoteBaseDir?: string;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

class AttemptFailure extends Error {
  constructor(
    readonly errorType: BenchmarkErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown out of a step when the run is shut down (not cancelled): state stays as persisted. */
class Shutdown extends Error {}

const SESSION_ERROR_TO_BENCHMARK: Record<SessionErrorType, BenchmarkErrorType> = {
  offer_unavailable: 'offer_unavailable',
  provider_error: 'provider_error',
  provider_auth: 'provider_auth',
  rate_limited: 'rate_limited',
  unknown_create_outcome: 'provider_error',
  ssh_timeout: 'ssh_timeout',
  ssh_auth_failed: 'ssh_auth_failed',
  readiness_timeout: 'readiness_timeout',
  provisioning_timeout: 'provisioning_timeout',
  instance_stopped: 'instance_stopped',
  instance_vanished: 'instance_vanished',
  budget_exceeded: 'consumer_budget_exceeded',
  internal: 'internal',
};

function provisionErrorType(error: ProvisionError): BenchmarkErrorType {
  switch (error.code) {
    case 'BUDGET_EXCEEDED':
      return 'consumer_budget_exceeded';
    case 'NOT_FOUND':
      return 'offer_unavailable';
    case 'VALIDATION_FAILED':
    case 'UNSUPPORTED_BY_PROVIDER':
    case 'SAFETY_LIMIT_EXCEEDED':
      return 'invalid_request';
    case 'ALREADY_EXISTS':
    case 'IDEMPOTENCY_CONFLICT':
    case 'CONCURRENT_UPDATE':
      return 'internal';
    // A template lookup at the provider failed (runs name no template today, but the type allows it).
    case 'PROVIDER_RATE_LIMITED':
      return 'rate_limited';
    case 'PROVIDER_AUTH_FAILED':
      return 'provider_auth';
    case 'PROVIDER_OFFER_UNAVAILABLE':
      return 'offer_unavailable';
    case 'PROVIDER_NOT_FOUND':
    case 'PROVIDER_INVALID_REQUEST':
    case 'PROVIDER_UNAVAILABLE':
    case 'PROVIDER_UNKNOWN_OUTCOME':
    case 'PROVIDER_SCHEMA_MISMATCH':
      return 'provider_error';
  }
}

const isTerminalEntry = (entry: BenchmarkRunEntry) => TERMINAL_BENCHMARK_ENTRY_STATUSES.includes(entry.status);

/**
 * Runs benchmark runs: for each entry (model × GPU type [× provider]) it rents a node through the
 * provisioning saga, uploads the script (SFTP), starts it, polls, downloads and parses the result,
 * stores it and ends the session (verified destroy) — one step at a time, each persisted first.
 *
 * Guarantees (the upstream runner's bugs, reference §E.2, not repeated):
 * - Budget: before every provision, the run's real spend (the cost ledger of every attempt's
 *   session, failed ones included, accrued to now) plus the next attempt's estimate (offer price ×
 *   expected hours) must fit `maxBudgetMicros`; otherwise nothing more is rented and the remaining
 *   entries are `skipped` with `budget_exhausted`.
 * - Retries: an entry gets up to `maxAttemptsPerEntry` attempts; a failed attempt's offer and host
 *   are excluded for the rest of the run; every failure carries an `errorType` and the
 *   `retrySuggested` of core's table, and only suggested retries are made. The entry keeps the last
 *   attempt's own error (never a generic "all attempts failed").
 * - The runner owns retries: sessions are requested without the saga's auto-retry, so no child
 *   attempt runs unseen (§E.2.5).
 * - Restarts: `resume()` continues every unfinished run. An attempt caught before its script
 *   started is ended and counted as `interrupted`; one whose script runs is polled again; one
 *   that was storing or destroying finishes that step (the result insert is idempotent).
 * - Entries run one after another, so the budget check before each provision sees every cost so far.
 */
export class BenchmarkRunner {
  private readonly logger: Logger;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly active = new Map<string, { cancel: AbortController; done: Promise<BenchmarkRun | undefined> }>();
  private readonly shutdown = new AbortController();
  private script: Uint8Array | undefined;

  constructor(private readonly options: BenchmarkRunnerOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'benchmark-runner' });
    this.sleep = options.sleep ?? abortableSleep;
    this.script = options.script;
  }

  /**
   * Validates the request and persists a pending run with its entries. An empty `gpuTypes` means
   * every GPU type currently in inventory (resolved now, so the run's scope is fixed).
   */
  async create(input: BenchmarkRunRequestInput, options: { readonly scheduleId?: string | null; readonly id?: string } = {}): Promise<Result<BenchmarkRun, ValidationError>> {
    const parsed = benchmarkRunRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return Err(new ValidationError(`invalid benchmark run: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues));
    }
    const request = parsed.data;
    let gpuTypes = [...new Set(request.gpuTypes)];
    if (gpuTypes.length === 0) {
      const answer = await this.options.inventory.query(request.providers.length === 1 && request.providers[0] ? { provider: request.providers[0] } : {});
      gpuTypes = [...new Set(answer.offers.filter((o) => o.gpuKnown && (request.providers.length === 0 || request.providers.includes(o.provider))).map((o) => o.gpuType))].sort();
      if (gpuTypes.length === 0) return Err(new ValidationError('no GPU types in inventory to benchmark', [{ path: 'gpuTypes', message: 'empty and inventory has no known GPU' }]));
    }
    const id = options.id ?? this.options.ids.next('benchmarkRun');
    const now = this.options.clock.now();
    const providers = request.providers.length ? request.providers : [null];
    const entries: BenchmarkRunEntry[] = [];
    for (const model of [...new Set(request.models)]) {
      for (const gpuType of gpuTypes) {
        for (const provider of providers) {
          entries.push({ id: `${id}-${entries.length + 1}`, model, gpuType, provider, status: 'pending', attempts: [], resultId: null, errorType: null, errorMessage: null, retrySuggested: null });
        }
      }
    }
    const run: BenchmarkRun = {
      id,
      status: 'pending',
      request: { ...request, gpuTypes },
      entries,
      spentMicros: 0,
      excludedOfferIds: [],
      excludedHostIds: [],
      scheduleId: options.scheduleId ?? null,
      cancelRequested: false,
      stopReason: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      completedAt: null,
      version: 0,
    };
    const inserted = await this.options.benchmarks.runs.insert(run);
    if (!inserted.ok) return Err(new ValidationError(inserted.err.message, [{ path: 'id', message: 'already exists' }]));
    this.logger.info('benchmark run created', { runId: id, entries: entries.length });
    return Ok(inserted.val);
  }

  /** Starts working a run in the background (no-op when it already runs here). */
  start(runId: string): Promise<BenchmarkRun | undefined> {
    const existing = this.active.get(runId);
    if (existing) return existing.done;
    const cancel = new AbortController();
    const done = this.execute(runId, cancel.signal)
      .catch((error: unknown) => {
        this.logger.error('benchmark run stopped by an unexpected error', { runId, error });
        return this.options.benchmarks.runs.get(runId);
      })
      .finally(() => this.active.delete(runId));
    this.active.set(runId, { cancel, done });
    return done;
  }

  /** Creates and starts a run. */
  async createAndStart(input: BenchmarkRunRequestInput, options: { readonly scheduleId?: string | null; readonly id?: string } = {}): Promise<Result<BenchmarkRun, ValidationError>> {
    const created = await this.create(input, options);
    if (created.ok) void this.start(created.val.id);
    return created;
  }

  /** After a restart: continues every pending or running run. */
  async resume(): Promise<string[]> {
    const unfinished = await this.options.benchmarks.runs.list({ statuses: ['pending', 'running'] });
    for (const run of unfinished) void this.start(run.id);
    return unfinished.map((r) => r.id);
  }

  /**
   * Cancels a run: no new attempt starts, the current attempt's session is ended (verified), and
   * unfinished entries become `cancelled`. Works whether or not this process is working the run.
   */
  async cancel(runId: string): Promise<Result<BenchmarkRun, NotFoundError>> {
    const marked = await this.mutate(runId, (run) => (TERMINAL_BENCHMARK_RUN_STATUSES.includes(run.status) ? null : { cancelRequested: true }));
    if (!marked) return Err(new NotFoundError('benchmark run', runId));
    const active = this.active.get(runId);
    if (active) {
      active.cancel.abort();
      await active.done;
    } else if (!TERMINAL_BENCHMARK_RUN_STATUSES.includes(marked.status)) {
      await this.finishCancelled(runId);
    }
    const final = await this.options.benchmarks.runs.get(runId);
    return final ? Ok(final) : Err(new NotFoundError('benchmark run', runId));
  }

  /** Shutdown: stops working runs without ending their sessions; `resume()` continues them. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** Waits until no run is being worked in this process (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** Works a run to its end. Re-entrant after a restart; returns the final (or, on shutdown, current) run. */
  async execute(runId: string, cancelSignal?: AbortSignal): Promise<BenchmarkRun | undefined> {
    const signal = cancelSignal ? AbortSignal.any([cancelSignal, this.shutdown.signal]) : this.shutdown.signal;
    let run = await this.options.benchmarks.runs.get(runId);
    if (!run || TERMINAL_BENCHMARK_RUN_STATUSES.includes(run.status)) return run;
    if (run.status === 'pending') {
      const now = this.options.clock.now();
      run = await this.mutate(runId, (r) => (r.status === 'pending' ? { status: 'running', startedAt: now } : null));
      if (!run) return undefined;
    }
    this.logger.info('benchmark run working', { runId });
    for (;;) {
      const current = await this.options.benchmarks.runs.get(runId);
      if (!current) return undefined;
      if (current.cancelRequested) return this.finishCancelled(runId);
      const entry = current.entries.find((e) => !isTerminalEntry(e));
      if (!entry) break;
      try {
        const outcome = await this.processEntry(current, entry, signal);
        if (outcome === 'budget') {
          await this.skipRemaining(runId, 'budget_exhausted', 'max_budget reached: no further provision');
          break;
        }
      } catch (error) {
        if (error instanceof Shutdown) {
          // Cancelled (not shut down): end what is left now.
          if (!this.shutdown.signal.aborted && (await this.options.benchmarks.runs.get(runId))?.cancelRequested) return this.finishCancelled(runId);
          this.logger.info('benchmark run paused by shutdown; resume() continues it', { runId });
          return this.options.benchmarks.runs.get(runId);
        }
        throw error;
      }
    }
    return this.finish(runId);
  }

  // -------------------------------------------------------------------------------------------
  // Entries and attempts

  /** Works one entry through its attempts. Returns 'budget' when the budget stopped it. */
  private async processEntry(run: BenchmarkRun, initial: BenchmarkRunEntry, signal: AbortSignal): Promise<'done' | 'budget'> {
    if (initial.status === 'pending') await this.updateEntry(run.id, initial.id, () => ({ status: 'running' }));
    for (;;) {
      const fresh = await this.options.benchmarks.runs.get(run.id);
      const entry = fresh?.entries.find((e) => e.id === initial.id);
      if (!fresh || !entry || isTerminalEntry(entry)) return 'done';
      const last = entry.attempts.at(-1);
      let attempt: BenchmarkAttempt;
      // A running attempt at the top of this loop was left by a previous process: every attempt this
      // loop starts is settled (or the loop exits on shutdown) before it comes round again.
      const resumed = last?.status === 'running';
      if (last && resumed) {
        attempt = last;
      } else {
        if (last && (!last.retrySuggested || entry.attempts.length >= fresh.request.maxAttemptsPerEntry)) {
          await this.settleEntry(run.id, entry.id, 'failed', last.errorType, last.errorMessage, last.retrySuggested);
          return 'done';
        }
        if (last) await this.pause(this.retryDelay(entry.attempts.length), signal, run.id);
        const started = await this.startAttempt(fresh, entry);
        if (started === 'budget' || started === 'settled') return started === 'budget' ? 'budget' : 'done';
        attempt = started;
      }
      await this.runAttempt(fresh, entry, attempt, resumed, signal);
    }
  }

  private retryDelay(attempts: number): number {
    return (this.options.retryDelayMs ?? 10_000) * 2 ** Math.max(0, attempts - 1);
  }

  private async pause(ms: number, signal: AbortSignal, runId: string): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch {
      // Cancelled during the pause: the loop sees cancelRequested; shut down: stop here.
      if (this.shutdown.signal.aborted) throw new Shutdown();
      const run = await this.options.benchmarks.runs.get(runId);
      if (!run?.cancelRequested) throw new Shutdown();
    }
  }

  /** Budget check, offer choice and the attempt record — all before anything is rented. */
  private async startAttempt(run: BenchmarkRun, entry: BenchmarkRunEntry): Promise<BenchmarkAttempt | 'budget' | 'settled'> {
    const spent = await this.refreshSpent(run.id);
    const request = run.request;
    const offer = await this.chooseOffer(run, entry);
    if (!offer) {
      const excluded = run.excludedOfferIds.length + run.excludedHostIds.length;
      const where = entry.provider ? ` at ${entry.provider}` : '';
      await this.settleEntry(run.id, entry.id, 'failed', 'no_offers', `no offer for ${entry.gpuType}${where}${excluded ? ` after excluding ${excluded} failed offer(s)/host(s)` : ''}`, false);
      return 'settled';
    }
    if (request.maxBudgetMicros !== null) {
      const hours = (this.options.estimatedAttemptHours ?? ((s: number) => (s + 1800) / 3600))(request.durationSeconds);
      const estimate = Math.ceil(offer.pricePerHourMicros * hours);
      if (spent >= request.maxBudgetMicros || spent + estimate > request.maxBudgetMicros) {
        const message = `budget: spent ${spent} µUSD + next attempt estimate ${estimate} µUSD exceeds max_budget ${request.maxBudgetMicros} µUSD`;
        this.logger.info('benchmark budget exhausted', { runId: run.id, spent, estimate, maxBudget: request.maxBudgetMicros });
        await this.settleEntry(run.id, entry.id, 'skipped', 'budget_exhausted', message, false);
        await this.mutate(run.id, () => ({ stopReason: message }));
        return 'budget';
      }
    }
    const attempt: BenchmarkAttempt = {
      number: entry.attempts.length + 1,
      status: 'running',
      stage: 'provision',
      provider: offer.provider,
      offerId: offer.id,
      hostId: offer.hostId ?? null,
      pricePerHourMicros: offer.pricePerHourMicros,
      location: offer.location,
      sessionId: null,
      remoteDir: null,
      remotePid: null,
      errorType: null,
      errorMessage: null,
      retrySuggested: null,
      costMicros: 0,
      destroyVerified: null,
      resultId: null,
      startedAt: this.options.clock.now(),
      endedAt: null,
    };
    await this.updateEntry(run.id, entry.id, (e) => ({ attempts: [...e.attempts, attempt] }));
    return attempt;
  }

  /** The cheapest available offer of the entry's GPU (and provider, location) not excluded in this run. */
  private async chooseOffer(run: BenchmarkRun, entry: BenchmarkRunEntry): Promise<Offer | undefined> {
    const answer = await this.options.inventory.query({ gpu: entry.gpuType, sort: 'price', ...(entry.provider ? { provider: entry.provider } : {}) });
    const location = run.request.location?.toLowerCase();
    return answer.offers.find(
      (offer) =>
        offer.available &&
        !run.excludedOfferIds.includes(offer.id) &&
        !(offer.hostId && run.excludedHostIds.includes(offer.hostId)) &&
        (location === undefined || offer.location.toLowerCase().includes(location)),
    );
  }

  /**
   * Drives one attempt from its persisted stage to success or a typed failure; always ends its
   * session. `resumed`: the attempt was found running after a restart.
   */
  private async runAttempt(run: BenchmarkRun, entry: BenchmarkRunEntry, initial: BenchmarkAttempt, resumed: boolean, signal: AbortSignal): Promise<void> {
    const runId = run.id;
    let attempt = initial;
    const key = `${entry.id}#${attempt.number}`;
    const save = async (changes: Partial<BenchmarkAttempt>) => {
      attempt = { ...attempt, ...changes };
      await this.updateAttempt(runId, entry.id, attempt.number, changes);
      // Stage boundaries are where a shutdown or a cancel takes effect (not only during sleeps).
      if (this.shutdown.signal.aborted) throw new Shutdown();
      if (signal.aborted) throw new AttemptFailure('cancelled', 'the run was cancelled');
    };
    try {
      if (resumed && (attempt.stage === 'provision' || attempt.stage === 'upload' || attempt.stage === 'start')) {
        // Caught before its script ran: nothing on the node is worth keeping. A crash right after the
        // (idempotent) request may have left its session unrecorded: the replay finds it, so it is ended too.
        if (!attempt.sessionId) {
          const replay = await this.requestSession(run, attempt, key);
          if (replay.ok) await save({ sessionId: replay.val.session.id });
        }
        throw new AttemptFailure('interrupted', `a restart interrupted the attempt during '${attempt.stage}'; its session was ended`);
      }
      let session: Session | undefined;
      if (attempt.stage === 'provision') {
        session = await this.provision(run, entry, attempt, key, save, signal);
        await save({ stage: 'upload' });
      }
      session ??= await this.liveSession(attempt);
      const target = await this.target(session);
      const dir = attempt.remoteDir ?? `${this.options.remoteBaseDir ?? '/tmp/gpu-shopper-bench'}/${entry.id}-${attempt.number}`;
      if (attempt.stage === 'upload') {
        await this.upload(target, dir, signal);
        await save({ stage: 'start', remoteDir: dir });
      }
      if (attempt.stage === 'start') {
        const pid = await this.startScript(target, dir, entry.model, run.request.durationSeconds, signal);
        await save({ stage: 'poll', remotePid: pid });
      }
      if (attempt.stage === 'poll') {
        await this.poll(target, dir, attempt, signal);
        await save({ stage: 'download' });
      }
      if (attempt.stage === 'download' || attempt.stage === 'parse' || attempt.stage === 'store') {
        const resultId = await this.collect(runId, entry, attempt, session, target, dir, key, save, signal);
        await save({ stage: 'destroy', resultId });
      }
      await this.endAttempt(runId, entry.id, attempt, null);
      await this.updateEntry(runId, entry.id, () => ({ status: 'succeeded', resultId: attempt.resultId, errorType: null, errorMessage: null, retrySuggested: null }));
      this.logger.info('benchmark entry succeeded', { runId, entryId: entry.id, resultId: attempt.resultId });
    } catch (error) {
      if (error instanceof Shutdown || (this.shutdown.signal.aborted && !(error instanceof AttemptFailure))) throw new Shutdown();
      const failure =
        error instanceof AttemptFailure
          ? error
          : signal.aborted
            ? new AttemptFailure('cancelled', 'the run was cancelled')
            : new AttemptFailure('internal', error instanceof Error ? error.message : String(error));
      this.logger.warn('benchmark attempt failed', { runId, entryId: entry.id, attempt: attempt.number, stage: attempt.stage, errorType: failure.errorType, error: failure.message });
      await this.endAttempt(runId, entry.id, attempt, failure);
      if (failure.errorType === 'cancelled') throw new Shutdown();
    }
  }

  /** Idempotent on the attempt: a repeated call (after a crash) answers with the same session. */
  private requestSession(run: BenchmarkRun, attempt: BenchmarkAttempt, key: string) {
    return this.options.provisioning.request(
      {
        consumerId: run.request.consumerId,
        offerId: attempt.offerId ?? '',
        reservationHours: Math.min(this.options.reservationHours ?? 2, this.options.hardMaxHours ?? Number.POSITIVE_INFINITY),
        workloadType: 'benchmark',
        idleTimeoutMinutes: 0,
        storagePolicy: 'destroy',
        // The runner owns retries (with offer and host exclusion); the saga's own would run unseen.
        autoRetry: null,
      },
      { scope: 'runner:benchmark', key, requestHash: key },
    );
  }

  private async provision(
    run: BenchmarkRun,
    entry: BenchmarkRunEntry,
    attempt: BenchmarkAttempt,
    key: string,
    save: (changes: Partial<BenchmarkAttempt>) => Promise<void>,
    signal: AbortSignal,
  ): Promise<Session> {
    const runId = run.id;
    if (!attempt.offerId) throw new AttemptFailure('internal', 'the attempt has no offer');
    const requested = await this.requestSession(run, attempt, key);
    if (!requested.ok) throw new AttemptFailure(provisionErrorType(requested.err), requested.err.message);
    await save({ sessionId: requested.val.session.id });
    this.logger.info('benchmark session requested', { runId, entryId: entry.id, sessionId: requested.val.session.id, offerId: attempt.offerId });
    const session = await this.options.provisioning.run(requested.val.session.id, signal);
    if (this.shutdown.signal.aborted) throw new Shutdown();
    if (signal.aborted) throw new AttemptFailure('cancelled', 'the run was cancelled');
    if (!session || session.status !== 'running') {
      const type = session?.errorType ? SESSION_ERROR_TO_BENCHMARK[session.errorType] : 'provider_error';
      throw new AttemptFailure(type, session?.errorMessage ?? `the session ended ${session?.status ?? 'missing'} before it ran`);
    }
    return session;
  }

  private async liveSession(attempt: BenchmarkAttempt): Promise<Session> {
    const session = attempt.sessionId ? await this.options.repositories.sessions.get(attempt.sessionId) : undefined;
    if (!session || session.status !== 'running') {
      throw new AttemptFailure('instance_vanished', `session ${attempt.sessionId ?? '(none)'} is ${session?.status ?? 'missing'}, not running`);
    }
    return session;
  }

  private async target(session: Session): Promise<RemoteTarget> {
    const secret = await this.options.repositories.sessionSecrets.get(session.id);
    if (!session.sshHost || !session.sshPort || !session.sshUser || !secret) throw new AttemptFailure('internal', `session ${session.id} has no SSH endpoint or key`);
    return { host: session.sshHost, port: session.sshPort, user: session.sshUser, privateKey: this.options.cipher.decrypt(secret), hostKeyFingerprint: session.hostKeyFingerprint };
  }

  private execOptions(signal: AbortSignal) {
    return { timeoutMs: this.options.execTimeoutMs ?? 60_000, signal };
  }

  private async upload(target: RemoteTarget, dir: string, signal: AbortSignal): Promise<void> {
    this.script ??= loadOllamaBenchScript();
    const tries = this.options.uploadAttempts ?? 3;
    let lastError = '';
    for (let i = 1; i <= tries; i++) {
      const mkdir = await this.options.remote.exec(target, mkdirCommand(dir), this.execOptions(signal));
      if (mkdir.ok && mkdir.val.exitCode === 0) {
        const sent = await this.options.remote.upload(target, this.script, scriptPath(dir), this.execOptions(signal));
        if (sent.ok) return;
        lastError = sent.err.message;
        if (!sent.err.retryable && sent.err.kind !== 'transfer') break;
      } else {
        lastError = mkdir.ok ? `mkdir exited ${mkdir.val.exitCode}: ${mkdir.val.stderr.trim()}` : mkdir.err.message;
        if (!mkdir.ok && !mkdir.err.retryable) break;
      }
      if (i < tries) await this.pauseStep(i * 10_000, signal);
    }
    throw new AttemptFailure('upload_failed', `script upload failed: ${lastError}`);
  }

  private async pauseStep(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch {
      if (this.shutdown.signal.aborted) throw new Shutdown();
      throw new AttemptFailure('cancelled', 'the run was cancelled');
    }
  }

  private async startScript(target: RemoteTarget, dir: string, model: string, durationSeconds: number, signal: AbortSignal): Promise<number> {
    const args = ollamaBenchArgs({ ...this.options.scriptArgs, model, outDir: dir, durationSeconds });
    const started = await this.options.remote.exec(target, startCommand(dir, args), this.execOptions(signal));
    if (!started.ok) throw new AttemptFailure('start_failed', `could not start the script: ${started.err.message}`);
    const pid = parseStartedPid(started.val.stdout);
    if (started.val.exitCode !== 0 || pid === undefined) {
      throw new AttemptFailure('start_failed', `could not start the script (exit ${started.val.exitCode}): ${started.val.stderr.trim() || started.val.stdout.trim()}`);
    }
    return pid;
  }

  /** Polls the script (see `pollCommand`) until it is done, or fails the attempt with why not. */
  private async poll(target: RemoteTarget, dir: string, attempt: BenchmarkAttempt, signal: AbortSignal): Promise<void> {
    const pid = attempt.remotePid ?? 0;
    const command = pollCommand(dir, pid);
    const deadline = attempt.startedAt.getTime() + (this.options.attemptTimeoutMs ?? 90 * 60_000);
    let failures = 0;
    let lastHeartbeat = '';
    for (;;) {
      const answer = await this.options.remote.exec(target, command, this.execOptions(signal));
      if (answer.ok && answer.val.exitCode === 0) {
        failures = 0;
        const state = parsePollAnswer(answer.val.stdout);
        if (state.state === 'done') return;
        if (state.state === 'failed') throw new AttemptFailure('script_failed', `the benchmark script failed: ${state.detail}`);
        if (state.state === 'gone') throw new AttemptFailure('script_crashed', `the benchmark script (pid ${pid}) ended without a result or failure marker`);
        lastHeartbeat = state.heartbeat;
      } else if (++failures >= (this.options.maxPollFailures ?? 5)) {
        throw new AttemptFailure('ssh_timeout', `the node stopped answering polls: ${answer.ok ? answer.val.stderr.trim() : answer.err.message}`);
      }
      if (this.options.clock.now().getTime() >= deadline) {
        throw new AttemptFailure('result_timeout', `no result within the attempt timeout (last heartbeat: ${lastHeartbeat || 'none'})`);
      }
      await this.pauseStep(this.options.pollIntervalMs ?? 30_000, signal);
    }
  }

  private async collect(
    runId: string,
    entry: BenchmarkRunEntry,
    attempt: BenchmarkAttempt,
    session: Session,
    target: RemoteTarget,
    dir: string,
    key: string,
    save: (changes: Partial<BenchmarkAttempt>) => Promise<void>,
    signal: AbortSignal,
  ): Promise<string> {
    // Stored already (a restart after the insert): the dedupe key finds it.
    const existing = await this.options.benchmarks.results.findByDedupeKey(key);
    if (existing) return existing.id;
    const downloaded = await this.options.remote.download(target, resultPath(dir), this.execOptions(signal));
    if (!downloaded.ok) throw new AttemptFailure('result_download_failed', `could not download the result: ${downloaded.err.message}`);
    await save({ stage: 'parse' });
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(downloaded.val).toString('utf8'));
    } catch (error) {
      throw new AttemptFailure('result_invalid', `the result is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const expected = resolveGpu(entry.gpuType);
    const parsed = parseBenchmarkResultJson(json, {
      id: this.options.ids.next('benchmarkResult'),
      source: 'measured',
      now: this.options.clock.now(),
      provider: session.provider,
      location: attempt.location ?? 'unknown',
      pricePerHourMicros: session.pricePerHourMicros,
      sessionId: session.id,
      offerId: session.offerId,
      runId,
      dedupeKey: key,
      expectedGpuSku: expected.known ? expected.sku.id : session.gpuType,
    });
    if (!parsed.ok) throw new AttemptFailure('result_invalid', parsed.err.message);
    await save({ stage: 'store' });
    const stored = await this.options.benchmarks.results.insert(parsed.val);
    if (stored.ok) return stored.val.id;
    const raced = await this.options.benchmarks.results.findByDedupeKey(key);
    if (raced) return raced.id;
    throw new AttemptFailure('internal', `could not store the result: ${stored.err.message}`);
  }

  /**
   * Ends the attempt's session (verified destroy through core), records its real cost, and settles
   * the attempt; on failure also excludes its offer and host for the rest of the run.
   */
  private async endAttempt(runId: string, entryId: string, attempt: BenchmarkAttempt, failure: AttemptFailure | null): Promise<void> {
    let destroyVerified: boolean | null = null;
    let costMicros = attempt.costMicros;
    if (attempt.sessionId) {
      await this.updateAttempt(runId, entryId, attempt.number, { stage: failure ? attempt.stage : 'destroy' });
      const ended = await this.options.commands.done(attempt.sessionId, 'benchmark');
      const session = ended.ok ? ended.val : await this.options.repositories.sessions.get(attempt.sessionId);
      destroyVerified = session ? session.status === 'terminated' || session.status === 'failed' : false;
      if (session) await this.options.costs.accrue(session);
      costMicros = await this.options.costs.sessionCost(attempt.sessionId);
      if (!destroyVerified) this.logger.warn('benchmark session not yet verified gone; the terminator keeps retrying', { runId, sessionId: attempt.sessionId });
    }
    const now = this.options.clock.now();
    await this.updateAttempt(runId, entryId, attempt.number, {
      status: failure ? 'failed' : 'succeeded',
      stage: failure ? attempt.stage : 'done',
      errorType: failure?.errorType ?? null,
      errorMessage: failure?.message ?? null,
      retrySuggested: failure ? isRetrySuggested(failure.errorType) : null,
      costMicros,
      destroyVerified,
      endedAt: now,
    });
    if (failure && failure.errorType !== 'cancelled' && failure.errorType !== 'interrupted') {
      await this.mutate(runId, (run) => ({
        excludedOfferIds: attempt.offerId && !run.excludedOfferIds.includes(attempt.offerId) ? [...run.excludedOfferIds, attempt.offerId] : run.excludedOfferIds,
        excludedHostIds: attempt.hostId && !run.excludedHostIds.includes(attempt.hostId) ? [...run.excludedHostIds, attempt.hostId] : run.excludedHostIds,
      }));
    }
    await this.refreshSpent(runId);
  }

  /** Spend so far: the ledger cost of every attempt's session, brought up to date first for live ones. */
  private async refreshSpent(runId: string): Promise<number> {
    const run = await this.options.benchmarks.runs.get(runId);
    if (!run) return 0;
    let spent = 0;
    for (const attempt of run.entries.flatMap((e) => e.attempts)) {
      if (!attempt.sessionId) continue;
      const session = await this.options.repositories.sessions.get(attempt.sessionId);
      if (session) await this.options.costs.accrue(session);
      spent += await this.options.costs.sessionCost(attempt.sessionId);
    }
    await this.mutate(runId, (r) => (r.spentMicros === spent ? null : { spentMicros: spent }));
    return spent;
  }

  // -------------------------------------------------------------------------------------------
  // Run settlement and persistence

  private async settleEntry(runId: string, entryId: string, status: 'failed' | 'skipped' | 'cancelled', errorType: BenchmarkErrorType | null, message: string | null, retrySuggested: boolean | null): Promise<void> {
    await this.updateEntry(runId, entryId, () => ({ status, errorType, errorMessage: message, retrySuggested }));
  }

  private async skipRemaining(runId: string, errorType: BenchmarkErrorType, message: string): Promise<void> {
    await this.mutate(runId, (run) => ({
      entries: run.entries.map((e) => (isTerminalEntry(e) ? e : { ...e, status: errorType === 'cancelled' ? 'cancelled' : 'skipped', errorType, errorMessage: message, retrySuggested: isRetrySuggested(errorType) })),
    }));
  }

  /** Cancels what is left: ends live attempts' sessions, marks entries and the run cancelled. */
  private async finishCancelled(runId: string): Promise<BenchmarkRun | undefined> {
    const run = await this.options.benchmarks.runs.get(runId);
    if (!run) return undefined;
    for (const entry of run.entries) {
      const last = entry.attempts.at(-1);
      if (last?.status === 'running') await this.endAttempt(runId, entry.id, last, new AttemptFailure('cancelled', 'the run was cancelled'));
    }
    await this.skipRemaining(runId, 'cancelled', 'the run was cancelled');
    const now = this.options.clock.now();
    return this.mutate(runId, () => ({ status: 'cancelled', stopReason: 'cancelled', completedAt: now }));
  }

  /** `completed` when any entry succeeded, else `failed`. */
  private async finish(runId: string): Promise<BenchmarkRun | undefined> {
    await this.refreshSpent(runId);
    const now = this.options.clock.now();
    const final = await this.mutate(runId, (run) => ({ status: run.entries.some((e) => e.status === 'succeeded') ? 'completed' : 'failed', completedAt: now }));
    this.logger.info('benchmark run finished', { runId, status: final?.status, spentMicros: final?.spentMicros });
    return final;
  }

  private async updateEntry(runId: string, entryId: string, change: (entry: BenchmarkRunEntry) => Partial<BenchmarkRunEntry>): Promise<void> {
    await this.mutate(runId, (run) => ({ entries: run.entries.map((e) => (e.id === entryId ? { ...e, ...change(e) } : e)) }));
  }

  private async updateAttempt(runId: string, entryId: string, number: number, changes: Partial<BenchmarkAttempt>): Promise<void> {
    await this.updateEntry(runId, entryId, (e) => ({ attempts: e.attempts.map((a) => (a.number === number ? { ...a, ...changes } : a)) }));
  }

  /**
   * Read-modify-write under the run's compare-and-set. `change` sees the freshest run (a concurrent
   * cancel may have set `cancelRequested`) and returns the fields to write, or null for none.
   */
  private async mutate(runId: string, change: (run: BenchmarkRun) => Partial<BenchmarkRun> | null): Promise<BenchmarkRun | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const run = await this.options.benchmarks.runs.get(runId);
      if (!run) return undefined;
      const changes = change(run);
      if (!changes) return run;
      const { id: _id, request: _request, scheduleId: _schedule, createdAt: _created, version: _version, ...writable } = changes;
      const updated = await this.options.benchmarks.runs.update(runId, run.version, { ...writable, updatedAt: this.options.clock.now() });
      if (updated.ok) return updated.val;
      if (updated.err.code === 'NOT_FOUND') return undefined;
    }
    throw new Error(`benchmark run ${runId}: could not write after 10 concurrent updates`);
  }
}
