import { Cron } from 'croner';

import {
  Err,
  NotFoundError,
  Ok,
  ValidationError,
  benchmarkRunRequestSchema,
  noopLogger,
  type AlreadyExistsError,
  type BenchmarkRun,
  type BenchmarkRunRepository,
  type BenchmarkRunRequestInput,
  type BenchmarkSchedule,
  type BenchmarkScheduleRepository,
  type Clock,
  type ConcurrentUpdateError,
  type IdGenerator,
  type Logger,
  type Result,
} from '@gpu-shopper/core';

/**
 * Recurring benchmark runs. Cron expressions are parsed by croner (5 fields, or 6 with seconds
 * first; lists, ranges, steps, names; day-of-month and day-of-week ORed as in standard cron) in the
 * schedule's IANA time zone — not a hand-written subset (upstream: 3 rules, AND semantics, no zone,
 * no validation; §A.7, §E.2.11). Expressions are validated when a schedule is written.
 *
 * Firing is exactly-once per slot, across restarts and several schedulers on one database:
 * `tick()` claims a due schedule with a compare-and-set that moves `nextRunAt` to the next slot and
 * records a pre-generated run id in `lastRunId`; only the winner creates the run, with that id.
 * If the process dies between the claim and the run's creation, the next tick sees a `lastRunId`
 * with no run and creates it. Missed slots while the server was down fire once, not once each.
 * A schedule whose previous run is still active skips the slot (single-flight) and says so.
 */

export interface ScheduleInput {
  readonly name: string;
  readonly cronExpression: string;
  /** @default 'UTC' */
  readonly timezone?: string;
  readonly runTemplate: BenchmarkRunRequestInput;
  /** @default true */
  readonly enabled?: boolean;
}

export type ScheduleUpdate = Partial<ScheduleInput>;

export interface BenchmarkSchedulerOptions {
  readonly schedules: BenchmarkScheduleRepository;
  readonly runs: Pick<BenchmarkRunRepository, 'get' | 'list'>;
  /** Creates and starts a run (BenchmarkRunner.createAndStart). */
  readonly startRun: (request: BenchmarkRunRequestInput, options: { readonly scheduleId: string; readonly id: string }) => Promise<Result<BenchmarkRun, ValidationError>>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
}

/** The next slot strictly after `after`, or null when the expression has none (a date in the past). */
export function nextCronRun(cronExpression: string, timezone: string, after: Date): Date | null {
  return new Cron(cronExpression, { paused: true, timezone, mode: '5-or-6-parts' }).nextRun(after);
}

/** Checks an expression and a time zone; returns the issues (empty when both are usable). */
export function validateCron(cronExpression: string, timezone: string): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    issues.push({ path: 'timezone', message: `unknown time zone '${timezone}' (use an IANA name such as UTC or Europe/Berlin)` });
    return issues;
  }
  try {
    new Cron(cronExpression, { paused: true, timezone, mode: '5-or-6-parts' });
  } catch (error) {
    issues.push({ path: 'cronExpression', message: error instanceof Error ? error.message : String(error) });
  }
  return issues;
}

export interface TickReport {
  readonly fired: { readonly scheduleId: string; readonly runId: string }[];
  readonly skipped: { readonly scheduleId: string; readonly reason: string }[];
}

export class BenchmarkScheduler {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<TickReport> | undefined;

  constructor(private readonly options: BenchmarkSchedulerOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'benchmark-scheduler' });
  }

  async create(input: ScheduleInput): Promise<Result<BenchmarkSchedule, ValidationError | AlreadyExistsError>> {
    const timezone = input.timezone ?? 'UTC';
    const checked = this.check(input.name, input.cronExpression, timezone, input.runTemplate);
    if (!checked.ok) return checked;
    const now = this.options.clock.now();
    const enabled = input.enabled ?? true;
    return this.options.schedules.insert({
      id: this.options.ids.next('benchmarkSchedule'),
      name: input.name.trim(),
      cronExpression: input.cronExpression.trim(),
      timezone,
      runTemplate: checked.val,
      enabled,
      nextRunAt: enabled ? nextCronRun(input.cronExpression, timezone, now) : null,
      lastRunAt: null,
      lastRunId: null,
      lastSkipReason: null,
      createdAt: now,
      updatedAt: now,
      version: 0,
    });
  }

  /** Partial update; the next slot is recomputed from now when the expression, zone or enabled flag changes. */
  async update(id: string, changes: ScheduleUpdate): Promise<Result<BenchmarkSchedule, ValidationError | NotFoundError | AlreadyExistsError | ConcurrentUpdateError>> {
    const current = await this.options.schedules.get(id);
    if (!current) return Err(new NotFoundError('benchmark schedule', id));
    const cronExpression = changes.cronExpression?.trim() ?? current.cronExpression;
    const timezone = changes.timezone ?? current.timezone;
    const checked = this.check(changes.name ?? current.name, cronExpression, timezone, changes.runTemplate ?? current.runTemplate);
    if (!checked.ok) return checked;
    const enabled = changes.enabled ?? current.enabled;
    const now = this.options.clock.now();
    const timing = cronExpression !== current.cronExpression || timezone !== current.timezone || enabled !== current.enabled;
    return this.options.schedules.update(id, current.version, {
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      cronExpression,
      timezone,
      runTemplate: checked.val,
      enabled,
      ...(timing ? { nextRunAt: enabled ? nextCronRun(cronExpression, timezone, now) : null } : {}),
      updatedAt: now,
    });
  }

  delete(id: string): Promise<boolean> {
    return this.options.schedules.delete(id);
  }

  get(id: string): Promise<BenchmarkSchedule | undefined> {
    return this.options.schedules.get(id);
  }

  list(): Promise<BenchmarkSchedule[]> {
    return this.options.schedules.list();
  }

  /** Fires every due schedule once. Concurrent calls share one tick. */
  tick(): Promise<TickReport> {
    this.ticking ??= this.runTick().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Ticks every `intervalMs` (default 30 s) until `stop()`. The first tick runs at once (catches up after a restart). */
  start(intervalMs = 30_000): void {
    if (this.timer) return;
    const tick = () => void this.tick().catch((error: unknown) => this.logger.error('benchmark schedule tick failed', { error }));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  private check(name: string, cronExpression: string, timezone: string, template: BenchmarkRunRequestInput) {
    const issues = validateCron(cronExpression, timezone);
    if (name.trim() === '') issues.push({ path: 'name', message: 'name is required' });
    const parsed = benchmarkRunRequestSchema.safeParse(template);
    if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ path: `runTemplate.${i.path.join('.')}`, message: i.message })));
    if (issues.length > 0 || !parsed.success) return Err(new ValidationError(`invalid benchmark schedule: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues));
    return Ok(parsed.data);
  }

  private async runTick(): Promise<TickReport> {
    const report: TickReport = { fired: [], skipped: [] };
    const now = this.options.clock.now();
    for (const schedule of await this.options.schedules.list()) {
      // A claim whose run was never created (crash in between) is finished first.
      if (schedule.lastRunId && !(await this.options.runs.get(schedule.lastRunId))) {
        await this.startClaimed(schedule, schedule.lastRunId, report);
      }
      if (!schedule.enabled || !schedule.nextRunAt || schedule.nextRunAt.getTime() > now.getTime()) continue;
      const next = nextCronRun(schedule.cronExpression, schedule.timezone, now);
      const active = await this.options.runs.list({ scheduleId: schedule.id, statuses: ['pending', 'running'], limit: 1 });
      if (active[0]) {
        const reason = `slot ${schedule.nextRunAt.toISOString()} skipped: run ${active[0].id} is still ${active[0].status}`;
        const claimed = await this.options.schedules.update(schedule.id, schedule.version, { nextRunAt: next, lastSkipReason: reason, updatedAt: now });
        if (claimed.ok) {
          report.skipped.push({ scheduleId: schedule.id, reason });
          this.logger.info('benchmark schedule slot skipped', { scheduleId: schedule.id, reason });
        }
        continue;
      }
      const runId = this.options.ids.next('benchmarkRun');
      const claimed = await this.options.schedules.update(schedule.id, schedule.version, { nextRunAt: next, lastRunAt: now, lastRunId: runId, lastSkipReason: null, updatedAt: now });
      // Lost the compare-and-set: another scheduler (or a concurrent tick) fired this slot.
      if (!claimed.ok) continue;
      await this.startClaimed(claimed.val, runId, report);
    }
    return report;
  }

  private async startClaimed(schedule: BenchmarkSchedule, runId: string, report: TickReport): Promise<void> {
    const started = await this.options.startRun(schedule.runTemplate, { scheduleId: schedule.id, id: runId });
    if (started.ok) {
      report.fired.push({ scheduleId: schedule.id, runId });
      this.logger.info('benchmark schedule fired', { scheduleId: schedule.id, runId });
      return;
    }
    // The run could not be created (its template no longer fits the inventory): record why, and
    // forget the claim so the next tick does not retry the same slot forever.
    const reason = `run not started: ${started.err.message}`;
    const current = await this.options.schedules.get(schedule.id);
    if (current) await this.options.schedules.update(current.id, current.version, { lastRunId: null, lastSkipReason: reason, updatedAt: this.options.clock.now() });
    report.skipped.push({ scheduleId: schedule.id, reason });
    this.logger.warn('benchmark schedule could not start its run', { scheduleId: schedule.id, error: started.err.message });
  }
}
