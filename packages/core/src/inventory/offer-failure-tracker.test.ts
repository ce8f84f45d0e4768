import { type OfferFailureRepository } from '../ports/repositories.js';
import { FakeClock } from '../testing/fake-clock.js';
import { buildOffer } from '../testing/fixtures.js';
import { InMemoryOfferFailureRepository } from '../testing/in-memory-repositories.js';
import { type OfferFailure } from './offer-failure.js';
import { OfferFailureTracker } from './offer-failure-tracker.js';

function failure(n: number, at: Date, overrides: Partial<OfferFailure> = {}): OfferFailure {
  return {
    id: `ofl_${n}`,
    offerId: 'vastai-1',
    provider: 'vastai',
    gpuType: 'RTX 4090',
    hostId: 'machine-7',
    failureType: 'ssh_timeout',
    reason: 'sshd never answered',
    sessionId: null,
    consumerId: null,
    occurredAt: at,
    ...overrides,
  };
}

describe('OfferFailureTracker', () => {
  it('suppresses an offer after three failures within 30 minutes, for 30 minutes from the third', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const tracker = new OfferFailureTracker({ repository: new InMemoryOfferFailureRepository(), clock });
    const offer = buildOffer({ id: 'vastai-1' });
    await tracker.record(failure(1, clock.now()));
    await tracker.record(failure(2, clock.advanceMinutes(10)));
    expect(tracker.isSuppressed(offer, clock.now())).toBe(false);
    const third = clock.advanceMinutes(10);
    await tracker.record(failure(3, third));
    expect(tracker.isSuppressed(offer, clock.now())).toBe(true);
    expect(tracker.suppressedUntil('vastai-1', clock.now())).toEqual(new Date(third.getTime() + 30 * 60_000));
    clock.advanceMinutes(30);
    expect(tracker.isSuppressed(offer, clock.now())).toBe(false);
  });

  it('finding 10: one tenant failing its own sessions on a node does not suppress the offer for everyone; provider-side failures and several tenants do', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const tracker = new OfferFailureTracker({ repository: new InMemoryOfferFailureRepository(), clock });
    const offer = buildOffer({ id: 'vastai-1' });
    for (let i = 1; i <= 5; i++) await tracker.record(failure(i, clock.advanceMinutes(1), { consumerId: 'mallory', failureType: 'ssh_auth_failed', sessionId: `ses_${i}` }));
    expect(tracker.isSuppressed(offer, clock.now())).toBe(false);
    await tracker.record(failure(6, clock.advanceMinutes(1), { consumerId: 'alice', failureType: 'readiness_timeout' }));
    expect(tracker.isSuppressed(offer, clock.now())).toBe(false);
    await tracker.record(failure(7, clock.advanceMinutes(1), { consumerId: 'mallory', failureType: 'provider_error' }));
    expect(tracker.isSuppressed(offer, clock.now())).toBe(true);

    const other = new OfferFailureTracker({ repository: new InMemoryOfferFailureRepository(), clock });
    for (const [i, consumerId] of ['a', 'b', 'c'].entries()) await other.record(failure(i, clock.advanceMinutes(1), { consumerId, failureType: 'instance_stopped' }));
    expect(other.isSuppressed(offer, clock.now())).toBe(true);
  });

  it('does not suppress failures spread wider than the window', async () => {
    const clock = new FakeClock();
    const tracker = new OfferFailureTracker({ repository: new InMemoryOfferFailureRepository(), clock });
    await tracker.record(failure(1, clock.now()));
    await tracker.record(failure(2, clock.advanceMinutes(20)));
    await tracker.record(failure(3, clock.advanceMinutes(20)));
    expect(tracker.isSuppressed(buildOffer({ id: 'vastai-1' }), clock.now())).toBe(false);
  });

  it('survives a restart: failures are persisted and reloaded', async () => {
    const clock = new FakeClock();
    const repository = new InMemoryOfferFailureRepository();
    const before = new OfferFailureTracker({ repository, clock });
    for (let i = 1; i <= 3; i++) await before.record(failure(i, clock.advanceMinutes(1)));
    const after = new OfferFailureTracker({ repository, clock });
    await after.load();
    expect(after.isSuppressed(buildOffer({ id: 'vastai-1' }), clock.now())).toBe(true);
    expect(after.health()[0]).toMatchObject({ offerId: 'vastai-1', recentFailures: 3, suppressed: true, lastFailureType: 'ssh_timeout' });
    expect(after.recentlyFailedHosts()).toEqual(new Set(['machine-7']));
  });

  it('forgets failures after the retention period, in memory and in storage', async () => {
    const clock = new FakeClock();
    const repository = new InMemoryOfferFailureRepository();
    const tracker = new OfferFailureTracker({ repository, clock });
    await tracker.record(failure(1, clock.now()));
    clock.advanceMinutes(61);
    await tracker.record(failure(2, clock.now(), { offerId: 'vastai-2' }));
    expect(tracker.health().map((h) => h.offerId)).toEqual(['vastai-2']);
    expect((await repository.listSince(new Date(0))).map((f) => f.id)).toEqual(['ofl_2']);
  });
});

describe('OfferFailureTracker across replicas (one shared repository)', () => {
  it('a suppression recorded on one replica takes effect on another at its next refresh; a refresh that finds nothing new keeps the version', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const shared = new InMemoryOfferFailureRepository();
    const [a, b] = [new OfferFailureTracker({ repository: shared, clock }), new OfferFailureTracker({ repository: shared, clock })];
    await Promise.all([a.load(), b.load()]);
    const offer = buildOffer({ id: 'vastai-1' });
    for (let i = 1; i <= 3; i++) await a.record(failure(i, clock.advanceMinutes(1), { failureType: 'provider_error' }));
    expect(a.isSuppressed(offer, clock.now())).toBe(true);
    expect(b.isSuppressed(offer, clock.now())).toBe(false);

    const before = b.version(clock.now());
    await b.refresh();
    expect(b.isSuppressed(offer, clock.now())).toBe(true);
    expect(b.suppressedUntil('vastai-1', clock.now())).toEqual(a.suppressedUntil('vastai-1', clock.now()));
    const after = b.version(clock.now());
    expect(after).not.toBe(before);
    await b.refresh();
    expect(b.version(clock.now())).toBe(after);
  });

  it('keeps a failure recorded here while a refresh was reading', async () => {
    const clock = new FakeClock('2026-02-02T14:00:00.000Z');
    const repository = new InMemoryOfferFailureRepository();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The read answers what storage held when it started, after a record here has gone through.
    const slowRead: OfferFailureRepository = {
      record: (f) => repository.record(f),
      prune: (cutoff) => repository.prune(cutoff),
      listSince: async (since) => {
        const answer = await repository.listSince(since);
        await gate;
        return answer;
      },
    };
    const tracker = new OfferFailureTracker({ repository: slowRead, clock });
    const offer = buildOffer({ id: 'vastai-1' });
    await tracker.record(failure(1, clock.advanceMinutes(1), { failureType: 'provider_error' }));
    await tracker.record(failure(2, clock.advanceMinutes(1), { failureType: 'provider_error' }));
    const refreshing = tracker.refresh();
    await tracker.record(failure(3, clock.advanceMinutes(1), { failureType: 'provider_error' }));
    release();
    await refreshing;
    expect(tracker.isSuppressed(offer, clock.now())).toBe(true);
  });
});
