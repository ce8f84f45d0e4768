import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { EXIT } from '../../exit-codes.js';
import { PROVIDERS, parseDuration, pollFlags, usdFlag } from '../../flags.js';
import { watchRun } from '../../services/benchmark-runs.js';
import { renderRun } from '../../services/benchmarks.js';

export default class BenchmarksRun extends BaseCommand<typeof BenchmarksRun> {
  static override summary = 'Starts an automated benchmark run (admin): provision, benchmark, store, destroy, per GPU type and model.';
  static override description =
    'Starts a run on the server: for each GPU type × model it rents an offer, uploads and runs the benchmark script, stores the result and ' +
    'destroys the instance (verified). --max-budget caps the real accrued cost of the run, failed attempts included, checked before every ' +
    'provision. Without --gpu, every GPU type in inventory is benchmarked. The run goes on in the background: --wait follows it ' +
    '(progress on stderr) and exits 1 unless it completes. With -o json the run object (.id, .status, .entries).';

  static override examples = [
    {
      description: 'Benchmark two models on three Vast.ai GPU types, at most $1',
      command: '<%= config.bin %> <%= command.id %> -m llama3.1:8b -m deepseek-r1:14b -g "RTX 3090" -g "RTX 4090" -g "RTX 5060 Ti" -p vastai --max-budget 1.00',
    },
    { description: 'Start and follow until done', command: '<%= config.bin %> <%= command.id %> -m qwen2:0.5b -g "RTX 5090" -p bluelobster --wait' },
    { description: 'The run id, for "benchmarks runs get"', command: "<%= config.bin %> <%= command.id %> -m llama3.1:8b -g RTX4090 -o json | jq -r '.id'" },
  ];

  static override flags = {
    model: Flags.string({ char: 'm', description: 'Model to benchmark (repeat for several)', required: true, multiple: true }),
    gpu: Flags.string({ char: 'g', description: 'GPU type to benchmark (repeat for several; default: every type in inventory)', multiple: true }),
    provider: Flags.option({ char: 'p', description: 'Provider to rent from (repeat for several; default: all)', options: PROVIDERS, multiple: true })(),
    'max-budget': usdFlag({ description: 'Cap on the run\'s real accrued cost, in USD' }),
    location: Flags.string({ description: 'Only offers in this location' }),
    consumer: Flags.string({ char: 'c', description: 'Consumer the sessions are billed to' }),
    attempts: Flags.integer({ description: 'Attempts per GPU type × model (each on another offer and host)', min: 1, max: 5 }),
    duration: Flags.custom<number>({
      description: 'Throughput phase per model, at least 10s, e.g. 5m',
      helpValue: '<duration>',
      parse: async (input) => Math.round(parseDuration(input) / 1000),
    })(),
    wait: Flags.boolean({ char: 'w', description: 'Follow the run until it completes, fails or is cancelled' }),
    ...pollFlags,
  };

  public async run(): Promise<void> {
    const client = this.client();
    let run = await client.benchmarks.runs.create({
      models: this.flags.model,
      gpu_types: this.flags.gpu,
      providers: this.flags.provider,
      max_budget: this.flags['max-budget'],
      location: this.flags.location,
      consumer_id: this.flags.consumer,
      max_attempts_per_entry: this.flags.attempts,
      duration_seconds: this.flags.duration,
    });
    this.note(`Benchmark run ${run.id} started (${run.total_entries} entries).`);
    if (this.flags.wait) {
      run = await watchRun(client, run.id, { pollIntervalMs: this.flags.interval, timeoutMs: this.flags.timeout, note: (t) => this.note(t) });
    }
    this.print(run, () => renderRun(run));
    if (this.flags.wait && run.status !== 'completed') this.exit(EXIT.ERROR);
  }
}
