import { unwrap } from '../errors/result.js';
import { ProviderUnavailableError } from '../ports/provider-errors.js';
import { type ProviderName } from '../providers/provider-name.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { buildSession } from '../testing/fixtures.js';
import { createInMemoryRepositories } from '../testing/in-memory-repositories.js';
import { SequentialIdGenerator } from '../testing/sequential-id-generator.js';
import { planSessionTransition } from '../sessions/session-transition.js';
import { SessionTerminator } from './session-terminator.js';

async function setup(status: 'pending' | 'running') {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const repositories = createInMemoryRepositories();
  const ids = new SequentialIdGenerator();
  const provider = new FakeProvider('vastai', clock);
  const terminator = new SessionTerminator({
    repositories,
    providers: new Map<ProviderName, FakeProvider>([['vastai', provider]]),
    clock,
    ids,
    sleep: async () => undefined,
  });
  const { session, event } = buildSession({ id: 'ses_00000000000000000000000T01' });
  unwrap(await repositories.sessions.insert(session, event));
  await repositories.sessionSecrets.put(session.id, 'enc:secret');
  if (status === 'running') {
    const instance = provider.addInstance(session.label, 'running');
    let current = session;
    for (const trigger of ['request_create', 'verify_ready'] as const) {
      const plan = unwrap(planSessionTransition(current, { trigger, actor: 'provisioner', reason: trigger, at: clock.now(), eventId: ids.next('sessionEvent') }));
      current = unwrap(await repositories.sessions.update(current.id, current.version, { ...plan.changes, providerInstanceId: instance.providerInstanceId }, [plan.event]));
    }
  }
  return { clock, repositories, provider, terminator, sessionId: session.id, label: session.label };
}

const done = { actor: 'api' as const, reason: 'consumer signalled done', stopReason: 'done' as const };

describe('SessionTerminator', () => {
  it('invariant 3: a running session becomes terminated only after the provider confirms the instance is gone', async () => {
    const { terminator, provider, repositories, sessionId } = await setup('running');
    const ended = unwrap(await terminator.stop(sessionId, done));
    expect(ended).toMatchObject({ status: 'terminated', stopReason: 'done' });
    expect(provider.liveInstances()).toEqual([]);
    const events = await repositories.sessions.listEvents(sessionId);
    expect(events.map((e) => e.type)).toEqual(['created', 'request_create', 'verify_ready', 'request_destroy', 'destroy_attempted', 'confirm_destroyed']);
    expect(events.find((e) => e.type === 'destroy_attempted')).toMatchObject({ actor: 'api', data: { providerInstanceId: 'vastai-i-1' } });
    expect(await repositories.sessionSecrets.get(sessionId)).toBeUndefined();
  });

  it('invariant 10: billing ends when the provider accepted the destroy, not when the destroy was finally verified', async () => {
    const { terminator, provider, repositories, sessionId, clock } = await setup('running');
    const acceptedAt = clock.now();
    // The destroy is accepted, but every verification read fails for now (the provider is flaky).
    for (let i = 0; i < 3; i++) provider.failNext('getInstance', new ProviderUnavailableError('HTTP 503', { provider: 'vastai', operation: 'getInstance' }));
    const stopping = unwrap(await terminator.stop(sessionId, done));
    expect(stopping).toMatchObject({ status: 'stopping', stoppedAt: acceptedAt });

    clock.advanceMs(10 * 60_000);
    const ended = await terminator.destroyAndVerify((await repositories.sessions.get(sessionId))!, 'lifecycle');
    // The retry found nothing left to destroy (already gone): billing still ended at the acceptance.
    expect(ended).toMatchObject({ status: 'terminated', stoppedAt: acceptedAt });
  });

  it('a destroy the provider refuses leaves the session stopping, with the failure recorded', async () => {
    const { terminator, provider, repositories, sessionId } = await setup('running');
    provider.failNext('destroyInstance', new ProviderUnavailableError('HTTP 503', { provider: 'vastai', operation: 'destroyInstance' }));
    const stopping = unwrap(await terminator.stop(sessionId, done));
    expect(stopping).toMatchObject({ status: 'stopping', destroyAttempts: 1, lastDestroyError: 'vastai destroyInstance: HTTP 503' });
    expect(stopping.nextDestroyAt).toEqual(new Date('2026-02-02T14:00:15.000Z'));
    expect((await repositories.sessions.listEvents(sessionId)).at(-1)).toMatchObject({ type: 'destroy_failed', data: { code: 'PROVIDER_UNAVAILABLE' } });
    // The next attempt finishes the job; asking again is idempotent.
    expect(unwrap(await terminator.stop(sessionId, done)).status).toBe('terminated');
  });

  it('"stopped but existing" is not gone: the session stays stopping', async () => {
    const { terminator, provider, repositories, sessionId } = await setup('running');
    // A provider that acknowledges the destroy but only stops the instance.
    provider.destroyInstance = async (id: string) => {
      provider.setInstanceState(id, 'stopped');
      return { ok: true, val: { alreadyGone: false } };
    };
    expect(unwrap(await terminator.stop(sessionId, done)).status).toBe('stopping');
    expect((await repositories.sessions.listEvents(sessionId)).at(-1)).toMatchObject({ type: 'destroy_failed', reason: 'instance still present after destroy' });
  });

  it('invariant 8: a second instance carrying the same label is destroyed too before the session ends', async () => {
    const { terminator, provider, repositories, sessionId, label } = await setup('running');
    provider.addInstance(label, 'running');
    expect(unwrap(await terminator.stop(sessionId, done)).status).toBe('terminated');
    expect(provider.liveInstances()).toEqual([]);
    const attempts = (await repositories.sessions.listEvents(sessionId)).filter((e) => e.type === 'destroy_attempted');
    expect(attempts.map((e) => e.data.providerInstanceId)).toEqual(['vastai-i-1', 'vastai-i-2']);
  });

  it('an instance that appears with the label after the destroy keeps the session stopping', async () => {
    const { terminator, provider, sessionId, label } = await setup('running');
    const original = provider.destroyInstance.bind(provider);
    provider.destroyInstance = async (id: string) => {
      const result = await original(id);
      if (provider.liveInstances().length === 0) provider.addInstance(label, 'starting');
      return result;
    };
    expect(unwrap(await terminator.stop(sessionId, done)).status).toBe('stopping');
  });

  it('a failed session ends failed, with its error', async () => {
    const { terminator, sessionId } = await setup('running');
    const ended = unwrap(await terminator.stop(sessionId, { actor: 'provisioner', reason: 'timeout', stopReason: 'provisioning_timeout', errorType: 'provisioning_timeout' }));
    expect(ended).toMatchObject({ status: 'failed', errorType: 'provisioning_timeout' });
  });

  it('a pending session is ended at once: nothing was sent to the provider', async () => {
    const { terminator, provider, sessionId } = await setup('pending');
    expect(unwrap(await terminator.stop(sessionId, done)).status).toBe('terminated');
    expect(provider.calls).toEqual([]);
  });

  it('an unknown session is a typed error', async () => {
    const { terminator } = await setup('pending');
    const result = await terminator.stop('ses_missing', done);
    expect(!result.ok && result.err.code).toBe('SESSION_NOT_FOUND');
  });
});
