import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { modelFlag } from '../../flags.js';
import { renderRanked } from '../../services/benchmarks.js';

export default class BenchmarksCheapest extends BaseCommand<typeof BenchmarksCheapest> {
  static override summary = 'The most cost-effective GPU and provider for a model (lowest $ per million tokens).';
  static override description =
    'Like "benchmarks best", but ranked by $ per million tokens = price per hour / (median tokens/s × 3600) × 1,000,000, among groups with a known price ' +
    '(and at least --min-tps). These are the prices paid when measured; for what you can rent now, use "gpu-shopper recommend". ' +
    'With -o json the ranked group. Exit code 3 when no group qualifies.';

  static override examples = [
    { description: 'Cheapest per token for qwen2:7b', command: '<%= config.bin %> <%= command.id %> -m qwen2:7b' },
    { description: 'Cheapest that still does 100 tokens/s', command: '<%= config.bin %> <%= command.id %> -m llama3.1:8b --min-tps 100' },
    { description: 'Just the figure', command: "<%= config.bin %> <%= command.id %> -m llama3.1:8b -o json | jq '.cost_per_million_tokens'" },
  ];

  static override flags = {
    model: modelFlag,
    provider: Flags.string({ char: 'p', description: 'Only results of this provider' }),
    'min-tps': Flags.integer({ description: 'Minimum median tokens per second', min: 1 }),
  };

  public async run(): Promise<void> {
    const cheapest = await this.client().benchmarks.cheapest({ model: this.flags.model, provider: this.flags.provider, min_tps: this.flags['min-tps'] });
    this.print(cheapest, () => renderRanked(`Most cost-effective for ${cheapest.model}:`, cheapest));
  }
}
