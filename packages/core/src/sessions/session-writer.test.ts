import { InvalidTransitionError } from '../errors/domain-errors.js';
import { unwrap } from '../errors/result.js';
import { type Repositories, type SessionRepository } from '../ports/repositories.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { FakeClock } from '../testing/fake-clock.js';
import { buildSession } from '../testing/fixtures.js';
import { createInMemoryRepositories } from '../testing/in-memory-repositories.js';
import { SequentialIdGenerator } from '../testing/sequential-id-generator.js';
import { type SessionEvent } from './session-event.js';
import { type Session } from './session.js';
import { decide, SESSION_WRITE_ATTEMPTS, SessionWriter } from './session-writer.js';

/**
 * A session repository where another writer gets in first: before each of the next `races` updates
 * it changes the session itself (a lifecycle tick touching `lastActiveAt`), so the caller's
 * compare-and-set loses exactly as it would against a second process.
 */
class ContendedSessions implements SessionRepository {
  races = 0;
  updates = 0;

  constructor(private readonly inner: SessionRepository) {}

  insert(...args: Parameters<SessionRepository['insert']>) {
    return this.inner.insert(...args);
  }
  get(id: string) {
    return this.inner.get(id);
  }
  versionOf(id: string) {
    return this.inner.versionOf(id);
  }
  findByLabel(label: string) {
    return this.inner.findByLabel(label);
  }
  list(...args: Parameters<SessionRepository['list']>) {
    return this.inner.list(...args);
  }
  async update(...args: Parameters<SessionRepository['update']>) {
    this.updates++;
    const [id, expectedVersion] = args;
    if (this.races > 0) {
      this.races--;
      unwrap(await this.inner.update(id, expectedVersion, { lastActiveAt: new Date('2026-02-02T14:00:00.000Z') }, []));
    }
    return this.inner.update(...args);
  }
  appendEvent(event: SessionEvent) {
    return this.inner.appendEvent(event);
  }
  listEvents(sessionId: string) {
    return this.inner.listEvents(sessionId);
  }
}

function contended(): { repositories: Repositories; sessions: ContendedSessions } {
  const base = createInMemoryRepositories();
  const sessions = new ContendedSessions(base.sessions);
  return { repositories: { ...base, sessions }, sessions };
}

async function setup() {
  const { repositories, sessions } = contended();
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const ids = new SequentialIdGenerator();
  const built = buildSession({ status: 'running' });
  const session = unwrap(await repositories.sessions.insert(built.session, built.event));
  const writer = new SessionWriter({ sessions: repositories.sessions, clock, ids });
  return { repositories, sessions, clock, ids, session, writer };
}

describe('SessionWriter', () => {
  it('reads, decides on what is stored, writes with compare-and-set and appends the events it was given', async () => {
    const { writer, session, repositories } = await setup();
    const written = unwrap(
      await writer.update(session.id, (current) => decide.write({ sshHost: '10.0.0.9' }, [writer.event(current.id, 'note', 'admin', 'moved', { why: 'test' })])),
    );
    expect(written).toMatchObject({ sshHost: '10.0.0.9', version: session.version + 1 });
    const events = await repositories.sessions.listEvents(session.id);
    expect(events.at(-1)).toMatchObject({ type: 'note', actor: 'admin', reason: 'moved', fromStatus: null, toStatus: null, data: { why: 'test' } });
  });

  it('a lost race is read again and decided again on the fresh state, never re-applied blindly', async () => {
    const { writer, session, sessions } = await setup();
    sessions.races = 2;
    const seen: (Date | null)[] = [];
    const written = unwrap(
      await writer.update(session.id, (current) => {
        seen.push(current.lastActiveAt);
        return decide.write({ sshHost: '10.0.0.9' });
      }),
    );
    // The first decision saw the session before the competing write; the later ones saw it after.
    expect(seen).toEqual([session.lastActiveAt, new Date('2026-02-02T14:00:00.000Z'), new Date('2026-02-02T14:00:00.000Z')]);
    expect(written.sshHost).toBe('10.0.0.9');
    expect(written.version).toBe(session.version + 3);
  });

  it(`retries exhausted: after ${SESSION_WRITE_ATTEMPTS} lost races the answer is ConcurrentUpdateError (retryable), nothing of the decision written`, async () => {
    const { writer, session, sessions, repositories } = await setup();
    sessions.races = 100;
    const result = await writer.update(session.id, () => decide.write({ sshHost: '10.0.0.9' }));
    expect(!result.ok && result.err.code).toBe('CONCURRENT_UPDATE');
    expect(!result.ok && result.err.retryable).toBe(true);
    expect(sessions.updates).toBe(SESSION_WRITE_ATTEMPTS);
    expect((await repositories.sessions.get(session.id))?.sshHost).toBe(session.sshHost);
  });

  it('a missing session is SessionNotFoundError; keep writes nothing; refuse returns its error and writes nothing', async () => {
    const { writer, session, sessions } = await setup();
    const missing = await writer.update('ses_missing', () => decide.write({ sshHost: 'x' }));
    expect(!missing.ok && missing.err.code).toBe('SESSION_NOT_FOUND');
    const kept = unwrap(await writer.update(session.id, (current) => decide.keep(current)));
    expect(kept.version).toBe(session.version);
    const refused = await writer.update(session.id, (current) => decide.refuse(new InvalidTransitionError(current.status, 'extend', current.id)));
    expect(!refused.ok && refused.err.code).toBe('INVALID_TRANSITION');
    expect(sessions.updates).toBe(0);
  });

  it('afterWrite runs once, after the write that won, and its answer is the answer', async () => {
    const { writer, session, sessions } = await setup();
    sessions.races = 1;
    const ran: Session[] = [];
    const answer = unwrap(
      await writer.update(session.id, () =>
        decide.write({ sshHost: '10.0.0.9' }, [], {
          afterWrite: async (written) => {
            ran.push(written);
            return { ...written, sshUser: 'after' };
          },
        }),
      ),
    );
    expect(ran.map((s) => s.sshHost)).toEqual(['10.0.0.9']);
    expect(answer.sshUser).toBe('after');
  });

  it('given the session the caller read and one attempt, it is a single compare-and-set against that version', async () => {
    const { writer, session, sessions } = await setup();
    sessions.races = 1;
    let decisions = 0;
    const result = await writer.update(
      session,
      () => {
        decisions++;
        return decide.write({ sshHost: '10.0.0.9' });
      },
      1,
    );
    expect(!result.ok && result.err.code).toBe('CONCURRENT_UPDATE');
    expect(decisions).toBe(1);
  });

  it('transition plans a status change stamped by the clock, with its event', async () => {
    const { writer, session, clock } = await setup();
    const plan = unwrap(writer.transition(session, { trigger: 'request_destroy', actor: 'api', reason: 'done' }));
    expect(plan.changes).toMatchObject({ status: 'stopping', statusChangedAt: clock.now() });
    expect(plan.event).toMatchObject({ type: 'request_destroy', fromStatus: 'running', toStatus: 'stopping', occurredAt: clock.now() });
  });
});

describe('session commands when every write loses its race', () => {
  async function contendedHarness() {
    const { repositories, sessions } = contended();
    const h = createCoreHarness({ repositories });
    const { session } = unwrap(
      await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }),
    );
    const running = await h.provisioning.run(session.id);
    if (running?.status !== 'running') throw new Error(`expected running, got ${running?.status}`);
    sessions.races = 1000;
    return { h, session: running };
  }

  it('extend answers ConcurrentUpdateError (409, retry), not an invalid transition', async () => {
    const { h, session } = await contendedHarness();
    const result = await h.commands.extend(session.id, 1);
    expect(!result.ok && result.err.code).toBe('CONCURRENT_UPDATE');
  });

  it('the hard-max override answers ConcurrentUpdateError, not "session not found"', async () => {
    const { h, session } = await contendedHarness();
    const result = await h.commands.setHardMaxOverride(session.id, true);
    expect(!result.ok && result.err.code).toBe('CONCURRENT_UPDATE');
  });

  it('done answers ConcurrentUpdateError, not an invalid transition, and destroys nothing', async () => {
    const { h, session } = await contendedHarness();
    const result = await h.commands.done(session.id);
    expect(!result.ok && result.err.code).toBe('CONCURRENT_UPDATE');
    expect(h.provider.liveInstances()).toHaveLength(1);
  });
});
