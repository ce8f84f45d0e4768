/**
 * The session part of the repository contract (see repository-contract.ts): compare-and-set, the
 * commitment guard, the update rules and the event log. Uses jest's globals, so only tests may import it.
 */
import { unwrap } from '../errors/result.js';
import { type Repositories } from '../ports/repositories.js';
import { type SessionEvent } from '../sessions/session-event.js';
import { planSessionTransition } from '../sessions/session-transition.js';
import { at } from './contract-time.js';
import { buildSession } from './fixtures.js';

function transition(sessionId: string, status: 'pending' | 'provisioning', trigger: 'request_create' | 'cancel_before_create', eventId: string, atTime = at(1)) {
  return unwrap(planSessionTransition({ id: sessionId, status }, { trigger, actor: 'api', reason: trigger, at: atTime, eventId }));
}

/** Registers the session cases; `current` gives the repositories the enclosing contract opened for this test. */
export function describeSessionRepositoryContract(current: () => Repositories): void {
  let repos: Repositories;
  beforeEach(() => {
    repos = current();
  });

describe('sessions', () => {
  it('stores a session with its created event and reads it back unchanged', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A01' });
    unwrap(await repos.sessions.insert(session, event));
    expect(await repos.sessions.get(session.id)).toEqual(session);
    expect(await repos.sessions.findByLabel(session.label)).toEqual(session);
    expect(await repos.sessions.listEvents(session.id)).toEqual([event]);
  });

  it('refuses a second session with the same id', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A02' });
    unwrap(await repos.sessions.insert(session, event));
    const again = await repos.sessions.insert(session, { ...event, id: 'evt_other' });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.err.code).toBe('ALREADY_EXISTS');
    expect(await repos.sessions.listEvents(session.id)).toHaveLength(1);
  });

  it('returns undefined for an unknown id or label', async () => {
    expect(await repos.sessions.get('ses_missing')).toBeUndefined();
    expect(await repos.sessions.findByLabel('gpushop-x-y')).toBeUndefined();
  });

  it('applies a compare-and-set update, bumps the version and records the event atomically', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A03' });
    unwrap(await repos.sessions.insert(session, event));
    const plan = transition(session.id, 'pending', 'request_create', 'evt_t1');
    const updated = unwrap(await repos.sessions.update(session.id, 0, { ...plan.changes, providerInstanceId: 'i-1' }, [plan.event]));
    expect(updated.status).toBe('provisioning');
    expect(updated.version).toBe(1);
    expect(updated.providerInstanceId).toBe('i-1');
    expect(updated.statusChangedAt).toEqual(at(1));
    expect(await repos.sessions.get(session.id)).toEqual(updated);
    expect((await repos.sessions.listEvents(session.id)).map((e) => e.id)).toEqual([event.id, 'evt_t1']);
  });

  it('tells the stored version of a session, bumped by every update; undefined for an unknown id', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A14' });
    unwrap(await repos.sessions.insert(session, event));
    expect(await repos.sessions.versionOf(session.id)).toBe(session.version);
    const updated = unwrap(await repos.sessions.update(session.id, session.version, { providerInstanceId: 'i-1' }, []));
    expect(await repos.sessions.versionOf(session.id)).toBe(updated.version);
    expect(updated.version).toBe(session.version + 1);
    expect(await repos.sessions.versionOf('ses_missing')).toBeUndefined();
  });

  it('answers an update with the session as stored: what a later read returns, every kind of field included, and not tied to the changes passed in', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A13', interruptible: true, triedOfferIds: ['a'] });
    unwrap(await repos.sessions.insert(session, event));
    const before = await repos.sessions.get(session.id);
    if (!before) throw new Error('the inserted session must read back');
    const stoppedAt = new Date('2026-01-01T01:02:03.456Z');
    const triedOfferIds = ['a', 'b'];
    // An undefined change leaves its field as it is (errorMessage stays null).
    const once = unwrap(await repos.sessions.update(session.id, session.version, { stoppedAt, triedOfferIds, interruptible: false, providerInstanceId: 'i-1', sshPort: 2222, errorMessage: undefined }, []));
    triedOfferIds.push('changed after the write');
    expect(await repos.sessions.get(session.id)).toEqual(once);
    const { stoppedAt: written, ...rest } = once;
    const { stoppedAt: _none, ...unchanged } = before;
    expect(written?.getTime()).toBe(stoppedAt.getTime());
    expect(rest).toEqual({ ...unchanged, triedOfferIds: ['a', 'b'], interruptible: false, providerInstanceId: 'i-1', sshPort: 2222, version: session.version + 1 });
    const twice = unwrap(await repos.sessions.update(session.id, once.version, { stoppedAt: null, triedOfferIds: [], providerInstanceId: null, sshPort: null }, []));
    expect(await repos.sessions.get(session.id)).toEqual(twice);
    expect(twice).toEqual({ ...once, stoppedAt: null, triedOfferIds: [], providerInstanceId: null, sshPort: null, version: session.version + 2 });
  });

  it('lets exactly one of two concurrent updates win; the loser gets a typed conflict and leaves no event', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A04' });
    unwrap(await repos.sessions.insert(session, event));
    const toProvisioning = transition(session.id, 'pending', 'request_create', 'evt_win_a');
    const toTerminated = transition(session.id, 'pending', 'cancel_before_create', 'evt_win_b');

    const results = await Promise.all([
      repos.sessions.update(session.id, 0, toProvisioning.changes, [toProvisioning.event]),
      repos.sessions.update(session.id, 0, toTerminated.changes, [toTerminated.event]),
    ]);

    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const loser = losers[0];
    if (loser && !loser.ok) expect(loser.err.code).toBe('CONCURRENT_UPDATE');
    const stored = await repos.sessions.get(session.id);
    const winner = winners[0];
    expect(winner?.ok && stored).toEqual(winner?.ok ? winner.val : undefined);
    expect(stored?.version).toBe(1);
    const events = await repos.sessions.listEvents(session.id);
    const transitions = events.filter((e) => e.type !== 'created');
    expect(transitions).toHaveLength(1);
    expect(transitions[0]?.toStatus).toBe(stored?.status);
  });

  it('rejects an update with a stale version and changes nothing', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A05' });
    unwrap(await repos.sessions.insert(session, event));
    unwrap(await repos.sessions.update(session.id, 0, { sshHost: '10.0.0.1' }, []));
    const stale = await repos.sessions.update(session.id, 0, { sshHost: '10.0.0.2' }, []);
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.err.code).toBe('CONCURRENT_UPDATE');
    expect((await repos.sessions.get(session.id))?.sshHost).toBe('10.0.0.1');
  });

  it('a commitment guard fences inserts and updates: a stale consumer version writes nothing, the current one bumps it', async () => {
    await repos.consumers.create({ id: 'guarded', name: 'Guarded', createdAt: at(0), disabledAt: null });
    expect(await repos.consumers.commitmentVersion('guarded')).toBe(0);
    const first = buildSession({ id: 'ses_00000000000000000000000G01', consumerId: 'guarded' });
    unwrap(await repos.sessions.insert(first.session, first.event, undefined, undefined, { consumerId: 'guarded', expectedVersion: 0 }));
    expect(await repos.consumers.commitmentVersion('guarded')).toBe(1);

    const second = buildSession({ id: 'ses_00000000000000000000000G02', consumerId: 'guarded' });
    const staleInsert = await repos.sessions.insert(second.session, second.event, { encryptedPrivateKey: 'k' }, undefined, { consumerId: 'guarded', expectedVersion: 0 });
    expect(!staleInsert.ok && staleInsert.err.code).toBe('CONCURRENT_UPDATE');
    expect(await repos.sessions.get(second.session.id)).toBeUndefined();
    expect(await repos.sessionSecrets.get(second.session.id)).toBeUndefined();

    const staleUpdate = await repos.sessions.update(first.session.id, 0, { reservationHours: 5 }, [], { consumerId: 'guarded', expectedVersion: 0 });
    expect(!staleUpdate.ok && staleUpdate.err.code).toBe('CONCURRENT_UPDATE');
    expect((await repos.sessions.get(first.session.id))?.version).toBe(0);

    unwrap(await repos.sessions.update(first.session.id, 0, { reservationHours: 5 }, [], { consumerId: 'guarded', expectedVersion: 1 }));
    expect(await repos.consumers.commitmentVersion('guarded')).toBe(2);
    // Two writers that read the same version: exactly one lands.
    const racers = await Promise.all([
      repos.sessions.insert(second.session, second.event, undefined, undefined, { consumerId: 'guarded', expectedVersion: 2 }),
      repos.sessions.update(first.session.id, 1, { reservationHours: 6 }, [], { consumerId: 'guarded', expectedVersion: 2 }),
    ]);
    expect(racers.filter((r) => r.ok)).toHaveLength(1);
    expect(await repos.consumers.commitmentVersion('guarded')).toBe(3);
  });

  it('reports a missing session on update', async () => {
    const missing = await repos.sessions.update('ses_missing', 0, { sshHost: 'x' }, []);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.err.code).toBe('SESSION_NOT_FOUND');
  });

  it('throws on a status change that has no transition event, and stores nothing', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A06' });
    unwrap(await repos.sessions.insert(session, event));
    await expect(repos.sessions.update(session.id, 0, { status: 'running' }, [])).rejects.toThrow(/no transition event/);
    await expect(repos.sessions.update(session.id, 0, { consumerId: 'other' } as never, [])).rejects.toThrow(/cannot be updated/);
    expect(await repos.sessions.get(session.id)).toEqual(session);
  });

  it('lists by consumer, status and provider, oldest first, with a cursor', async () => {
    const ids = ['ses_00000000000000000000000B01', 'ses_00000000000000000000000B02', 'ses_00000000000000000000000B03'];
    for (const [i, id] of ids.entries()) {
      const { session, event } = buildSession({ id, consumerId: i === 2 ? 'other-app' : 'my-app' });
      unwrap(await repos.sessions.insert(session, event));
    }
    const plan = transition(ids[1] ?? '', 'pending', 'request_create', 'evt_b2');
    unwrap(await repos.sessions.update(ids[1] ?? '', 0, plan.changes, [plan.event]));

    expect((await repos.sessions.list()).map((s) => s.id)).toEqual(ids);
    expect((await repos.sessions.list({ consumerId: 'my-app' })).map((s) => s.id)).toEqual(ids.slice(0, 2));
    expect((await repos.sessions.list({ statuses: ['provisioning'] })).map((s) => s.id)).toEqual([ids[1]]);
    expect((await repos.sessions.list({ statuses: ['pending', 'provisioning'], provider: 'vastai' })).length).toBe(3);
    expect(await repos.sessions.list({ provider: 'tensordock' })).toEqual([]);
    expect((await repos.sessions.list({ afterId: ids[0], limit: 1 })).map((s) => s.id)).toEqual([ids[1]]);
  });

  it('appends non-transition events in order and refuses events of unknown sessions', async () => {
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000A07' });
    unwrap(await repos.sessions.insert(session, event));
    const attempt: SessionEvent = {
      id: 'evt_destroy_1',
      sessionId: session.id,
      type: 'destroy_attempted',
      fromStatus: null,
      toStatus: null,
      actor: 'lifecycle',
      reason: 'hard max reached',
      occurredAt: at(5),
      data: { attempt: 1, providerInstanceId: 'i-9' },
    };
    unwrap(await repos.sessions.appendEvent(attempt));
    expect(await repos.sessions.listEvents(session.id)).toEqual([event, attempt]);
    const orphanEvent = await repos.sessions.appendEvent({ ...attempt, id: 'evt_x', sessionId: 'ses_missing' });
    expect(orphanEvent.ok).toBe(false);
  });
});
}
