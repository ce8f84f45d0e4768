import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { renderBenchmark } from '../../services/benchmarks.js';

export default class BenchmarksGet extends BaseCommand<typeof BenchmarksGet> {
  static override summary = 'Shows one benchmark result.';
  static override description = 'Shows one stored result: model, GPU, provider, throughput, TTFT, match rate, price and provenance. With -o json the result object itself.';

  static override examples = [
    { description: 'Show a result', command: '<%= config.bin %> <%= command.id %> bmr_01M8DAG75DD71M33HWR3V9S89S' },
    { description: 'Its GPU statistics', command: "<%= config.bin %> <%= command.id %> bmr_01M8DAG75DD71M33HWR3V9S89S -o json | jq '.gpu_stats'" },
  ];

  static override args = {
    'benchmark-id': Args.string({ description: 'The benchmark result id (bmr_…)', required: true }),
  };

  public async run(): Promise<void> {
    const result = await this.client().benchmarks.get(this.args['benchmark-id']);
    this.print(result, () => renderBenchmark(result));
  }
}
