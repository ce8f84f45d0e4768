import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { getMonthlySummary, renderCosts } from '../../services/costs.js';

export default class CostsSummary extends BaseCommand<typeof CostsSummary> {
  static override summary = "Shows this month's costs, by provider, GPU type and day.";
  static override description = 'The current calendar month (UTC), with a daily breakdown. With -o json the cost summary object is printed.';

  static override examples = [
    { description: "This month's costs", command: '<%= config.bin %> <%= command.id %>' },
    { description: 'For one consumer', command: '<%= config.bin %> <%= command.id %> -c my-app' },
  ];

  static override flags = {
    consumer: Flags.string({ char: 'c', aliases: ['consumer-id'], description: 'Filter by consumer ID (also --consumer-id)' }),
  };

  public async run(): Promise<void> {
    const summary = await getMonthlySummary(this.client(), { consumer: this.flags.consumer });
    this.print(summary, () => renderCosts(summary, 'Monthly Cost Summary'));
  }
}
