import { Flags } from '@oclif/core';

import { BaseCommand } from '../../../base-command.js';
import { renderRunList } from '../../../services/benchmarks.js';

export default class BenchmarksRunsList extends BaseCommand<typeof BenchmarksRunsList> {
  static override summary = 'Lists benchmark runs, newest first (admin).';
  static override description = 'One page of runs, newest first; the cursor of the next page is printed on stderr. With -o json: {"runs": [...], "count": N, "next_cursor"}.';

  static override examples = [
    { description: 'Recent runs', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Runs still going', command: '<%= config.bin %> <%= command.id %> -s running' },
  ];

  static override flags = {
    status: Flags.option({ char: 's', description: 'Filter by status', options: ['pending', 'running', 'completed', 'failed', 'cancelled'] as const })(),
    schedule: Flags.string({ description: 'Only runs started by this schedule' }),
    limit: Flags.integer({ char: 'n', description: 'Runs per page', min: 1, max: 200, default: 50 }),
    cursor: Flags.string({ description: 'Page cursor (from the previous page)' }),
  };

  public async run(): Promise<void> {
    const list = await this.client().benchmarks.runs.list({
      ...(this.flags.status ? { status: this.flags.status } : {}),
      ...(this.flags.schedule ? { schedule_id: this.flags.schedule } : {}),
      limit: this.flags.limit,
      ...(this.flags.cursor ? { cursor: this.flags.cursor } : {}),
    });
    if (list.next_cursor && !this.json) this.note(`More runs: add --cursor ${list.next_cursor}`);
    this.print(list, () => renderRunList(list));
  }
}
