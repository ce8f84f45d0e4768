import { unwrap } from '../errors/result.js';
import { ProviderUnavailableError } from '../ports/provider-errors.js';
import { sessionLabel } from '../sessions/session.js';
import { createCoreHarness, type CoreHarness } from '../testing/core-harness.js';
import { Reconciler } from './reconciler.js';
import { recoverSessions } from './startup-recovery.js';

const GRACE = 15 * 60_000;

async function runningSession(h: CoreHarness) {
  const { session } = unwrap(
    await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }),
  );
  const running = await h.provisioning.run(session.id);
  if (running?.status !== 'running') throw new Error('expected running');
  return running;
}

describe('reconciler', () => {
  it('invariant 6: an instance with our label but no session row (crash before commit) is destroyed after the grace period; other deployments\u2019 and unlabelled ones survive', async () => {
    const h = createCoreHarness({ orphanGraceMs: GRACE });
    const ours = h.provider.addInstance(sessionLabel(h.deploymentId, 'ses_00000000000000000000000LOST'));
    const foreign = h.provider.addInstance(sessionLabel('dep_SOMEONEELSE0000000000000001', 'ses_00000000000000000000000001'));
    const unlabelled = h.provider.addInstance(null);
    const handMade = h.provider.addInstance('my-notebook');

    const first = await h.reconciler.pass();
    expect(first).toMatchObject({ orphansFound: 1, orphansDestroyed: 0 });
    h.clock.advanceMs(GRACE - 1);
    expect((await h.reconciler.pass()).orphansDestroyed).toBe(0);
    h.clock.advanceMs(1);
    const due = await h.reconciler.pass();
    expect(due.orphansDestroyed).toBe(1);
    expect(h.provider.liveInstances().map((i) => i.providerInstanceId).sort()).toEqual(
      [foreign.providerInstanceId, unlabelled.providerInstanceId, handMade.providerInstanceId].sort(),
    );
    expect(due.foreign.map((f) => [f.providerInstanceId, f.deploymentId])).toEqual([
      [foreign.providerInstanceId, 'dep_SOMEONEELSE0000000000000001'],
      [unlabelled.providerInstanceId, null],
      [handMade.providerInstanceId, null],
    ]);
    expect(h.reconciler.foreignInstances).toHaveLength(3);
    expect(ours.providerInstanceId).not.toBe(foreign.providerInstanceId);
  });

  it('invariant 6: in-flight creates are never orphans; a terminal session\u2019s instance is, and its event log says so', async () => {
    const h = createCoreHarness({ orphanGraceMs: 0 });
    const { session } = unwrap(
      await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }),
    );
    h.provider.addInstance(session.label); // create sent, id not recorded yet (session still pending)
    expect((await h.reconciler.pass()).orphansFound).toBe(0);

    const ended = await runningSession(h);
    unwrap(await h.commands.done(ended.id));
    const leftover = h.provider.addInstance(ended.label); // appears after the verified stop
    const report = await h.reconciler.pass();
    expect(report.orphansDestroyed).toBe(1);
    expect(h.provider.liveInstances().map((i) => i.providerInstanceId)).not.toContain(leftover.providerInstanceId);
    const events = await h.repositories.sessions.listEvents(ended.id);
    expect(events.at(-1)).toMatchObject({ actor: 'reconciler', type: 'destroy_attempted', data: { providerInstanceId: leftover.providerInstanceId, orphan: true } });
  });

  it('invariant 5: a failed listing pauses the pass: no session changes and nothing is destroyed', async () => {
    const h = createCoreHarness({ orphanGraceMs: 0 });
    const session = await runningSession(h);
    h.provider.addInstance(sessionLabel(h.deploymentId, 'ses_00000000000000000000000LOST'));
    h.provider.failNext('listInstances', new ProviderUnavailableError('HTTP 500', { provider: 'vastai', operation: 'listInstances', httpStatus: 500 }));
    const report = await h.reconciler.pass();
    expect(report.providers).toEqual([{ provider: 'vastai', status: 'paused', reason: expect.stringContaining('PROVIDER_UNAVAILABLE'), instances: 0 }]);
    expect(report.orphansDestroyed).toBe(0);
    expect(h.provider.liveInstances()).toHaveLength(2);
    expect((await h.repositories.sessions.get(session.id))?.status).toBe('running');
  });

  it('invariant 7: a session missing from one listing is not killed; only repeated direct not-found reads close it', async () => {
    const h = createCoreHarness();
    const session = await runningSession(h);
    // One listing misses it, but direct reads still find it: nothing happens.
    const realList = h.provider.listInstances.bind(h.provider);
    h.provider.listInstances = async () => ({ ok: true, val: [] });
    for (let i = 0; i < 5; i++) await h.reconciler.pass();
    expect((await h.repositories.sessions.get(session.id))?.status).toBe('running');

    // Now it is really gone: three passes of not-found reads are needed.
    h.provider.listInstances = realList;
    h.provider.vanish(session.providerInstanceId ?? '');
    const firstMissedAt = h.clock.now();
    expect((await h.reconciler.pass()).ghostsConfirmed).toBe(0);
    h.clock.advanceMs(60_000);
    expect((await h.reconciler.pass()).ghostsConfirmed).toBe(0);
    h.clock.advanceMs(60_000);
    expect((await h.reconciler.pass()).ghostsConfirmed).toBe(1);
    // Billing ends where the first read found it missing, not two minutes later at confirmation.
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'failed', errorType: 'instance_vanished', stopReason: 'instance_vanished', stoppedAt: firstMissedAt });
  });

  it('a duplicate instance next to a running session\u2019s recorded one is an orphan', async () => {
    const h = createCoreHarness({ orphanGraceMs: 0 });
    const session = await runningSession(h);
    const duplicate = h.provider.addInstance(session.label);
    expect((await h.reconciler.pass()).orphansDestroyed).toBe(1);
    expect(h.provider.liveInstances().map((i) => i.providerInstanceId)).toEqual([session.providerInstanceId]);
    expect(duplicate.providerInstanceId).not.toBe(session.providerInstanceId);
  });

  it('invariant 9: restart mid-provisioning continues to running; nothing destroyed or duplicated', async () => {
    const h = createCoreHarness();
    const { session } = unwrap(
      await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' }),
    );
    h.provider.setCreatedState('starting');
    const controller = new AbortController();
    const first = h.provisioning.run(session.id, controller.signal);
    for (let i = 0; i < 50 && h.provider.liveInstances().length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(); // the process dies mid-provisioning
    await first;
    expect((await h.repositories.sessions.get(session.id))?.status).toBe('provisioning');

    const after = createCoreHarness({ repositories: h.repositories, clock: h.clock, provider: h.provider });
    h.provider.setInstanceState(h.provider.liveInstances()[0]?.providerInstanceId ?? '', 'running');
    const recovery = await recoverSessions({ repositories: after.repositories, provisioning: after.provisioning, terminator: after.terminator });
    await recovery.done;
    expect(recovery.resumed).toEqual([session.id]);
    expect((await after.repositories.sessions.get(session.id))?.status).toBe('running');
    expect(h.provider.liveInstances()).toHaveLength(1);
    expect(h.provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(1);
    expect(h.provider.calls.filter((c) => c.operation === 'destroyInstance')).toHaveLength(0);
  });

  it('the snapshot shows each orphan waiting out the grace period, a failed destroy with its reason, and the destroyed ones, newest first', async () => {
    const h = createCoreHarness({ orphanGraceMs: GRACE });
    expect(h.reconciler.snapshot()).toEqual({ lastPassAt: null, providers: [], orphans: [], recentlyDestroyed: [], foreign: [] });
    const lost = h.provider.addInstance(sessionLabel(h.deploymentId, 'ses_00000000000000000000000LOST'));
    const firstSeen = h.clock.now();
    await h.reconciler.pass();
    const waiting = h.reconciler.snapshot();
    expect(waiting.lastPassAt).toEqual(firstSeen);
    expect(waiting.providers).toEqual([{ provider: 'vastai', status: 'ok', instances: 1 }]);
    expect(waiting.orphans).toEqual([
      expect.objectContaining({
        provider: 'vastai',
        providerInstanceId: lost.providerInstanceId,
        sessionId: null,
        sessionStatus: null,
        firstSeenAt: firstSeen,
        destroyAfter: new Date(firstSeen.getTime() + GRACE),
        outcome: 'waiting',
        error: null,
      }),
    ]);

    h.clock.advanceMs(GRACE);
    h.provider.failNext('destroyInstance', new ProviderUnavailableError('HTTP 503', { provider: 'vastai', operation: 'destroyInstance', httpStatus: 503 }));
    await h.reconciler.pass();
    expect(h.reconciler.snapshot().orphans).toEqual([expect.objectContaining({ outcome: 'destroy_failed', error: expect.stringContaining('PROVIDER_UNAVAILABLE') })]);

    h.clock.advanceMs(60_000);
    await h.reconciler.pass();
    const after = h.reconciler.snapshot();
    expect(after.orphans).toEqual([]);
    expect(after.recentlyDestroyed).toEqual([expect.objectContaining({ providerInstanceId: lost.providerInstanceId, outcome: 'destroyed', destroyedAt: h.clock.now(), error: null })]);
  });

  it('an orphan that vanishes from the listing leaves the snapshot', async () => {
    const h = createCoreHarness({ orphanGraceMs: GRACE });
    const lost = h.provider.addInstance(sessionLabel(h.deploymentId, 'ses_00000000000000000000000LOST'));
    await h.reconciler.pass();
    expect(h.reconciler.snapshot().orphans).toHaveLength(1);
    unwrap(await h.provider.destroyInstance(lost.providerInstanceId));
    await h.reconciler.pass();
    expect(h.reconciler.snapshot().orphans).toEqual([]);
    expect(h.reconciler.snapshot().recentlyDestroyed).toEqual([]);
  });
});

describe('reconciler cost', () => {
  it('a pass over many owned instances reads the provider\u2019s live sessions in one query, once (the ghost check too), not one lookup per instance', async () => {
    const h = createCoreHarness({ orphanGraceMs: GRACE });
    for (let i = 0; i < 5; i++) await runningSession(h);
    let lookups = 0;
    let lists = 0;
    const sessions = h.repositories.sessions;
    const counting = new Proxy(sessions, {
      get(target, prop, receiver) {
        if (prop === 'findByLabel') lookups++;
        if (prop === 'list') lists++;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const reconciler = new Reconciler({ repositories: { ...h.repositories, sessions: counting }, providers: h.providers, terminator: h.terminator, clock: h.clock, ids: h.ids, deploymentId: h.deploymentId, orphanGraceMs: GRACE });
    const report = await reconciler.pass();
    expect(report.orphansFound).toBe(0);
    expect(lookups).toBe(0);
    expect(lists).toBe(1);
  });
});
