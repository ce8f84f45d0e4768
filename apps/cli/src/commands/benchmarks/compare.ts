import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { modelFlag } from '../../flags.js';
import { renderComparison } from '../../services/benchmarks.js';

export default class BenchmarksCompare extends BaseCommand<typeof BenchmarksCompare> {
  static override summary = 'Compares every GPU and provider measured for a model against a baseline.';
  static override description =
    'One row per GPU and provider (median of the newest 5 valid results): tokens/s, speedup over the baseline, price, $ per million tokens, ' +
    'cost efficiency (baseline $/M tokens ÷ this one), sample count and age. The baseline is the fastest group unless --baseline cheapest ' +
    'or --baseline-gpu (with --baseline-provider). With -o json: {"model", "baseline", "comparisons": [...]}.';

  static override examples = [
    { description: 'All hardware for deepseek-r1:14b', command: '<%= config.bin %> <%= command.id %> -m deepseek-r1:14b' },
    { description: 'Against the cheapest per token', command: '<%= config.bin %> <%= command.id %> -m llama3.1:8b --baseline cheapest' },
    { description: 'Against the RTX 4090 at TensorDock', command: '<%= config.bin %> <%= command.id %> -m llama3.1:8b --baseline-gpu "RTX 4090" --baseline-provider tensordock' },
  ];

  static override flags = {
    model: modelFlag,
    provider: Flags.string({ char: 'p', description: 'Only results of this provider' }),
    baseline: Flags.option({ description: 'Baseline group', options: ['fastest', 'cheapest'] as const })(),
    'baseline-gpu': Flags.string({ description: 'Baseline GPU (instead of --baseline)', exclusive: ['baseline'] }),
    'baseline-provider': Flags.string({ description: 'Provider of --baseline-gpu', dependsOn: ['baseline-gpu'] }),
  };

  public async run(): Promise<void> {
    if (this.flags['baseline-gpu'] && !this.flags['baseline-provider']) {
      throw new CliError('--baseline-gpu needs --baseline-provider', { exitCode: EXIT.USAGE, code: 'USAGE', nextStep: "run 'gpu-shopper benchmarks compare --help'" });
    }
    const comparison = await this.client().benchmarks.compare({
      model: this.flags.model,
      provider: this.flags.provider,
      baseline: this.flags.baseline,
      baseline_gpu: this.flags['baseline-gpu'],
      baseline_provider: this.flags['baseline-provider'],
    });
    this.print(comparison, () => renderComparison(comparison));
  }
}
