import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { renderRecommendations } from '../services/benchmarks.js';
import { inventoryWarnings } from '../services/inventory.js';
import { PROVIDERS, usdFlag } from '../flags.js';

export default class Recommend extends BaseCommand<typeof Recommend> {
  static override summary = 'Ranks the GPU offers you can rent now by estimated $ per million tokens for a model.';
  static override description =
    'Joins live inventory with measured benchmark throughput: each offer gets the median tokens/s of the newest valid ' +
    'benchmarks of the model on its GPU (at its provider when measured there, scope "provider"; else on the same GPU at ' +
    'other providers, scope "sku"), and the estimate price / (tokens/s × 3600) × 1,000,000. Every estimate shows its ' +
    'evidence: sample count, age and scope. Offers whose GPU has no benchmark of the model are listed as unmeasured, ' +
    'never guessed. With -o json the whole answer is printed: {"model", "recommendations": [{offer, status, ' +
    'expected_tokens_per_second, estimated_cost_per_million_tokens, evidence, reason}], "counts", "providers"}.';

  static override examples = [
    { description: 'Cheapest way to run llama3.1:8b right now', command: '<%= config.bin %> <%= command.id %> --model llama3.1:8b' },
    { description: 'At least 100 tokens/s, Vast.ai only, under $0.50/h', command: '<%= config.bin %> <%= command.id %> -m llama3.1:8b --min-tps 100 -p vastai --max-price 0.50' },
    {
      description: 'The offer id of the best estimate (JSON for scripting)',
      command: `<%= config.bin %> <%= command.id %> -m llama3.1:8b -o json | jq -r '[.recommendations[] | select(.status == "recommended")][0].offer.id'`,
    },
  ];

  static override flags = {
    model: Flags.string({ char: 'm', description: 'Model name as benchmarked (e.g. "llama3.1:8b")', required: true }),
    'min-tps': Flags.custom<number>({
      description: 'Minimum expected tokens per second (slower offers are listed as below_min_tps)',
      helpValue: '<tps>',
      parse: async (input) => {
        const value = Number(input);
        if (!Number.isFinite(value) || value <= 0) throw new Error(`Expected a positive number of tokens per second, got "${input}"`);
        return value;
      },
    })(),
    provider: Flags.option({ char: 'p', description: 'Only offers of this provider', options: PROVIDERS })(),
    gpu: Flags.string({ char: 'g', description: 'Only offers of this GPU type (e.g. "RTX4090")' }),
    'max-price': usdFlag({ description: 'Maximum price per hour, in USD' }),
    limit: Flags.integer({ char: 'n', description: 'At most this many offers', min: 1 }),
    spot: Flags.boolean({
      description: 'Rank interruptible (spot) Vast.ai offers instead, at the bid provision --spot places by default (minimum bid plus 10 %, plus storage); a higher bid can stop them',
    }),
  };

  public async run(): Promise<void> {
    const answer = await this.client().benchmarks.recommendations({
      model: this.flags.model,
      min_tps: this.flags['min-tps'],
      provider: this.flags.provider,
      gpu: this.flags.gpu,
      max_price: this.flags['max-price'],
      limit: this.flags.limit,
      ...(this.flags.spot ? { pricing: 'spot' as const } : {}),
    });
    for (const warning of inventoryWarnings({ providers: answer.providers })) this.note(warning);
    this.print(answer, () => renderRecommendations(answer));
  }
}
