import { and, asc, eq, sql } from 'drizzle-orm';

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

type Transaction = Parameters<Parameters<StorageDatabase['transaction']>[0]>[0];

/** The compare-and-set of a CommitmentGuard, inside the caller's transaction. */
function bumpCommitment(tx: Transaction, guard: CommitmentGuard): boolean {
  const bumped = tx
    .update(consumers)
    .set({ commitmentVersion: guard.expectedVersion + 1 })
    .where(and(eq(consumers.id, guard.consumerId), eq(consumers.commitmentVersion, guard.expectedVersion)))
    .run();
  return bumped.changes === 1;
}

export class SqliteSessionRepository implements SessionRepository {
  /**
   * The hot single-row reads, prepared once: building and preparing a select of every column costs
   * ten times running it, and a provisioning reads its session a dozen times. Run on the one
   * connection, they read inside an open transaction as its own statements do.
   */
  private readonly byId;
  private readonly byLabel;

  constructor(private readonly db: StorageDatabase) {
    this.byId = db.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare();
    this.byLabel = db.select().from(sessions).where(eq(sessions.label, sql.placeholder('label'))).prepare();
  }

  async insert(
    session: Session,
    event: SessionEvent,
    secret?: { readonly encryptedPrivateKey: string },
    idempotency?: IdempotencyCompletion,
    guard?: CommitmentGuard,
  ): Promise<Result<Session, AlreadyExistsError | ConcurrentUpdateError>> {
    try {
      const fenced = this.db.transaction(
        (tx) => {
          if (guard && !bumpCommitment(tx, guard)) return false;
          tx.insert(sessions).values(session).run();
        tx.insert(sessionEvents).values(event).run();
        if (secret) tx.insert(sessionSecrets).values({ sessionId: session.id, encryptedPrivateKey: secret.encryptedPrivateKey }).run();
        if (idempotency) {
          tx.update(idempotencyRecords)
            .set({ state: 'completed', responseStatus: idempotency.responseStatus, responseBody: idempotency.responseBody })
            .where(and(eq(idempotencyRecords.scope, idempotency.scope), eq(idempotencyRecords.key, idempotency.key)))
            .run();
        }
          return true;
        },
        { behavior: 'immediate' },
      );
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
    // IMMEDIATE takes the write lock up front, so the read below and the write cannot interleave
    // with another connection's transaction.
    const result = this.db.transaction(
      (tx): Result<Session, ConcurrentUpdateError | SessionNotFoundError> => {
        const row = this.byId.get({ id });
        if (!row) return Err(new SessionNotFoundError(id));
        const current = toSession(row);
        if (current.version !== expectedVersion) return Err(new ConcurrentUpdateError('session', id, expectedVersion));
        assertSessionUpdateAllowed(current, changes, events);
        // Nothing is written yet: refusing here leaves the transaction empty.
        if (guard && !bumpCommitment(tx, guard)) return Err(commitmentConflict(guard));
        const written = tx
          .update(sessions)
          .set({ ...changes, version: expectedVersion + 1 })
          .where(and(eq(sessions.id, id), eq(sessions.version, expectedVersion)))
          .run();
        if (written.changes !== 1) return Err(new ConcurrentUpdateError('session', id, expectedVersion));
        for (const event of events) tx.insert(sessionEvents).values(event).run();
        const updated = this.byId.get({ id });
        if (!updated) return Err(new SessionNotFoundError(id));
        return Ok(toSession(updated));
      },
      { behavior: 'immediate' },
    );
    return result;
  }

  async appendEvent(event: SessionEvent): Promise<Result<void, SessionNotFoundError>> {
    return this.db.transaction((tx): Result<void, SessionNotFoundError> => {
      const exists = tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, event.sessionId)).get();
      if (!exists) return Err(new SessionNotFoundError(event.sessionId));
      tx.insert(sessionEvents).values(event).run();
      return Ok();
    });
  }

  async listEvents(sessionId: string): Promise<SessionEvent[]> {
    const rows = this.db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, sessionId)).orderBy(asc(sessionEvents.seq)).all();
    return rows.map(toEvent);
  }
}
