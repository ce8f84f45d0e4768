import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { inventoryWarnings, listInventory, renderInventory } from '../services/inventory.js';

export default class Inventory extends BaseCommand<typeof Inventory> {
  static override summary = 'Lists available GPU offers from all providers, cheapest first.';
  static override description =
    'Lists the GPU offers of Vast.ai, TensorDock and Blue Lobster in one table, filtered and sorted by price. ' +
    'A provider whose catalogue cannot be fetched is reported on stderr; the others are still listed. ' +
    'With -o json the whole answer is printed: {"offers": [...], "count": N, "providers": [...]}.';

  static override examples = [
    { description: 'Find cheap RTX 4090s', command: '<%= config.bin %> <%= command.id %> -g RTX4090 --max-price 0.50' },
    { description: 'Find multi-GPU A100 instances', command: '<%= config.bin %> <%= command.id %> -g A100 --min-gpus 4 --min-vram 40' },
    { description: 'Interruptible (spot) RTX 4090s at their minimum bid (Vast.ai)', command: '<%= config.bin %> <%= command.id %> -g RTX4090 --spot' },
    { description: 'The id of the cheapest RTX 4090 (JSON for scripting)', command: "<%= config.bin %> <%= command.id %> -g RTX4090 -o json | jq -r '.offers[0].id'" },
  ];

  static override flags = {
    provider: Flags.option({ char: 'p', description: 'Filter by provider', options: ['vastai', 'bluelobster', 'tensordock'] as const })(),
    gpu: Flags.string({ char: 'g', aliases: ['gpu-type'], description: 'Filter by GPU type (e.g. "RTX4090", "RTX 4090", "A100"; aliases and families match; also --gpu-type)' }),
    'min-vram': Flags.integer({ description: 'Minimum VRAM per GPU, in GB', min: 0 }),
    'max-price': Flags.custom<number>({
      description: 'Maximum price per hour, in USD',
      helpValue: '<usd>',
      parse: async (input) => {
        const value = Number(input);
        if (!Number.isFinite(value) || value < 0) throw new Error(`Expected a price in USD such as 0.50, got "${input}"`);
        return value;
      },
    })(),
    'min-gpus': Flags.integer({ description: 'Minimum number of GPUs', min: 1 }),
    template: Flags.string({ aliases: ['template-hash-id'], description: 'Only hosts that can run this Vast.ai template (hash id; see `templates list`; also --template-hash-id)' }),
    spot: Flags.boolean({
      description: 'Interruptible (spot) offers only (Vast.ai): priced at their minimum bid, and stopped when someone outbids them. Without it, on-demand offers only',
      default: false,
    }),
  };

  public async run(): Promise<void> {
    const response = await listInventory(this.client(), {
      provider: this.flags.provider,
      gpu: this.flags.gpu,
      minVram: this.flags['min-vram'],
      maxPrice: this.flags['max-price'],
      minGpus: this.flags['min-gpus'],
      template: this.flags.template,
      spot: this.flags.spot,
    });
    for (const warning of inventoryWarnings(response)) this.note(warning);
    this.print(response, () => renderInventory(response));
  }
}
