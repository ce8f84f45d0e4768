import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';
import { CliError } from '../../../errors.js';
import { EXIT } from '../../../exit-codes.js';
import { CRON_DESCRIPTION, scheduleTemplateFlags, timezoneFlag } from '../../../schedule-flags.js';
import { hasTemplateFlags, renderSchedule, runTemplate, type TemplateFlags } from '../../../services/benchmark-schedules.js';

export default class BenchmarksSchedulesUpdate extends BaseCommand<typeof BenchmarksSchedulesUpdate> {
  static override summary = 'Changes a benchmark schedule (admin): its name, cron, time zone, run template, or enables/disables it.';
  static override description =
    'Only what is given changes; template flags change only themselves (the rest of the template is kept). With -o json the schedule object.';

  static override examples = [
    { description: 'Pause a schedule', command: '<%= config.bin %> <%= command.id %> bsc_abc123 --disable' },
    { description: 'Run it at 04:30 in Berlin instead', command: '<%= config.bin %> <%= command.id %> bsc_abc123 --cron "30 4 * * *" --timezone Europe/Berlin' },
    { description: 'Add a GPU type', command: '<%= config.bin %> <%= command.id %> bsc_abc123 -g "RTX 4090" -g "RTX 5090"' },
  ];

  static override args = {
    'schedule-id': Args.string({ description: 'The schedule id', required: true }),
  };

  static override flags = {
    name: Flags.string({ description: 'A new name' }),
    cron: Flags.string({ description: CRON_DESCRIPTION, aliases: ['cron-expression'], helpValue: '<"0 3 * * *">' }),
    timezone: timezoneFlag,
    ...scheduleTemplateFlags(false),
    enable: Flags.boolean({ description: 'Enable the schedule', exclusive: ['disable'] }),
    disable: Flags.boolean({ description: 'Disable the schedule (no runs start until enabled)', exclusive: ['enable'] }),
  };

  public async run(): Promise<void> {
    const { flags } = this;
    const client = this.client();
    const id = this.args['schedule-id'];
    const template: TemplateFlags = {
      model: flags.model,
      gpu: flags.gpu,
      provider: flags.provider,
      maxBudget: flags['max-budget'],
      location: flags.location,
      consumer: flags.consumer,
      attempts: flags.attempts,
      duration: flags.duration,
    };
    const changes = {
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.cron !== undefined ? { cron_expression: flags.cron } : {}),
      ...(flags.timezone !== undefined ? { timezone: flags.timezone } : {}),
      ...(flags.enable ? { enabled: true } : flags.disable ? { enabled: false } : {}),
      ...(hasTemplateFlags(template) ? { run_template: runTemplate(template, (await client.benchmarks.schedules.get(id)).run_template) } : {}),
    };
    if (Object.keys(changes).length === 0) {
      throw new CliError('nothing to change', { exitCode: EXIT.USAGE, code: 'USAGE', nextStep: `give a flag to change, see 'gpu-shopper benchmarks schedules update --help'` });
    }
    const schedule = await client.benchmarks.schedules.update(id, changes);
    this.print(schedule, () => `Benchmark schedule ${schedule.id} updated.\n\n${renderSchedule(schedule)}`);
  }
}
