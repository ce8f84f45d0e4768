import { Args } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';

export default class BenchmarksSchedulesDelete extends BaseCommand<typeof BenchmarksSchedulesDelete> {
  static override summary = 'Deletes a benchmark schedule (admin). Runs it already started are kept.';
  static override description = 'With -o json: {"id": "...", "deleted": true}.';

  static override examples = [{ description: 'Delete a schedule', command: '<%= config.bin %> <%= command.id %> bsc_abc123' }];

  static override args = {
    'schedule-id': Args.string({ description: 'The schedule id', required: true }),
  };

  public async run(): Promise<void> {
    const deleted = await this.client().benchmarks.schedules.delete(this.args['schedule-id']);
    this.print(deleted, () => `Benchmark schedule ${deleted.id} deleted.`);
  }
}
