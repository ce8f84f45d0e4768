import { type ApiKey, type Budget, type Consumer } from '../consumers/consumer.js';
import { acceptedAccruals, summarizeCosts, type CostEntry, type CostQuery, type CostTotals } from '../cost/cost-entry.js';
import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  NotFoundError,
  SessionNotFoundError,
} from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type OfferFailure } from '../inventory/offer-failure.js';
import {
  type AccrualAppend,
  commitmentConflict,
  type ApiKeyRepository,
  type BudgetRepository,
  type CommitmentGuard,
  type ConsumerRepository,
  type CostLedgerRepository,
  type DeploymentIdentityRepository,
  type IdempotencyCompletion,
  type IdempotencyRecord,
  type IdempotencyRepository,
  type OfferFailureRepository,
  type Repositories,
  type SessionListQuery,
  type SessionRepository,
  type SessionSecretRepository,
} from '../ports/repositories.js';
import { type SessionEvent } from '../sessions/session-event.js';
import { assertSessionUpdateAllowed } from '../sessions/session-update-rules.js';
import { type Session, type SessionChanges } from '../sessions/session.js';

/** Copies on the way in and out, so callers can never mutate stored state by accident (as with a database). */
const copy = <T>(value: T): T => structuredClone(value);

export class InMemorySessionRepository implements SessionRepository {
  /** Where `insert` stores the session key; set by `createInMemoryRepositories`. */
  secrets: InMemorySessionSecretRepository | undefined;

  private readonly sessions = new Map<string, Session>();
  private readonly events: SessionEvent[] = [];

  /** Where `insert` completes an idempotency reservation; set by `createInMemoryRepositories`. */
  idempotency: InMemoryIdempotencyRepository | undefined;

  /** Whose commitment versions guarded writes compare and bump; set by `createInMemoryRepositories`. */
  consumers: InMemoryConsumerRepository | undefined;

  async insert(
    session: Session,
    event: SessionEvent,
    secret?: { readonly encryptedPrivateKey: string },
    idempotency?: IdempotencyCompletion,
    guard?: CommitmentGuard,
  ): Promise<Result<Session, AlreadyExistsError | ConcurrentUpdateError>> {
    if (this.sessions.has(session.id) || [...this.sessions.values()].some((s) => s.label === session.label)) {
      return Err(new AlreadyExistsError('session', session.id));
    }
    if (guard && !this.consumers?.bumpCommitment(guard)) return Err(commitmentConflict(guard));
    this.sessions.set(session.id, copy(session));
    this.events.push(copy(event));
    if (secret) await this.secrets?.put(session.id, secret.encryptedPrivateKey);
    if (idempotency) await this.idempotency?.complete(idempotency.scope, idempotency.key, idempotency.responseStatus, idempotency.responseBody);
    return Ok(copy(session));
  }

  async get(id: string): Promise<Session | undefined> {
    const found = this.sessions.get(id);
    return found && copy(found);
  }

  async versionOf(id: string): Promise<number | undefined> {
    return this.sessions.get(id)?.version;
  }

  async findByLabel(label: string): Promise<Session | undefined> {
    const found = [...this.sessions.values()].find((s) => s.label === label);
    return found && copy(found);
  }

  async list(query: SessionListQuery = {}): Promise<Session[]> {
    const rows = [...this.sessions.values()]
      .filter((s) => query.consumerId === undefined || s.consumerId === query.consumerId)
      .filter((s) => query.statuses === undefined || query.statuses.includes(s.status))
      .filter((s) => query.provider === undefined || s.provider === query.provider)
      .filter((s) => query.afterId === undefined || s.id > query.afterId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.slice(0, query.limit ?? rows.length).map(copy);
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: SessionChanges,
    events: readonly SessionEvent[],
    guard?: CommitmentGuard,
  ): Promise<Result<Session, ConcurrentUpdateError | SessionNotFoundError>> {
    const current = this.sessions.get(id);
    if (!current) return Err(new SessionNotFoundError(id));
    // Version first: a stale plan must lose with a conflict, not be judged against a newer status.
    if (current.version !== expectedVersion) {
      return Err(new ConcurrentUpdateError('session', id, expectedVersion));
    }
    assertSessionUpdateAllowed(current, changes, events);
    if (guard && !this.consumers?.bumpCommitment(guard)) return Err(commitmentConflict(guard));
    // An undefined change leaves its field as it is, as a SQL UPDATE does.
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const next: Session = { ...current, ...copy(defined), version: current.version + 1 };
    this.sessions.set(id, next);
    this.events.push(...events.map(copy));
    return Ok(copy(next));
  }

  async appendEvent(event: SessionEvent): Promise<Result<void, SessionNotFoundError>> {
    if (!this.sessions.has(event.sessionId)) return Err(new SessionNotFoundError(event.sessionId));
    this.events.push(copy(event));
    return Ok();
  }

  async listEvents(sessionId: string): Promise<SessionEvent[]> {
    return this.events.filter((e) => e.sessionId === sessionId).map(copy);
  }
}

function matchesCostQuery(entry: CostEntry, query: CostQuery): boolean {
  return (
    (query.consumerId === undefined || entry.consumerId === query.consumerId) &&
    (query.sessionId === undefined || entry.sessionId === query.sessionId) &&
    (query.provider === undefined || entry.provider === query.provider) &&
    (query.from === undefined || entry.periodStart.getTime() >= query.from.getTime()) &&
    (query.to === undefined || entry.periodStart.getTime() < query.to.getTime())
  );
}

export class InMemoryCostLedgerRepository implements CostLedgerRepository {
  private readonly entries: CostEntry[] = [];

  async appendAccrual(entry: CostEntry, previousAccruedSeconds: number): Promise<Result<void, ConcurrentUpdateError>> {
    const current = this.highWaterMark(entry.sessionId);
    if (current !== previousAccruedSeconds || entry.accruedSeconds <= current) {
      return Err(new ConcurrentUpdateError('cost ledger', entry.sessionId, previousAccruedSeconds));
    }
    this.entries.push(copy(entry));
    return Ok();
  }

  async accruedSeconds(sessionId: string): Promise<number> {
    return this.highWaterMark(sessionId);
  }

  async accruedSecondsOf(sessionIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(sessionIds.map((id) => [id, this.highWaterMark(id)]));
  }

  async appendAccruals(accruals: readonly AccrualAppend[]): Promise<Result<void, ConcurrentUpdateError>[]> {
    const marks = new Map(accruals.map((a) => [a.entry.sessionId, this.highWaterMark(a.entry.sessionId)]));
    return acceptedAccruals(accruals, marks).map((accepted, i) => {
      const { entry, previousAccruedSeconds } = accruals[i] as AccrualAppend;
      if (!accepted) return Err(new ConcurrentUpdateError('cost ledger', entry.sessionId, previousAccruedSeconds));
      this.entries.push(copy(entry));
      return Ok();
    });
  }

  async list(query: CostQuery = {}): Promise<CostEntry[]> {
    return this.entries.filter((e) => matchesCostQuery(e, query)).map(copy);
  }

  async totals(query: CostQuery = {}): Promise<CostTotals> {
    return summarizeCosts(this.entries.filter((e) => matchesCostQuery(e, query)));
  }

  async spentMicros(query: CostQuery = {}): Promise<number> {
    return this.entries.reduce((sum, e) => (matchesCostQuery(e, query) ? sum + e.amountMicros : sum), 0);
  }

  private highWaterMark(sessionId: string): number {
    return this.entries.filter((e) => e.sessionId === sessionId).reduce((max, e) => Math.max(max, e.accruedSeconds), 0);
  }
}

export class InMemoryConsumerRepository implements ConsumerRepository {
  private readonly consumers = new Map<string, Consumer>();
  private readonly commitments = new Map<string, number>();

  async commitmentVersion(id: string): Promise<number> {
    return this.commitments.get(id) ?? 0;
  }

  /** Compare-and-set of the commitment version (synchronous: nothing can interleave). */
  bumpCommitment(guard: CommitmentGuard): boolean {
    if ((this.commitments.get(guard.consumerId) ?? 0) !== guard.expectedVersion) return false;
    this.commitments.set(guard.consumerId, guard.expectedVersion + 1);
    return true;
  }

  async create(consumer: Consumer): Promise<Result<Consumer, AlreadyExistsError>> {
    if (this.consumers.has(consumer.id)) return Err(new AlreadyExistsError('consumer', consumer.id));
    this.consumers.set(consumer.id, copy(consumer));
    return Ok(copy(consumer));
  }

  async get(id: string): Promise<Consumer | undefined> {
    const found = this.consumers.get(id);
    return found && copy(found);
  }

  async list(): Promise<Consumer[]> {
    return [...this.consumers.values()].sort((a, b) => a.id.localeCompare(b.id)).map(copy);
  }

  async setDisabled(id: string, disabledAt: Date | null): Promise<Result<Consumer, NotFoundError>> {
    const found = this.consumers.get(id);
    if (!found) return Err(new NotFoundError('consumer', id));
    const next = { ...found, disabledAt };
    this.consumers.set(id, next);
    return Ok(copy(next));
  }
}

export class InMemoryApiKeyRepository implements ApiKeyRepository {
  private readonly keys = new Map<string, ApiKey>();

  async create(key: ApiKey): Promise<Result<ApiKey, AlreadyExistsError>> {
    if (this.keys.has(key.id) || [...this.keys.values()].some((k) => k.keyHash === key.keyHash)) {
      return Err(new AlreadyExistsError('api key', key.id));
    }
    this.keys.set(key.id, copy(key));
    return Ok(copy(key));
  }

  async findByHash(keyHash: string): Promise<ApiKey | undefined> {
    const found = [...this.keys.values()].find((k) => k.keyHash === keyHash);
    return found && copy(found);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const found = this.keys.get(id);
    return found && copy(found);
  }

  async listByConsumer(consumerId: string): Promise<ApiKey[]> {
    return [...this.keys.values()]
      .filter((k) => k.consumerId === consumerId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(copy);
  }

  async revoke(id: string, at: Date): Promise<Result<ApiKey, NotFoundError>> {
    const found = this.keys.get(id);
    if (!found) return Err(new NotFoundError('api key', id));
    // Revoking twice keeps the first revocation time.
    const next = { ...found, revokedAt: found.revokedAt ?? at };
    this.keys.set(id, next);
    return Ok(copy(next));
  }

  async touch(id: string, at: Date): Promise<void> {
    const found = this.keys.get(id);
    if (found) this.keys.set(id, { ...found, lastUsedAt: at });
    return;
  }
}

export class InMemoryBudgetRepository implements BudgetRepository {
  private readonly budgets = new Map<string, Budget>();

  async get(consumerId: string): Promise<Budget | undefined> {
    const found = this.budgets.get(consumerId);
    return found && copy(found);
  }

  async upsert(budget: Budget): Promise<Budget> {
    this.budgets.set(budget.consumerId, copy(budget));
    return copy(budget);
  }

  async delete(consumerId: string): Promise<boolean> {
    return this.budgets.delete(consumerId);
  }
}

export class InMemoryOfferFailureRepository implements OfferFailureRepository {
  private failures: OfferFailure[] = [];

  async record(failure: OfferFailure): Promise<void> {
    this.failures.push(copy(failure));
    return;
  }

  async listSince(since: Date): Promise<OfferFailure[]> {
    return this.failures
      .filter((f) => f.occurredAt.getTime() >= since.getTime())
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id))
      .map(copy);
  }

  async prune(before: Date): Promise<number> {
    const kept = this.failures.filter((f) => f.occurredAt.getTime() >= before.getTime());
    const removed = this.failures.length - kept.length;
    this.failures = kept;
    return removed;
  }
}

export class InMemoryIdempotencyRepository implements IdempotencyRepository {
  private readonly records = new Map<string, IdempotencyRecord>();

  async reserve(record: IdempotencyRecord): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }> {
    const existing = this.records.get(`${record.scope}\u0000${record.key}`);
    if (existing) return { reserved: false, existing: copy(existing) };
    this.records.set(`${record.scope}\u0000${record.key}`, copy(record));
    return { reserved: true };
  }

  async complete(scope: string, key: string, responseStatus: number, responseBody: string): Promise<void> {
    const id = `${scope}\u0000${key}`;
    const existing = this.records.get(id);
    if (existing) this.records.set(id, { ...existing, state: 'completed', responseStatus, responseBody });
    return;
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const found = this.records.get(`${scope}\u0000${key}`);
    return found && copy(found);
  }

  async release(scope: string, key: string, ifCreatedAt?: Date): Promise<void> {
    const id = `${scope}\u0000${key}`;
    if (ifCreatedAt && this.records.get(id)?.createdAt.getTime() !== ifCreatedAt.getTime()) return;
    this.records.delete(id);
    return;
  }

  async deleteExpired(now: Date): Promise<number> {
    let removed = 0;
    for (const [id, record] of this.records) {
      if (record.expiresAt.getTime() <= now.getTime()) {
        this.records.delete(id);
        removed++;
      }
    }
    return removed;
  }
}

export class InMemoryDeploymentIdentityRepository implements DeploymentIdentityRepository {
  private deploymentId: string | undefined;

  async getOrCreate(candidate: string): Promise<string> {
    this.deploymentId ??= candidate;
    return this.deploymentId;
  }
}

export class InMemorySessionSecretRepository implements SessionSecretRepository {
  private readonly secrets = new Map<string, string>();

  /** `sessions`, when given, makes a key for an unknown session an error, as the database's foreign key does. */
  constructor(private readonly sessions?: SessionRepository) {}

  async put(sessionId: string, encryptedPrivateKey: string): Promise<void> {
    if (this.sessions && !(await this.sessions.get(sessionId))) throw new Error(`no session ${sessionId} to hold a key`);
    this.secrets.set(sessionId, encryptedPrivateKey);
  }

  async get(sessionId: string): Promise<string | undefined> {
    return this.secrets.get(sessionId);
  }

  async delete(sessionId: string): Promise<void> {
    this.secrets.delete(sessionId);
  }
}

export function createInMemoryRepositories(): Repositories {
  const sessions = new InMemorySessionRepository();
  const sessionSecrets = new InMemorySessionSecretRepository(sessions);
  const idempotency = new InMemoryIdempotencyRepository();
  sessions.secrets = sessionSecrets;
  sessions.idempotency = idempotency;
  const consumers = new InMemoryConsumerRepository();
  sessions.consumers = consumers;
  return {
    sessions,
    costs: new InMemoryCostLedgerRepository(),
    consumers,
    apiKeys: new InMemoryApiKeyRepository(),
    budgets: new InMemoryBudgetRepository(),
    offerFailures: new InMemoryOfferFailureRepository(),
    idempotency,
    deployment: new InMemoryDeploymentIdentityRepository(),
    sessionSecrets,
  };
}
