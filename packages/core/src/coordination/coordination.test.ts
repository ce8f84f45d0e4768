import { unwrap } from '../errors/result.js';
import { createCoreHarness } from '../testing/core-harness.js';
import { FakeClock } from '../testing/fake-clock.js';
import { InMemoryLeaseRepository } from '../testing/in-memory-leases.js';
import { LeaderElection } from './leader-election.js';
import { LeasedSessionOwnership, sessionLeaseName } from './leased-session-ownership.js';

const TTL = 15_000;

/** Two replicas: one database (repositories), one vendor account (provider), one clock, their own ownership. */
function twoReplicas() {
  const leases = new InMemoryLeaseRepository();
  const a = createCoreHarness({});
  const ownership = (holder: string) => new LeasedSessionOwnership({ leases, holder, clock: a.clock, ttlMs: TTL });
  const b = createCoreHarness({ repositories: a.repositories, provider: a.provider, clock: a.clock, sessionOwnership: ownership('replica-b') });
  return { leases, a, b, ownership };
}

const request = { consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' } as const;

describe('replicas: per-session ownership', () => {
  it('a saga whose owner died is resumed by another replica only after its lease ran out, and creates one instance', async () => {
    const { leases, a, b } = twoReplicas();
    const { session } = unwrap(await a.provisioning.request(request));
    // Replica A took the session and died before any step: its lease is not renewed any more.
    await leases.acquire(sessionLeaseName(session.id), 'replica-a', a.clock.now(), TTL);

    expect(await b.provisioning.run(session.id)).toMatchObject({ status: 'pending' });
    expect(a.provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(0);

    a.clock.advanceMs(TTL);
    expect(await b.provisioning.run(session.id)).toMatchObject({ status: 'running' });
    expect(a.provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
    // Released when the saga ended: the next replica gets it at once, with a higher token.
    expect(await leases.acquire(sessionLeaseName(session.id), 'replica-c', a.clock.now(), TTL)).toMatchObject({ token: 3 });
  });

  it('a destroy runs only on the session owner; another replica reports the session as it stands', async () => {
    const { leases, b } = twoReplicas();
    const { session } = unwrap(await b.provisioning.request(request));
    const running = await b.provisioning.run(session.id);
    expect(running?.status).toBe('running');
    await leases.acquire(sessionLeaseName(session.id), 'replica-a', b.clock.now(), TTL);

    const stopped = unwrap(await b.terminator.stop(session.id, { actor: 'api', reason: 'done', stopReason: 'done' }));
    expect(stopped.status).toBe('stopping');
    expect(b.provider.calls.filter((c) => c.operation === 'destroyInstance')).toHaveLength(0);

    b.clock.advanceMs(TTL);
    expect(await b.terminator.destroyAndVerify(stopped, 'lifecycle')).toMatchObject({ status: 'terminated' });
    expect(b.provider.calls.filter((c) => c.operation === 'destroyInstance')).toHaveLength(1);
  });

  it('work of the owning process on its own session is re-entrant (a failing saga destroys what it created)', async () => {
    const { ownership } = twoReplicas();
    const own = ownership('replica-x');
    const nested = await own.run('ses_1', async () => own.run('ses_1', async () => 'inner'));
    expect(nested).toEqual({ owned: true, value: { owned: true, value: 'inner' } });
    expect(own.ownsHere('ses_1')).toBe(false);
  });
});

describe('replicas: leader election', () => {
  function replica(leases: InMemoryLeaseRepository, clock: FakeClock, holder: string) {
    const log: string[] = [];
    const election = new LeaderElection(
      { leases, holder, clock, ttlMs: 10_000, retryMs: 2_000 },
      { elected: (token) => void log.push(`elected ${token}`), deposed: (reason) => void log.push(`deposed: ${reason}`) },
    );
    return { election, log };
  }

  it('elects one leader; after it dies a follower takes over within ttl + retry, and the old leader, back, steps down', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const leases = new InMemoryLeaseRepository();
    const a = replica(leases, clock, 'replica-a');
    const b = replica(leases, clock, 'replica-b');
    await a.election.step();
    await b.election.step();
    expect([a.election.role, b.election.role]).toEqual(['leader', 'follower']);
    expect(a.log).toEqual(['elected 1']);

    // A renews while alive; B keeps trying every retry interval.
    clock.advanceMs(2_000);
    await a.election.step();
    await b.election.step();
    expect(b.election.role).toBe('follower');

    // A dies (no more steps). B takes over once A's lease ran out: at most ttl + retry after A's last renewal.
    const died = clock.now().getTime();
    let tookOverAt: number | undefined;
    while (tookOverAt === undefined) {
      clock.advanceMs(2_000);
      await b.election.step();
      if (b.election.role === 'leader') tookOverAt = clock.now().getTime();
    }
    expect(tookOverAt - died).toBeLessThanOrEqual(b.election.takeoverBoundMs);
    expect(b.log).toEqual(['elected 2']);

    // A was only paused: its next renewal fails (token 1 is stale) and it stops its work.
    await a.election.step();
    expect(a.election.role).toBe('follower');
    expect(a.log).toEqual(['elected 1', 'deposed: the lease was taken over']);
  });

  it('a leader that cannot reach the database steps down before its lease could be taken over', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const leases = new InMemoryLeaseRepository();
    const a = replica(leases, clock, 'replica-a');
    await a.election.step();
    const failing = leases.renew.bind(leases);
    leases.renew = () => Promise.reject(new Error('connection refused'));
    clock.advanceMs(2_000);
    await a.election.step();
    expect(a.election.role).toBe('leader'); // one failure: still inside the lease
    clock.advanceMs(6_000);
    await a.election.step();
    expect(a.election.role).toBe('follower');
    expect(clock.now().getTime()).toBeLessThan((await leases.get('leader'))!.expiresAt.getTime());
    leases.renew = failing;
  });

  it('stop() deposes the leader and releases the lease, so a follower takes over at its next try', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const leases = new InMemoryLeaseRepository();
    const a = replica(leases, clock, 'replica-a');
    const b = replica(leases, clock, 'replica-b');
    await a.election.step();
    await a.election.stop();
    expect(a.log).toEqual(['elected 1', 'deposed: stopping']);
    await b.election.step();
    expect(b.election.role).toBe('leader');
  });
});
