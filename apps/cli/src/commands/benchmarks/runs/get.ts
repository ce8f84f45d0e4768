import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';
import { EXIT } from '../../../exit-codes.js';
import { pollFlags } from '../../../flags.js';
import { watchRun } from '../../../services/benchmark-runs.js';
import { renderRun } from '../../../services/benchmarks.js';

export default class BenchmarksRunsGet extends BaseCommand<typeof BenchmarksRunsGet> {
  static override summary = 'Shows a benchmark run and its entries; --watch follows it to the end (admin).';
  static override description =
    'Status, budget, spend and one row per GPU type × model (status, attempts, result id, error type). --watch polls until the run is completed, ' +
    'failed or cancelled (progress on stderr) and exits 1 unless it completed. With -o json the run object.';

  static override examples = [
    { description: 'Show a run', command: '<%= config.bin %> <%= command.id %> bch_abc123' },
    { description: 'Watch it to the end', command: '<%= config.bin %> <%= command.id %> bch_abc123 --watch' },
    { description: 'Result ids of a finished run', command: "<%= config.bin %> <%= command.id %> bch_abc123 -o json | jq -r '.entries[].result_id // empty'" },
  ];

  static override args = {
    'run-id': Args.string({ description: 'The benchmark run id', required: true }),
  };

  static override flags = {
    watch: Flags.boolean({ char: 'w', description: 'Follow the run until it completes, fails or is cancelled' }),
    ...pollFlags,
  };

  public async run(): Promise<void> {
    const client = this.client();
    const run = this.flags.watch
      ? await watchRun(client, this.args['run-id'], { pollIntervalMs: this.flags.interval, timeoutMs: this.flags.timeout, note: (t) => this.note(t) })
      : await client.benchmarks.runs.get(this.args['run-id']);
    this.print(run, () => renderRun(run));
    if (this.flags.watch && run.status !== 'completed') this.exit(EXIT.ERROR);
  }
}
