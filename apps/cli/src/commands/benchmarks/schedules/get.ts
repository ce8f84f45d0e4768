import { Args } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';
import { renderSchedule } from '../../../services/benchmark-schedules.js';

export default class BenchmarksSchedulesGet extends BaseCommand<typeof BenchmarksSchedulesGet> {
  static override summary = 'Shows one benchmark schedule (admin) and its run template.';
  static override description = 'With -o json the schedule object.';

  static override examples = [{ description: 'Show a schedule', command: '<%= config.bin %> <%= command.id %> bsc_abc123' }];

  static override args = {
    'schedule-id': Args.string({ description: 'The schedule id', required: true }),
  };

  public async run(): Promise<void> {
    const schedule = await this.client().benchmarks.schedules.get(this.args['schedule-id']);
    this.print(schedule, () => renderSchedule(schedule));
  }
}
