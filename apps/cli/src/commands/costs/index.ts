import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { dateFlag } from '../../flags.js';
import { getCosts, renderCosts } from '../../services/costs.js';

export default class Costs extends BaseCommand<typeof Costs> {
  static override summary = 'Views cost information and summaries.';
  static override description =
    'Shows what sessions cost: the total, sessions, hours, and breakdowns by provider and GPU type (and by day or month with --period). ' +
    'Dates are inclusive UTC days. A consumer key sees its own costs only. With -o json the cost summary object is printed.';

  static override examples = [
    { description: 'View all costs', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'One consumer over January', command: '<%= config.bin %> <%= command.id %> -c my-app --start 2026-01-01 --end 2026-01-31' },
    { description: 'Daily breakdown', command: '<%= config.bin %> <%= command.id %> -c my-app -p daily' },
    { description: 'Monitor costs in real time', command: "watch -n 60 '<%= config.bin %> <%= command.id %> -c my-app'" },
  ];

  static override flags = {
    consumer: Flags.string({ char: 'c', aliases: ['consumer-id'], description: 'Filter by consumer ID (also --consumer-id)' }),
    session: Flags.string({ char: 's', description: 'Get cost for specific session' }),
    period: Flags.option({ char: 'p', description: 'Time period of the breakdown', options: ['daily', 'monthly'] as const })(),
    start: dateFlag({ description: 'Start date (YYYY-MM-DD, inclusive)' }),
    end: dateFlag({ description: 'End date (YYYY-MM-DD, inclusive)' }),
  };

  public async run(): Promise<void> {
    const summary = await getCosts(this.client(), {
      consumer: this.flags.consumer,
      session: this.flags.session,
      period: this.flags.period,
      start: this.flags.start,
      end: this.flags.end,
    });
    this.print(summary, () => renderCosts(summary, this.flags.session ? `Cost of session ${this.flags.session}` : 'Cost Summary'));
  }
}
