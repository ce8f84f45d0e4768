import { and, asc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { type SQLiteTable } from 'drizzle-orm/sqlite-core';

import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  Err,
  Ok,
  SessionNotFoundError,
  assertSessionUpdateAllowed,
  commitmentConflict,
  type CommitmentGuard,
  type IdempotencyCompletion,
  type Result,
  type Session,
  type SessionChanges,
  type SessionEvent,
  type SessionListQuery,
  type SessionRepository,
} from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { sessionConditions, toEvent, toSession } from '../queries/sessions.js';
import { consumers, idempotencyRecords, sessionEvents, sessionSecrets, sessions } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

type UpdateResult = Result<Session, ConcurrentUpdateError | SessionNotFoundError>;

const SESSION_KEYS = Object.keys(getTableColumns(sessions));
const EVENT_KEYS = Object.keys(getTableColumns(sessionEvents)).filter((key) => key !== 'seq');
/** Distinct shapes of session changes whose UPDATE is kept prepared; the saga writes a few dozen. */
const MAX_PREPARED_UPDATES = 256;

/**
 * `sql` chunks holding a placeholder named after each of `keys`. Wrapped in `sql`, a placeholder is
 * bound as given (drizzle would otherwise run the column's encoder on it, null included), so the
 * values are encoded first with `driverValues`.
 */
function placeholders<T extends SQLiteTable>(table: T, keys: readonly string[]): { [K in keyof T['$inferInsert']]: SQL } {
  void table;
  return Object.fromEntries(keys.map((key) => [key, sql`${sql.placeholder(key)}`])) as { [K in keyof T['$inferInsert']]: SQL };
}

/** `row`'s values for `keys` as the driver stores them (Date to milliseconds, JSON to text), as drizzle encodes a value it builds into a statement. */
function driverValues(table: SQLiteTable, row: object, keys: readonly string[]): Record<string, unknown> {
  const columns = getTableColumns(table);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (row as Record<string, unknown>)[key];
    const column = columns[key];
    out[key] = value === null || value === undefined || !column ? (value ?? null) : column.mapToDriverValue(value);
  }
  return out;
}

/** True when `row` holds a value (null included) for every key: a prepared full-row insert can take it. */
function complete(row: object, keys: readonly string[]): boolean {
  return keys.every((key) => (row as Record<string, unknown>)[key] !== undefined);
}

export class SqliteSessionRepository implements SessionRepository {
  /**
   * The hot statements of a provisioning, prepared once: building and preparing a statement over
   * every column costs several times running it, and a provisioning reads and writes its session a
   * dozen times. Run on the one connection, they take part in an open transaction as any other.
   */
  private readonly byId;
  private readonly byLabel;
  private readonly versionById;
  private readonly insertSession;
  private readonly insertEvent;
  private readonly insertSecret;
  private readonly bump;
  /** One prepared UPDATE per set of changed columns (sorted names), made on first use. */
  private readonly updates = new Map<string, { run(values: Record<string, unknown>): { changes: number } }>();
  /** better-sqlite3 transaction functions, made once (insert and update run IMMEDIATE: the write lock up front). */
  private readonly insertTx;
  private readonly updateTx;
  private readonly appendTx;

  constructor(private readonly db: StorageDatabase) {
    this.byId = db.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare();
    this.byLabel = db.select().from(sessions).where(eq(sessions.label, sql.placeholder('label'))).prepare();
    this.versionById = db.select({ version: sessions.version }).from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare();
    this.insertSession = db.insert(sessions).values(placeholders(sessions, SESSION_KEYS)).prepare();
    this.insertEvent = db.insert(sessionEvents).values(placeholders(sessionEvents, EVENT_KEYS)).prepare();
    this.insertSecret = db.insert(sessionSecrets).values({ sessionId: sql.placeholder('sessionId'), encryptedPrivateKey: sql.placeholder('encryptedPrivateKey') }).prepare();
    this.bump = db
      .update(consumers)
      .set(placeholders(consumers, ['commitmentVersion']))
      .where(and(eq(consumers.id, sql.placeholder('consumerId')), eq(consumers.commitmentVersion, sql.placeholder('expected'))))
      .prepare();
    this.insertTx = db.$client.transaction(
      (session: Session, event: SessionEvent, secret: { readonly encryptedPrivateKey: string } | undefined, idempotency: IdempotencyCompletion | undefined, guard: CommitmentGuard | undefined): boolean => {
        if (guard && !this.bumpCommitment(guard)) return false;
        if (complete(session, SESSION_KEYS)) this.insertSession.run(driverValues(sessions, session, SESSION_KEYS));
        else db.insert(sessions).values(session).run();
        this.writeEvent(event);
        if (secret) this.insertSecret.run({ sessionId: session.id, encryptedPrivateKey: secret.encryptedPrivateKey });
        if (idempotency) {
          db.update(idempotencyRecords)
            .set({ state: 'completed', responseStatus: idempotency.responseStatus, responseBody: idempotency.responseBody })
            .where(and(eq(idempotencyRecords.scope, idempotency.scope), eq(idempotencyRecords.key, idempotency.key)))
            .run();
        }
        return true;
      },
    );
    this.updateTx = db.$client.transaction((id: string, expectedVersion: number, changes: SessionChanges, events: readonly SessionEvent[], guard: CommitmentGuard | undefined): UpdateResult => {
      const row = this.byId.get({ id });
      if (!row) return Err(new SessionNotFoundError(id));
      const current = toSession(row);
      if (current.version !== expectedVersion) return Err(new ConcurrentUpdateError('session', id, expectedVersion));
      assertSessionUpdateAllowed(current, changes, events);
      // Nothing is written yet: refusing here leaves the transaction empty.
      if (guard && !this.bumpCommitment(guard)) return Err(commitmentConflict(guard));
      const written = this.writeChanges(current, changes);
      if (!written) return Err(new ConcurrentUpdateError('session', id, expectedVersion));
      for (const event of events) this.writeEvent(event);
      return Ok(written);
    });
    this.appendTx = db.$client.transaction((event: SessionEvent): Result<void, SessionNotFoundError> => {
      if (!this.versionById.get({ id: event.sessionId })) return Err(new SessionNotFoundError(event.sessionId));
      this.writeEvent(event);
      return Ok();
    });
  }

  /** The compare-and-set of a CommitmentGuard, inside the caller's transaction. */
  private bumpCommitment(guard: CommitmentGuard): boolean {
    return this.bump.run({ commitmentVersion: guard.expectedVersion + 1, consumerId: guard.consumerId, expected: guard.expectedVersion }).changes === 1;
  }

  private writeEvent(event: SessionEvent): void {
    if (complete(event, EVENT_KEYS)) this.insertEvent.run(driverValues(sessionEvents, event, EVENT_KEYS));
    else this.db.insert(sessionEvents).values(event).run();
  }

  /**
   * UPDATE … SET <the changed columns>, version = current's + 1 WHERE id AND version = current's.
   * Answers the session as written (`current`, read and validated in this transaction, with the
   * changes applied: the values the row now holds, so it is not read back), or undefined when no
   * row matched.
   */
  private writeChanges(current: Session, changes: SessionChanges): Session | undefined {
    const { id, version: expectedVersion } = current;
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(changes)) if (value !== undefined && SESSION_KEYS.includes(key)) values[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    values.version = expectedVersion + 1;
    const shape = Object.keys(values).sort().join(',');
    let statement = this.updates.get(shape);
    if (!statement) {
      const prepared = this.db
        .update(sessions)
        .set(placeholders(sessions, Object.keys(values)))
        .where(and(eq(sessions.id, sql.placeholder(' id')), eq(sessions.version, sql.placeholder(' expectedVersion'))))
        .prepare();
      statement = prepared;
      if (this.updates.size < MAX_PREPARED_UPDATES) this.updates.set(shape, prepared);
    }
    if (statement.run({ ...driverValues(sessions, values, Object.keys(values)), ' id': id, ' expectedVersion': expectedVersion }).changes !== 1) return undefined;
    return { ...current, ...values };
  }

  async insert(
    session: Session,
    event: SessionEvent,
    secret?: { readonly encryptedPrivateKey: string },
    idempotency?: IdempotencyCompletion,
    guard?: CommitmentGuard,
  ): Promise<Result<Session, AlreadyExistsError | ConcurrentUpdateError>> {
    try {
      const fenced = this.insertTx.immediate(session, event, secret, idempotency, guard);
      if (!fenced && guard) return Err(commitmentConflict(guard));
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('session', session.id));
      throw error;
    }
    return Ok(session);
  }

  async get(id: string): Promise<Session | undefined> {
    const row = this.byId.get({ id });
    return row && toSession(row);
  }

  async versionOf(id: string): Promise<number | undefined> {
    return this.versionById.get({ id })?.version;
  }

  async findByLabel(label: string): Promise<Session | undefined> {
    const row = this.byLabel.get({ label });
    return row && toSession(row);
  }

  async list(query: SessionListQuery = {}): Promise<Session[]> {
    const base = this.db
      .select()
      .from(sessions)
      .where(and(...sessionConditions(sessions, sessions.id, query)))
      .orderBy(asc(sessions.id));
    const rows = query.limit === undefined ? base.all() : base.limit(query.limit).all();
    return rows.map(toSession);
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: SessionChanges,
    events: readonly SessionEvent[],
    guard?: CommitmentGuard,
  ): Promise<Result<Session, ConcurrentUpdateError | SessionNotFoundError>> {
    // IMMEDIATE takes the write lock up front, so the read and the write cannot interleave with
    // another connection's transaction.
    return this.updateTx.immediate(id, expectedVersion, changes, events, guard);
  }

  async appendEvent(event: SessionEvent): Promise<Result<void, SessionNotFoundError>> {
    return this.appendTx(event);
  }

  async listEvents(sessionId: string): Promise<SessionEvent[]> {
    const rows = this.db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, sessionId)).orderBy(asc(sessionEvents.seq)).all();
    return rows.map(toEvent);
  }
}
