import { and, asc, eq } from 'drizzle-orm';

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

import { type PostgresDatabase } from '../../database.js';
import { sessionConditions, toEvent, toSession } from '../../queries/sessions.js';
import { isUniqueViolation } from '../../repositories/unique-violation.js';
import { byteOrder } from '../byte-order.js';
import { consumers, idempotencyRecords, sessionEvents, sessionSecrets, sessions } from '../schema.js';

type Transaction = Parameters<Parameters<PostgresDatabase['transaction']>[0]>[0];

/**
 * The compare-and-set of a CommitmentGuard, inside the caller's transaction. Under READ COMMITTED
 * a concurrent UPDATE of the same row waits for the other transaction, then re-checks the WHERE
 * against the committed row: of two writers expecting one version, exactly one matches.
 */
async function bumpCommitment(tx: Transaction, guard: CommitmentGuard): Promise<boolean> {
  const bumped = await tx
    .update(consumers)
    .set({ commitmentVersion: guard.expectedVersion + 1 })
    .where(and(eq(consumers.id, guard.consumerId), eq(consumers.commitmentVersion, guard.expectedVersion)))
    .returning({ id: consumers.id });
  return bumped.length === 1;
}

/** Thrown inside a transaction to roll it back; carries the result the caller returns. */
class Refused<E> extends Error {
  constructor(readonly result: Result<never, E>) {
    super('refused');
  }
}

export class PostgresSessionRepository implements SessionRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async insert(
    session: Session,
    event: SessionEvent,
    secret?: { readonly encryptedPrivateKey: string },
    idempotency?: IdempotencyCompletion,
    guard?: CommitmentGuard,
  ): Promise<Result<Session, AlreadyExistsError | ConcurrentUpdateError>> {
    try {
      await this.db.transaction(async (tx) => {
        if (guard && !(await bumpCommitment(tx, guard))) throw new Refused(Err(commitmentConflict(guard)));
        await tx.insert(sessions).values(session);
        await tx.insert(sessionEvents).values(event);
        if (secret) await tx.insert(sessionSecrets).values({ sessionId: session.id, encryptedPrivateKey: secret.encryptedPrivateKey });
        if (idempotency) {
          await tx
            .update(idempotencyRecords)
            .set({ state: 'completed', responseStatus: idempotency.responseStatus, responseBody: idempotency.responseBody })
            .where(and(eq(idempotencyRecords.scope, idempotency.scope), eq(idempotencyRecords.key, idempotency.key)));
        }
      });
    } catch (error) {
      if (error instanceof Refused) return error.result;
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('session', session.id));
      throw error;
    }
    return Ok(session);
  }

  async versionOf(id: string): Promise<number | undefined> {
    const [row] = await this.db.select({ version: sessions.version }).from(sessions).where(eq(sessions.id, id));
    return row?.version;
  }

  async get(id: string): Promise<Session | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.id, id));
    return row && toSession(row);
  }

  async findByLabel(label: string): Promise<Session | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.label, label));
    return row && toSession(row);
  }

  async list(query: SessionListQuery = {}): Promise<Session[]> {
    const base = this.db
      .select()
      .from(sessions)
      .where(and(...sessionConditions(sessions, byteOrder(sessions.id), query)))
      .orderBy(asc(byteOrder(sessions.id)));
    const rows = query.limit === undefined ? await base : await base.limit(query.limit);
    return rows.map(toSession);
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: SessionChanges,
    events: readonly SessionEvent[],
    guard?: CommitmentGuard,
  ): Promise<Result<Session, ConcurrentUpdateError | SessionNotFoundError>> {
    try {
      return await this.db.transaction(async (tx): Promise<Result<Session, ConcurrentUpdateError | SessionNotFoundError>> => {
        // FOR UPDATE holds the row until commit: the version read here is the one the write replaces.
        const [row] = await tx.select().from(sessions).where(eq(sessions.id, id)).for('update');
        if (!row) return Err(new SessionNotFoundError(id));
        const current = toSession(row);
        if (current.version !== expectedVersion) return Err(new ConcurrentUpdateError('session', id, expectedVersion));
        assertSessionUpdateAllowed(current, changes, events);
        if (guard && !(await bumpCommitment(tx, guard))) return Err(commitmentConflict(guard));
        const [updated] = await tx
          .update(sessions)
          .set({ ...changes, version: expectedVersion + 1 })
          .where(and(eq(sessions.id, id), eq(sessions.version, expectedVersion)))
          .returning();
        if (!updated) throw new Refused(Err(new ConcurrentUpdateError('session', id, expectedVersion)));
        for (const event of events) await tx.insert(sessionEvents).values(event);
        return Ok(toSession(updated));
      });
    } catch (error) {
      if (error instanceof Refused) return error.result;
      throw error;
    }
  }

  async appendEvent(event: SessionEvent): Promise<Result<void, SessionNotFoundError>> {
    return this.db.transaction(async (tx): Promise<Result<void, SessionNotFoundError>> => {
      const [exists] = await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, event.sessionId));
      if (!exists) return Err(new SessionNotFoundError(event.sessionId));
      await tx.insert(sessionEvents).values(event);
      return Ok();
    });
  }

  async listEvents(sessionId: string): Promise<SessionEvent[]> {
    const rows = await this.db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, sessionId)).orderBy(asc(sessionEvents.seq));
    return rows.map(toEvent);
  }
}
