import { Flags } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';
import { CRON_DESCRIPTION, scheduleTemplateFlags, timezoneFlag } from '../../../schedule-flags.js';
import { renderSchedule, runTemplate } from '../../../services/benchmark-schedules.js';

export default class BenchmarksSchedulesCreate extends BaseCommand<typeof BenchmarksSchedulesCreate> {
  static override summary = 'Creates a benchmark schedule (admin): a benchmark run started on a cron expression.';
  static override description =
    'Each time the cron expression comes due, a run is started with the template given here (as "benchmarks run" would); a run still ' +
    'going then is not doubled (the skip is recorded). With -o json the schedule object.';

  static override examples = [
    {
      description: 'Every night at 03:00 UTC, two models on RTX 4090s at Vast.ai, at most $1 per run',
      command: '<%= config.bin %> <%= command.id %> --name nightly --cron "0 3 * * *" -m llama3.1:8b -m qwen2:7b -g "RTX 4090" -p vastai --max-budget 1',
    },
  ];

  static override flags = {
    name: Flags.string({ description: 'A name for the schedule', required: true }),
    cron: Flags.string({ description: CRON_DESCRIPTION, aliases: ['cron-expression'], helpValue: '<"0 3 * * *">', required: true }),
    timezone: timezoneFlag,
    ...scheduleTemplateFlags(true),
    disabled: Flags.boolean({ description: 'Create it disabled (enable later with "update --enable")', default: false }),
  };

  public async run(): Promise<void> {
    const { flags } = this;
    const schedule = await this.client().benchmarks.schedules.create({
      name: flags.name,
      cron_expression: flags.cron,
      ...(flags.timezone ? { timezone: flags.timezone } : {}),
      enabled: !flags.disabled,
      run_template: runTemplate({
        model: flags.model,
        gpu: flags.gpu,
        provider: flags.provider,
        maxBudget: flags['max-budget'],
        location: flags.location,
        consumer: flags.consumer,
        attempts: flags.attempts,
        duration: flags.duration,
      }),
    });
    this.print(schedule, () => `Benchmark schedule ${schedule.id} created.\n\n${renderSchedule(schedule)}`);
  }
}
