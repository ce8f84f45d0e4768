import { billedSeconds } from '../cost/billing.js';
import { CostAccountant } from '../cost/cost-accountant.js';
import { type CostEntry } from '../cost/cost-entry.js';
import { type ConcurrentUpdateError } from '../errors/domain-errors.js';
import { unwrap, type Result } from '../errors/result.js';
import { Ok } from '../errors/result.js';
import { UlidIdGenerator } from '../ids/ids.js';
import { accrualDelta } from '../money/money.js';
import { type AccrualAppend } from '../ports/repositories.js';
import { ProviderUnavailableError } from '../ports/provider-errors.js';
import { type GpuActivitySampler } from '../ports/session-access.js';
import { createCoreHarness, type CoreHarness } from '../testing/core-harness.js';
import { FakeClock } from '../testing/fake-clock.js';
import { createInMemoryRepositories, InMemoryCostLedgerRepository } from '../testing/in-memory-repositories.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { planSessionTransition } from '../sessions/session-transition.js';
import { recoverSessions } from './startup-recovery.js';

/** The in-memory ledger, recording which of its methods were called, with a hook between a batch's read of the marks and its write. */
class CountingLedger extends InMemoryCostLedgerRepository {
  readonly calls: string[] = [];
  afterMarksRead: (() => Promise<void>) | undefined;

  override async accruedSeconds(sessionId: string): Promise<number> {
    this.calls.push('accruedSeconds');
    return super.accruedSeconds(sessionId);
  }

  override async appendAccrual(entry: CostEntry, previous: number): Promise<Result<void, ConcurrentUpdateError>> {
    this.calls.push('appendAccrual');
    return super.appendAccrual(entry, previous);
  }

  override async accruedSecondsOf(sessionIds: readonly string[]): Promise<Map<string, number>> {
    this.calls.push('accruedSecondsOf');
    const marks = await super.accruedSecondsOf(sessionIds);
    await this.afterMarksRead?.();
    return marks;
  }

  override async appendAccruals(accruals: readonly AccrualAppend[]): Promise<Result<void, ConcurrentUpdateError>[]> {
    this.calls.push('appendAccruals');
    return super.appendAccruals(accruals);
  }
}

async function runningSession(h: CoreHarness, hours = 2, idleTimeoutMinutes = 0) {
  const { session } = unwrap(
    await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: hours, workloadType: 'llm', idleTimeoutMinutes, storagePolicy: 'destroy' }),
  );
  const running = await h.provisioning.run(session.id);
  if (running?.status !== 'running') throw new Error(`expected running, got ${running?.status}`);
  return running;
}

/** Lets in-memory work run until `state` holds (no timers: each turn yields to pending callbacks). */
async function waitUntil(state: () => Promise<boolean>, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await state()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('state never reached');
}

describe('lifecycle', () => {
  it('invariant 4 (hard max): a session past the hard max is destroyed, verified gone and terminated with reason hard_max within one tick', async () => {
    const h = createCoreHarness();
    const session = await runningSession(h, 12);
    unwrap(await h.commands.setHardMaxOverride(session.id, false));
    h.clock.set(new Date(session.hardMaxAt.getTime() + 1000));
    const report = await h.lifecycle.tick();
    expect(report.stopped).toEqual([{ sessionId: session.id, reason: 'hard_max' }]);
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'terminated', stopReason: 'hard_max' });
    expect(h.provider.liveInstances()).toEqual([]);
  });

  it('invariant 4 (extend): extending never passes the hard max unless an admin override is set', async () => {
    const h = createCoreHarness();
    const session = await runningSession(h, 10);
    const refused = await h.commands.extend(session.id, 3);
    expect(!refused.ok && refused.err.code).toBe('SAFETY_LIMIT_EXCEEDED');
    const extended = unwrap(await h.commands.extend(session.id, 2));
    expect(extended.expiresAt.getTime()).toBe(session.expiresAt.getTime() + 2 * 3_600_000);
    expect(extended.reservationHours).toBe(12);
    unwrap(await h.commands.setHardMaxOverride(session.id, true));
    expect((await h.commands.extend(session.id, 4)).ok).toBe(true);
    const bad = await h.commands.extend(session.id, 13);
    expect(!bad.ok && bad.err.code).toBe('VALIDATION_FAILED');
  });

  it('a running session past its reservation expires (reason expired); one before it is untouched', async () => {
    const h = createCoreHarness();
    const session = await runningSession(h, 2);
    h.clock.set(new Date(session.expiresAt.getTime() - 1000));
    expect((await h.lifecycle.tick()).stopped).toEqual([]);
    h.clock.advanceSeconds(2);
    expect((await h.lifecycle.tick()).stopped).toEqual([{ sessionId: session.id, reason: 'expired' }]);
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'terminated', stopReason: 'expired' });
  });

  it('a reservation that fell due is stopped before the tick samples anyone for idleness: slow idle samples of other sessions do not delay it', async () => {
    // Idle samples hang until released, as SSH to unreachable nodes does: the due stop must not wait for them.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const activity: GpuActivitySampler = { sample: () => released.then(() => Ok({ busy: true, maxUtilizationPercent: 95 })) };
    const h = createCoreHarness({ activity });
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await runningSession(h, 4, 30));
    const due = await runningSession(h, 1, 30);
    h.clock.set(new Date(due.expiresAt.getTime() + 1000));
    const tick = h.lifecycle.tick();
    await waitUntil(async () => (await h.repositories.sessions.get(due.id))?.status === 'terminated');
    release();
    const report = await tick;
    expect(report.stopped).toEqual([{ sessionId: due.id, reason: 'expired' }]);
    for (const other of others) expect(await h.repositories.sessions.get(other.id)).toMatchObject({ status: 'running' });
  });

  it('invariant 3: destroy fails five times then succeeds — the session stays stopping until the instance is gone, across a restart', async () => {
    const h = createCoreHarness();
    const session = await runningSession(h);
    for (let i = 0; i < 5; i++) h.provider.failNext('destroyInstance', new ProviderUnavailableError('HTTP 503', { provider: 'vastai', operation: 'destroyInstance' }));
    unwrap(await h.commands.done(session.id));
    let current = await h.repositories.sessions.get(session.id);
    expect(current).toMatchObject({ status: 'stopping', destroyAttempts: 1 });

    for (let i = 0; i < 2; i++) {
      h.clock.set(current?.nextDestroyAt ?? new Date());
      await h.lifecycle.tick();
      current = await h.repositories.sessions.get(session.id);
    }
    expect(current).toMatchObject({ status: 'stopping', destroyAttempts: 3 });

    // Restart: new services over the same database and provider.
    const after = createCoreHarness({ repositories: h.repositories, clock: h.clock, provider: h.provider });
    const recovery = await recoverSessions({ repositories: after.repositories, provisioning: after.provisioning, terminator: after.terminator });
    await recovery.done;
    expect(recovery.destroying).toEqual([session.id]);
    current = await after.repositories.sessions.get(session.id);
    expect(current).toMatchObject({ status: 'stopping', destroyAttempts: 4 });
    expect(h.provider.liveInstances()).toHaveLength(1);

    for (let i = 0; i < 3 && current?.status === 'stopping'; i++) {
      after.clock.set(current.nextDestroyAt ?? new Date());
      await after.lifecycle.tick();
      current = await after.repositories.sessions.get(session.id);
    }
    expect(current).toMatchObject({ status: 'terminated', stopReason: 'done', destroyAttempts: 5, nextDestroyAt: null });
    expect(h.provider.liveInstances()).toEqual([]);
    const events = await after.repositories.sessions.listEvents(session.id);
    expect(events.filter((e) => e.type === 'destroy_failed')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'destroy_attempted')).toHaveLength(6);
  });

  it('invariant 3: retries back off exponentially, and a stuck session raises an alert every tick', async () => {
    const h = createCoreHarness();
    const stuck: string[] = [];
    const session = await runningSession(h);
    for (let i = 0; i < 50; i++) h.provider.failNext('destroyInstance', new ProviderUnavailableError('down', { provider: 'vastai', operation: 'destroyInstance' }));
    unwrap(await h.commands.delete(session.id));
    const delays: number[] = [];
    let current = await h.repositories.sessions.get(session.id);
    for (let i = 0; i < 4; i++) {
      delays.push((current?.nextDestroyAt?.getTime() ?? 0) - h.clock.now().getTime());
      h.clock.set(current?.nextDestroyAt ?? new Date());
      await h.lifecycle.tick();
      current = await h.repositories.sessions.get(session.id);
    }
    expect(delays).toEqual([15_000, 30_000, 60_000, 120_000]);
    h.clock.advanceMinutes(20);
    const lifecycle = h.lifecycle;
    const report = await lifecycle.tick();
    stuck.push(...(report.stuckStopping > 0 ? [session.id] : []));
    expect(stuck).toEqual([session.id]);
  });

  it('fails and destroys a provisioning session whose saga was lost, once its deadline has passed; pending ones are left to recovery', async () => {
    const h = createCoreHarness();
    const request = { consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm' as const, idleTimeoutMinutes: 0, storagePolicy: 'destroy' as const };
    const lost = unwrap(await h.provisioning.request(request)).session;
    const pending = unwrap(await h.provisioning.request({ ...request, offerId: 'vastai-2' })).session;
    // The saga got as far as the create, then the process died.
    const instance = h.provider.addInstance(lost.label, 'running');
    const plan = unwrap(planSessionTransition(lost, { trigger: 'request_create', actor: 'provisioner', reason: 'create', at: h.clock.now(), eventId: 'evt_lost' }));
    unwrap(await h.repositories.sessions.update(lost.id, lost.version, { ...plan.changes, providerInstanceId: instance.providerInstanceId, billingStartedAt: h.clock.now() }, [plan.event]));

    h.clock.set(new Date(lost.provisioningDeadline.getTime() + 30_000));
    expect((await h.lifecycle.tick()).stopped).toEqual([]);
    h.clock.advanceSeconds(31);
    expect((await h.lifecycle.tick()).stopped).toEqual([{ sessionId: lost.id, reason: 'provisioning_timeout' }]);
    expect(await h.repositories.sessions.get(lost.id)).toMatchObject({ status: 'failed', errorType: 'provisioning_timeout' });
    expect(h.provider.liveInstances()).toEqual([]);
    expect((await h.repositories.sessions.get(pending.id))?.status).toBe('pending');
  });

  it('idle timeout: a session whose GPUs stay idle for its idle timeout is stopped with reason idle', async () => {
    let busy = true;
    const activity: GpuActivitySampler = { sample: async () => Ok({ busy, maxUtilizationPercent: busy ? 95 : 0 }) };
    const h = createCoreHarness({ activity });
    const session = await runningSession(h, 4, 30);
    await h.lifecycle.tick();
    expect((await h.repositories.sessions.get(session.id))?.lastActiveAt).toEqual(h.clock.now());
    busy = false;
    h.clock.advanceMinutes(29);
    expect((await h.lifecycle.tick()).stopped).toEqual([]);
    h.clock.advanceMinutes(2);
    expect((await h.lifecycle.tick()).stopped).toEqual([{ sessionId: session.id, reason: 'idle' }]);
    expect(await h.repositories.sessions.get(session.id)).toMatchObject({ status: 'terminated', stopReason: 'idle' });
  });

  it('idle timeout: an unreachable node is never taken for an idle one', async () => {
    const activity: GpuActivitySampler = { sample: async () => ({ ok: false, err: new (await import('../ports/remote-exec.js')).RemoteExecError('timeout', { host: 'x', port: 22 }, 'timeout') }) };
    const h = createCoreHarness({ activity });
    const session = await runningSession(h, 4, 30);
    h.clock.advanceMinutes(90);
    expect((await h.lifecycle.tick()).stopped).toEqual([]);
    expect((await h.repositories.sessions.get(session.id))?.status).toBe('running');
  });

  it('idle timeout: sampling that keeps failing is logged as a warning (the timeout is not enforced), and only every few failures', async () => {
    const { RemoteExecError } = await import('../ports/remote-exec.js');
    let failing = true;
    const activity: GpuActivitySampler = {
      sample: async () => (failing ? { ok: false, err: new RemoteExecError('unknown', { host: 'x', port: 22 }, 'nvidia-smi: Invalid combination of input arguments') } : Ok({ busy: true, maxUtilizationPercent: 90 })),
    };
    const logger = new MemoryLogger();
    const h = createCoreHarness({ activity, lifecycleLogger: logger });
    const session = await runningSession(h, 4, 30);
    const warnings = () => logger.records.filter((r) => r.level === 'warn' && r.message.includes('idle timeout not enforced'));
    await h.lifecycle.tick();
    await h.lifecycle.tick();
    expect(warnings()).toEqual([]);
    await h.lifecycle.tick();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.fields).toMatchObject({ sessionId: session.id, consecutiveFailures: 3, idleTimeoutMinutes: 30, error: expect.stringContaining('Invalid combination') });
    // A good sample resets the count.
    failing = false;
    await h.lifecycle.tick();
    failing = true;
    await h.lifecycle.tick();
    await h.lifecycle.tick();
    expect(warnings()).toHaveLength(1);
  });
});

describe('costs and budgets', () => {
  it('invariant 10: a 90-minute session at $0.42/h costs exactly $0.63 in the ledger', async () => {
    const h = createCoreHarness();
    const session = await runningSession(h);
    const started = session.billingStartedAt?.getTime() ?? 0;
    // Several ticks at awkward moments, then the stop: the lines add up exactly.
    for (const seconds of [61, 1799, 2400, 4321]) {
      h.clock.set(new Date(started + seconds * 1000));
      await h.lifecycle.tick();
    }
    h.clock.set(new Date(started + 90 * 60 * 1000));
    unwrap(await h.commands.done(session.id));
    expect(await h.costs.sessionCost(session.id)).toBe(630_000);
    const lines = await h.repositories.costs.list({ sessionId: session.id });
    expect(lines.length).toBeGreaterThan(1);
    expect((await h.repositories.costs.totals({ consumerId: 'my-app' })).totalMicros).toBe(630_000);
    // Ticks after the end add nothing.
    h.clock.advanceHours(3);
    await h.lifecycle.tick();
    expect(await h.costs.sessionCost(session.id)).toBe(630_000);
  });

  it('invariant 10 at scale: one tick accrues every live session through one read of the high-water marks and batched writes, never a ledger transaction per session', async () => {
    const ledger = new CountingLedger();
    const h = createCoreHarness({ repositories: { ...createInMemoryRepositories(), costs: ledger } });
    const sessions = [];
    for (let i = 0; i < 12; i++) sessions.push(await runningSession(h, 12));
    unwrap(await h.commands.done(sessions[0]?.id ?? ''));
    h.clock.advanceSeconds(600);
    ledger.calls.length = 0;
    await h.lifecycle.tick();
    expect(ledger.calls.filter((c) => c === 'appendAccrual' || c === 'accruedSeconds')).toEqual([]);
    expect(ledger.calls.filter((c) => c === 'accruedSecondsOf')).toHaveLength(1);
    expect(ledger.calls.filter((c) => c === 'appendAccruals')).toHaveLength(1);
    // Every live session is billed up to now, exactly; the one already ended has nothing more.
    for (const session of sessions) {
      const current = await h.repositories.sessions.get(session.id);
      expect(await ledger.accruedSeconds(session.id)).toBe(billedSeconds(current ?? session, h.clock.now()));
    }
  });

  it('invariant 10 with two leaders: a batched tick whose high-water mark another writer moved meanwhile bills nothing twice', async () => {
    const ledger = new CountingLedger();
    const h = createCoreHarness({ repositories: { ...createInMemoryRepositories(), costs: ledger } });
    const raced = await runningSession(h, 12);
    const other = await runningSession(h, 12);
    h.clock.advanceSeconds(3_600);
    // A deposed leader's tick (another accountant on the same ledger) lands its line for `raced`
    // between this tick's read of the marks and its write.
    const deposed = new CostAccountant({ repositories: h.repositories, clock: h.clock, ids: new UlidIdGenerator() });
    ledger.afterMarksRead = async () => {
      ledger.afterMarksRead = undefined;
      await deposed.accrue(raced);
    };
    await h.lifecycle.tick();
    // Each billed exactly its time at $0.42/h: the raced line was refused, not written on top of the other.
    for (const session of [raced, other]) {
      const lines = await ledger.list({ sessionId: session.id });
      expect(lines.reduce((sum, l) => sum + l.amountMicros, 0)).toBe(accrualDelta(420_000, 0, billedSeconds(session, h.clock.now())));
    }
  });

  it('invariant 11: a consumer with $1 left cannot reserve 4 h at $0.42/h', async () => {
    const h = createCoreHarness();
    const now = h.clock.now();
    await h.repositories.consumers.create({ id: 'my-app', name: 'My App', createdAt: now, disabledAt: null });
    await h.repositories.budgets.upsert({ consumerId: 'my-app', monthlyLimitMicros: 1_000_000, periodStart: now, alertsSent: [], updatedAt: now });
    const refused = await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 4, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' });
    expect(!refused.ok && refused.err).toMatchObject({ code: 'BUDGET_EXCEEDED', context: { worstCaseMicros: 1_680_000, remainingMicros: 1_000_000 } });
    expect(await h.repositories.sessions.list()).toEqual([]);
    expect((await h.provisioning.request({ consumerId: 'my-app', offerId: 'vastai-1', reservationHours: 2, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' })).ok).toBe(true);
  });

  it('budget alerts fire once at 50, 80 and 100 %, and start over next month', async () => {
    const h = createCoreHarness({ clock: new FakeClock('2026-02-27T00:00:00.000Z') });
    const now = h.clock.now();
    await h.repositories.consumers.create({ id: 'my-app', name: 'My App', createdAt: now, disabledAt: null });
    await h.repositories.budgets.upsert({ consumerId: 'my-app', monthlyLimitMicros: 5_040_000, periodStart: new Date('2026-02-01T00:00:00.000Z'), alertsSent: [], updatedAt: now });
    const session = await runningSession(h, 12);
    unwrap(await h.commands.setHardMaxOverride(session.id, true));
    const started = session.billingStartedAt?.getTime() ?? 0;
    h.clock.set(new Date(started + 6 * 3_600_000)); // $2.52: 50 %
    await h.lifecycle.tick();
    expect(h.budgetAlerts.map((a) => a.thresholdPercent)).toEqual([50]);
    await h.lifecycle.tick();
    expect(h.budgetAlerts).toHaveLength(1);
    h.clock.set(new Date(started + 12 * 3_600_000)); // $5.04: 80 % and 100 %
    unwrap(await h.commands.extend(session.id, 1));
    await h.lifecycle.tick();
    expect(h.budgetAlerts.map((a) => a.thresholdPercent)).toEqual([50, 80, 100]);
    expect((await h.repositories.budgets.get('my-app'))?.alertsSent).toEqual([50, 80, 100]);
    // A new month: the period moves and the alerts are armed again.
    h.clock.set(new Date('2026-03-02T00:00:00.000Z'));
    await h.lifecycle.tick();
    await h.costs.checkBudget('my-app');
    expect(await h.repositories.budgets.get('my-app')).toMatchObject({ periodStart: new Date('2026-03-01T00:00:00.000Z'), alertsSent: [] });
  });
});
