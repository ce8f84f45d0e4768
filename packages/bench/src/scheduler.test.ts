import { Ok, type BenchmarkRun, type BenchmarkRunRequestInput, type ValidationError, type Result } from '@gpu-shopper/core';
import { FakeClock, SequentialIdGenerator, buildBenchmarkRun, createInMemoryBenchmarkRepositories } from '@gpu-shopper/core/testing';

import { BenchmarkScheduler, nextCronRun, validateCron } from './scheduler.js';

function setup(start = '2026-02-07T14:22:31.000Z') {
  const clock = new FakeClock(start);
  const repos = createInMemoryBenchmarkRepositories();
  const ids = new SequentialIdGenerator();
  const started: { id: string; scheduleId: string; request: BenchmarkRunRequestInput }[] = [];
  // Stands in for BenchmarkRunner.createAndStart: persists the run with the claimed id.
  const startRun = async (request: BenchmarkRunRequestInput, options: { scheduleId: string; id: string }): Promise<Result<BenchmarkRun, ValidationError>> => {
    started.push({ id: options.id, scheduleId: options.scheduleId, request });
    const run = buildBenchmarkRun({ id: options.id, scheduleId: options.scheduleId, status: 'running', createdAt: clock.now() }, request);
    await repos.runs.insert(run);
    return Ok(run);
  };
  const scheduler = () => new BenchmarkScheduler({ schedules: repos.schedules, runs: repos.runs, startRun, clock, ids });
  return { clock, repos, started, scheduler, startRun, ids };
}

const template = { models: ['llama3.1:8b'], gpuTypes: ['RTX 4090'] };

describe('cron (croner)', () => {
  it('computes the next slot in the schedule’s time zone', () => {
    const at = new Date('2026-03-01T00:00:00.000Z'); // a Sunday
    expect(nextCronRun('0 3 * * *', 'UTC', at)).toEqual(new Date('2026-03-01T03:00:00.000Z'));
    expect(nextCronRun('0 3 * * *', 'Europe/Berlin', at)).toEqual(new Date('2026-03-01T02:00:00.000Z'));
    expect(nextCronRun('*/15 * * * *', 'UTC', at)).toEqual(new Date('2026-03-01T00:15:00.000Z'));
    // Standard cron ORs restricted day-of-month and day-of-week (upstream ANDed them): Monday the 2nd fires.
    expect(nextCronRun('0 0 1 * 1', 'UTC', at)).toEqual(new Date('2026-03-02T00:00:00.000Z'));
    // Ranges and lists work (upstream's 3-rule subset never matched them).
    expect(nextCronRun('0 9-17/4 * * 1-5', 'UTC', at)).toEqual(new Date('2026-03-02T09:00:00.000Z'));
  });

  it('rejects malformed expressions and unknown time zones', () => {
    expect(validateCron('0 0 * *', 'UTC')[0]?.path).toBe('cronExpression');
    expect(validateCron('61 * * * *', 'UTC')[0]?.path).toBe('cronExpression');
    expect(validateCron('0 0 * * *', 'Mars/Base')[0]?.path).toBe('timezone');
    expect(validateCron('0 0 * * *', 'America/New_York')).toEqual([]);
  });
});

describe('BenchmarkScheduler', () => {
  it('creates a schedule with its next run from the clock, and refuses invalid ones', async () => {
    const { scheduler } = setup();
    const s = scheduler();
    const created = await s.create({ name: 'nightly', cronExpression: '0 3 * * *', runTemplate: template });
    expect(created.ok && created.val).toMatchObject({ timezone: 'UTC', enabled: true, nextRunAt: new Date('2026-02-08T03:00:00.000Z') });
    const bad = await s.create({ name: 'bad', cronExpression: 'every day', runTemplate: { models: [] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.err.message).toMatch(/cronExpression.*runTemplate\.models/s);
    const dup = await s.create({ name: 'nightly', cronExpression: '0 4 * * *', runTemplate: template });
    expect(dup.ok).toBe(false);
    const disabled = await s.create({ name: 'off', cronExpression: '0 3 * * *', runTemplate: template, enabled: false });
    expect(disabled.ok && disabled.val.nextRunAt).toBeNull();
  });

  it('fires a due slot exactly once, also across a restart, and again at the next slot', async () => {
    const { clock, scheduler, started, repos } = setup();
    const first = scheduler();
    const created = await first.create({ name: 'nightly', cronExpression: '0 3 * * *', runTemplate: template });
    if (!created.ok) throw created.err;

    expect((await first.tick()).fired).toEqual([]);
    clock.set('2026-02-08T03:00:30.000Z');
    const fired = await first.tick();
    expect(fired.fired).toHaveLength(1);
    expect(await first.tick()).toEqual({ fired: [], skipped: [] });

    // A restarted scheduler on the same database does not fire the slot again.
    const second = scheduler();
    expect((await second.tick()).fired).toEqual([]);
    expect(started).toHaveLength(1);
    const stored = await repos.schedules.get(created.val.id);
    expect(stored).toMatchObject({ lastRunId: started[0]?.id, lastRunAt: new Date('2026-02-08T03:00:30.000Z'), nextRunAt: new Date('2026-02-09T03:00:00.000Z') });

    // Finish the first run, then the next day's slot fires.
    const run = await repos.runs.get(started[0]!.id);
    await repos.runs.update(run!.id, run!.version, { status: 'completed' });
    clock.set('2026-02-09T03:01:00.000Z');
    expect((await second.tick()).fired).toHaveLength(1);
    expect(started).toHaveLength(2);
  });

  it('two schedulers ticking at once start one run', async () => {
    const { clock, scheduler, started } = setup();
    const a = scheduler();
    const b = scheduler();
    await a.create({ name: 'nightly', cronExpression: '0 3 * * *', runTemplate: template });
    clock.set('2026-02-08T03:00:00.000Z');
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    expect(ra.fired.length + rb.fired.length).toBe(1);
    expect(started).toHaveLength(1);
  });

  it('fires missed slots once after downtime, not once per slot', async () => {
    const { clock, scheduler, started } = setup();
    const s = scheduler();
    await s.create({ name: 'hourly', cronExpression: '0 * * * *', runTemplate: template });
    clock.set('2026-02-07T20:30:00.000Z'); // six slots missed
    expect((await s.tick()).fired).toHaveLength(1);
    expect(started).toHaveLength(1);
  });

  it('creates the claimed run after a crash between claim and start', async () => {
    const { clock, repos, startRun, ids, started } = setup();
    let crash = true;
    const flaky = new BenchmarkScheduler({
      schedules: repos.schedules,
      runs: repos.runs,
      clock,
      ids,
      startRun: (request, options) => {
        if (crash) throw new Error('process died');
        return startRun(request, options);
      },
    });
    const created = await flaky.create({ name: 'nightly', cronExpression: '0 3 * * *', runTemplate: template });
    if (!created.ok) throw created.err;
    clock.set('2026-02-08T03:00:00.000Z');
    await expect(flaky.tick()).rejects.toThrow('process died');
    const claimed = await repos.schedules.get(created.val.id);
    expect(claimed?.lastRunId).toBeTruthy();

    crash = false;
    const report = await flaky.tick();
    expect(report.fired).toEqual([{ scheduleId: created.val.id, runId: claimed?.lastRunId }]);
    expect(started.map((s) => s.id)).toEqual([claimed?.lastRunId]);
  });

  it('skips a slot while the previous run is still active (single flight)', async () => {
    const { clock, scheduler, started, repos } = setup();
    const s = scheduler();
    const created = await s.create({ name: 'hourly', cronExpression: '0 * * * *', runTemplate: template });
    if (!created.ok) throw created.err;
    clock.set('2026-02-07T15:00:00.000Z');
    expect((await s.tick()).fired).toHaveLength(1);
    clock.set('2026-02-07T16:00:00.000Z');
    const report = await s.tick();
    expect(report.fired).toEqual([]);
    expect(report.skipped[0]?.reason).toMatch(/still running/);
    expect(started).toHaveLength(1);
    expect((await repos.schedules.get(created.val.id))?.nextRunAt).toEqual(new Date('2026-02-07T17:00:00.000Z'));
  });

  it('updates: a new expression or re-enabling recomputes the next slot from now', async () => {
    const { scheduler } = setup();
    const s = scheduler();
    const created = await s.create({ name: 'nightly', cronExpression: '0 3 * * *', runTemplate: template, enabled: false });
    if (!created.ok) throw created.err;
    const updated = await s.update(created.val.id, { enabled: true, cronExpression: '30 18 * * *', timezone: 'Europe/Berlin' });
    expect(updated.ok && updated.val.nextRunAt).toEqual(new Date('2026-02-07T17:30:00.000Z'));
    const bad = await s.update(created.val.id, { cronExpression: 'nope' });
    expect(bad.ok).toBe(false);
    const missing = await s.update('bsc_missing', { enabled: false });
    expect(!missing.ok && missing.err.code).toBe('NOT_FOUND');
    expect(await s.delete(created.val.id)).toBe(true);
  });
});
