import { Args } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';
import { renderRun } from '../../../services/benchmarks.js';

export default class BenchmarksRunsCancel extends BaseCommand<typeof BenchmarksRunsCancel> {
  static override summary = 'Cancels a benchmark run (admin): its current instance is destroyed, unfinished entries are cancelled.';
  static override description = 'Stops a pending or running run. Results already stored stay. With -o json the run object.';

  static override examples = [{ description: 'Cancel a run', command: '<%= config.bin %> <%= command.id %> bch_abc123' }];

  static override args = {
    'run-id': Args.string({ description: 'The benchmark run id', required: true }),
  };

  public async run(): Promise<void> {
    const run = await this.client().benchmarks.runs.cancel(this.args['run-id']);
    this.print(run, () => `Benchmark run ${run.id} cancellation requested.\n\n${renderRun(run)}`);
  }
}
