import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { modelFlag } from '../../flags.js';
import { renderRanked } from '../../services/benchmarks.js';

export default class BenchmarksBest extends BaseCommand<typeof BenchmarksBest> {
  static override summary = 'The fastest GPU and provider for a model (highest median tokens/s).';
  static override description =
    'Groups the valid results of the model by GPU and provider, takes the median tokens/s of the newest 5 of each group, and shows the fastest, ' +
    'with its cost analysis and evidence (sample count, age, sources). With -o json the ranked group (.gpu, .provider, .median_tokens_per_second, .evidence, …). ' +
    'Exit code 3 when the model has no valid benchmark.';

  static override examples = [
    { description: 'Fastest hardware for deepseek-r1:32b', command: '<%= config.bin %> <%= command.id %> -m deepseek-r1:32b' },
    { description: 'Fastest at Vast.ai, GPU name only', command: "<%= config.bin %> <%= command.id %> -m llama3.1:8b -p vastai -o json | jq -r '.gpu'" },
  ];

  static override flags = {
    model: modelFlag,
    provider: Flags.string({ char: 'p', description: 'Only results of this provider' }),
  };

  public async run(): Promise<void> {
    const best = await this.client().benchmarks.best({ model: this.flags.model, provider: this.flags.provider });
    this.print(best, () => renderRanked(`Fastest for ${best.model}:`, best));
  }
}
