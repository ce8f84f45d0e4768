import { BaseCommand } from '../../../base-command.js';
import { renderSchedules } from '../../../services/benchmark-schedules.js';

export default class BenchmarksSchedulesList extends BaseCommand<typeof BenchmarksSchedulesList> {
  static override summary = 'Lists benchmark schedules (admin): recurring benchmark runs.';
  static override description = 'Every schedule with its cron expression, next and last run. With -o json: {"schedules": [...], "count": N}.';

  static override examples = [{ description: 'List schedules', command: '<%= config.bin %> <%= command.id %>' }];

  public async run(): Promise<void> {
    const answer = await this.client().benchmarks.schedules.list();
    this.print(answer, () => renderSchedules(answer.schedules));
  }
}
