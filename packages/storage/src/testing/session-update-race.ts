import { unwrap, type SessionRepository } from '@gpu-shopper/core';
import { buildSession } from '@gpu-shopper/core/testing';

/**
 * Two connections (SQLite) or pools (PostgreSQL) on one database update one session from the same
 * version at once: exactly one wins, the other gets CONCURRENT_UPDATE, and the stored session carries
 * the winner's status with exactly its one transition event. The race is the same on both dialects;
 * only how the two handles are opened differs.
 */
export async function expectOneOfTwoSessionUpdatesWins(a: SessionRepository, b: SessionRepository, sessionId: string): Promise<void> {
  const { session, event } = buildSession({ id: sessionId });
  unwrap(await a.insert(session, event));

  const at = new Date('2026-01-01T00:00:05.000Z');
  const fromA = {
    id: 'evt_from_a', sessionId: session.id, type: 'request_create' as const, fromStatus: 'pending' as const,
    toStatus: 'provisioning' as const, actor: 'provisioner' as const, reason: 'a', occurredAt: at, data: {},
  };
  const fromB = { ...fromA, id: 'evt_from_b', type: 'cancel_before_create' as const, toStatus: 'terminated' as const, actor: 'api' as const, reason: 'b' };
  const results = await Promise.all([
    a.update(session.id, 0, { status: 'provisioning', statusChangedAt: at }, [fromA]),
    b.update(session.id, 0, { status: 'terminated', statusChangedAt: at }, [fromB]),
  ]);

  expect(results.filter((r) => r.ok)).toHaveLength(1);
  const loser = results.find((r) => !r.ok);
  expect(loser && !loser.ok && loser.err.code).toBe('CONCURRENT_UPDATE');
  const stored = await b.get(session.id);
  const transitions = (await a.listEvents(session.id)).filter((e) => e.type !== 'created');
  expect(transitions).toHaveLength(1);
  expect(transitions[0]?.toStatus).toBe(stored?.status);
  expect(stored?.version).toBe(1);
}
