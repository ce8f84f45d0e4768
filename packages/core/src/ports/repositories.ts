import { ConcurrentUpdateError, type AlreadyExistsError, type NotFoundError, type SessionNotFoundError } from '../errors/domain-errors.js';
import { type Result } from '../errors/result.js';
import { type ApiKey, type Budget, type Consumer } from '../consumers/consumer.js';
import { type CostEntry, type CostQuery, type CostTotals } from '../cost/cost-entry.js';
import { type OfferFailure } from '../inventory/offer-failure.js';
import { type ProviderName } from '../providers/provider-name.js';
import { type SessionEvent } from '../sessions/session-event.js';
import { type Session, type SessionChanges, type SessionStatus } from '../sessions/session.js';

/**
 * Repository ports. Every method is async so the SQLite implementation can later be joined by a
 * PostgreSQL one behind the same interface; no SQL dialect detail leaks into core.
 */

export interface SessionListQuery {
  readonly consumerId?: string;
  readonly statuses?: readonly SessionStatus[];
  readonly provider?: ProviderName;
  /** Cursor: only sessions whose id sorts after this one (ids sort by creation time). */
  readonly afterId?: string;
  readonly limit?: number;
}

/**
 * Fences a write that raises a consumer's worst-case spending: the write happens only if the
 * consumer's commitment version is still the one its budget check read, and bumps it, in the same
 * transaction (else ConcurrentUpdateError and nothing is written).
 */
export interface CommitmentGuard {
  readonly consumerId: string;
  readonly expectedVersion: number;
}

/** What every implementation answers when a guard no longer matches: another write raised the commitments first. */
export function commitmentConflict(guard: CommitmentGuard): ConcurrentUpdateError {
  return new ConcurrentUpdateError('consumer commitments', guard.consumerId, guard.expectedVersion);
}

export interface SessionRepository {
  /**
   * Writes the intent record, its `created` event and (when given) the session's encrypted private
   * key in one transaction: a crash never leaves a session whose node nobody could reach. With a
   * guard, only if the consumer's commitment version is unchanged (see CommitmentGuard).
   */
  insert(
    session: Session,
    event: SessionEvent,
    secret?: { readonly encryptedPrivateKey: string },
    idempotency?: IdempotencyCompletion,
    guard?: CommitmentGuard,
  ): Promise<Result<Session, AlreadyExistsError | ConcurrentUpdateError>>;
  get(id: string): Promise<Session | undefined>;
  /**
   * The stored version of a session, undefined when there is none: whether a copy in hand is still
   * the stored session (every change bumps the version) without reading and validating the row.
   */
  versionOf(id: string): Promise<number | undefined>;
  findByLabel(label: string): Promise<Session | undefined>;
  /** Oldest first. */
  list(query?: SessionListQuery): Promise<Session[]>;
  /**
   * Compare-and-set: applies `changes` only if the stored version is `expectedVersion`, increments the
   * version, and appends `events` in the same transaction. A status change must come with the
   * transition event that explains it (from/to matching), or the call throws. With a guard, also
   * only if the consumer's commitment version is unchanged (see CommitmentGuard).
   */
  update(
    id: string,
    expectedVersion: number,
    changes: SessionChanges,
    events: readonly SessionEvent[],
    guard?: CommitmentGuard,
  ): Promise<Result<Session, ConcurrentUpdateError | SessionNotFoundError>>;
  /** Appends an event that changes no field (a destroy attempt, a probe result…). */
  appendEvent(event: SessionEvent): Promise<Result<void, SessionNotFoundError>>;
  /** In the order they were recorded. */
  listEvents(sessionId: string): Promise<SessionEvent[]>;
}

/** One line of a batched accrual: appended only if its session's high-water mark is still `previousAccruedSeconds`. */
export interface AccrualAppend {
  readonly entry: CostEntry;
  readonly previousAccruedSeconds: number;
}

export interface CostLedgerRepository {
  /**
   * Appends an accrual line if the session's accrued high-water mark is still `previousAccruedSeconds`
   * (0 for the first line). Two concurrent accruals cannot both land, so nothing is billed twice.
   */
  appendAccrual(entry: CostEntry, previousAccruedSeconds: number): Promise<Result<void, ConcurrentUpdateError>>;
  /** Seconds already accrued for a session (0 when it has no line). */
  accruedSeconds(sessionId: string): Promise<number>;
  /**
   * Seconds already accrued for each of `sessionIds` in one read (a lifecycle tick over every live
   * session); every id asked for is in the map, 0 when it has no line.
   */
  accruedSecondsOf(sessionIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * appendAccrual for many sessions at once, in as few transactions as the store allows, each line
   * with its own compare-and-set: a line whose session's high-water mark is no longer its
   * `previousAccruedSeconds` (another writer accrued meanwhile, e.g. a deposed leader's tick) is
   * refused and the others land. Results are in the order given; lines of the same session count
   * as if appended one after another.
   */
  appendAccruals(accruals: readonly AccrualAppend[]): Promise<Result<void, ConcurrentUpdateError>[]>;
  list(query?: CostQuery): Promise<CostEntry[]>;
  /** What `summarizeCosts` gives for the lines of `query`, summed by the store without reading them out. */
  totals(query?: CostQuery): Promise<CostTotals>;
  /** The sum of the amounts of the lines of `query` (a budget check's figure): `totals(query).totalMicros`, cheaper. */
  spentMicros(query?: CostQuery): Promise<number>;
}

export interface ConsumerRepository {
  create(consumer: Consumer): Promise<Result<Consumer, AlreadyExistsError>>;
  get(id: string): Promise<Consumer | undefined>;
  list(): Promise<Consumer[]>;
  setDisabled(id: string, disabledAt: Date | null): Promise<Result<Consumer, NotFoundError>>;
  /** The version guarded writes compare against (0 for a consumer that never committed, or unknown). */
  commitmentVersion(id: string): Promise<number>;
}

export interface ApiKeyRepository {
  create(key: ApiKey): Promise<Result<ApiKey, AlreadyExistsError>>;
  findByHash(keyHash: string): Promise<ApiKey | undefined>;
  get(id: string): Promise<ApiKey | undefined>;
  listByConsumer(consumerId: string): Promise<ApiKey[]>;
  revoke(id: string, at: Date): Promise<Result<ApiKey, NotFoundError>>;
  touch(id: string, at: Date): Promise<void>;
}

export interface BudgetRepository {
  get(consumerId: string): Promise<Budget | undefined>;
  upsert(budget: Budget): Promise<Budget>;
  delete(consumerId: string): Promise<boolean>;
}

export interface OfferFailureRepository {
  record(failure: OfferFailure): Promise<void>;
  /** Failures at or after `since`, oldest first. */
  listSince(since: Date): Promise<OfferFailure[]>;
  /** Drops failures older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/**
 * An `Idempotency-Key` seen on a spending POST. The first request reserves the key; a retry with the
 * same key and body gets the stored response instead of renting a second GPU.
 */
export interface IdempotencyRecord {
  readonly key: string;
  /** Whose key it is (consumer id, or `admin`): keys are never shared across callers. */
  readonly scope: string;
  /** Hash of method, path and body: the same key with a different request is an error. */
  readonly requestHash: string;
  readonly state: 'in_progress' | 'completed';
  readonly responseStatus: number | null;
  readonly responseBody: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Completes an idempotency reservation in the same transaction as the session it created. */
export interface IdempotencyCompletion {
  readonly scope: string;
  readonly key: string;
  readonly responseStatus: number;
  readonly responseBody: string;
}

export interface IdempotencyRepository {
  /** Stores `record` if the (scope, key) pair is new; otherwise returns the existing record unchanged. */
  reserve(record: IdempotencyRecord): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }>;
  complete(scope: string, key: string, responseStatus: number, responseBody: string): Promise<void>;
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Forgets a reservation whose request failed before doing anything, so the client may retry.
   * With `ifCreatedAt`, only that reservation (a concurrent retry may already hold a newer one).
   */
  release(scope: string, key: string, ifCreatedAt?: Date): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

/**
 * The deployment identity: generated once and persisted, so every label this installation writes
 * (`gpushop-<deploymentId>-…`) stays recognisable across restarts, and two installations sharing one
 * provider account never touch each other's instances.
 */
export interface DeploymentIdentityRepository {
  /** Returns the stored id, storing `candidate` first if there is none yet. */
  getOrCreate(candidate: string, now: Date): Promise<string>;
}

/**
 * The session's private key, encrypted (SecretCipher), kept while the session lives: the service
 * needs it to verify, probe and sample the node over SSH, also after a restart. Deleted when the
 * session ends. It is never part of the Session record, so it cannot leak into a response.
 */
export interface SessionSecretRepository {
  /** Replaces the key of an existing session; a session that does not exist is an error (thrown). */
  put(sessionId: string, encryptedPrivateKey: string): Promise<void>;
  get(sessionId: string): Promise<string | undefined>;
  delete(sessionId: string): Promise<void>;
}

export interface Repositories {
  readonly sessions: SessionRepository;
  readonly costs: CostLedgerRepository;
  readonly consumers: ConsumerRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly budgets: BudgetRepository;
  readonly offerFailures: OfferFailureRepository;
  readonly idempotency: IdempotencyRepository;
  readonly deployment: DeploymentIdentityRepository;
  readonly sessionSecrets: SessionSecretRepository;
}
