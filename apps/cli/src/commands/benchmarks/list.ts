import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { PROVIDERS } from '../../flags.js';
import { renderBenchmarkList } from '../../services/benchmarks.js';

export default class BenchmarksList extends BaseCommand<typeof BenchmarksList> {
  static override summary = 'Lists benchmark results, newest first.';
  static override description =
    'Lists stored benchmark results (measured by runs, submitted, or the published seed data), newest first, one page at a time: ' +
    'the cursor of the next page is printed on stderr. $/MTOK is the result\'s price / (tokens/s × 3600) × 1,000,000. ' +
    'With -o json: {"benchmarks": [...], "count": N, "next_cursor": "…" | null}.';

  static override examples = [
    { description: 'Every llama3.1:8b result', command: '<%= config.bin %> <%= command.id %> -m llama3.1:8b' },
    { description: 'RTX 4090 results measured at TensorDock', command: '<%= config.bin %> <%= command.id %> -g RTX4090 -p tensordock' },
    { description: 'Ids of the results of a run', command: "<%= config.bin %> <%= command.id %> --run bch_abc -o json | jq -r '.benchmarks[].id'" },
  ];

  static override flags = {
    model: Flags.string({ char: 'm', description: 'Filter by model (e.g. "llama3.1:8b")' }),
    gpu: Flags.string({ char: 'g', description: 'Filter by GPU type or alias (e.g. "RTX4090")' }),
    provider: Flags.option({ char: 'p', description: 'Filter by provider', options: PROVIDERS })(),
    source: Flags.option({ description: 'Filter by provenance', options: ['measured', 'published', 'submitted'] as const })(),
    run: Flags.string({ description: 'Only the results of this benchmark run' }),
    since: Flags.string({ description: 'Only results measured at or after this ISO time (e.g. 2026-01-01)' }),
    'include-invalid': Flags.boolean({ description: 'Also list results that are never ranked (shown as invalid)' }),
    limit: Flags.integer({ char: 'n', description: 'Results per page', min: 1, max: 200, default: 50 }),
    cursor: Flags.string({ description: 'Page cursor (from the previous page)' }),
  };

  public async run(): Promise<void> {
    const list = await this.client().benchmarks.list({
      model: this.flags.model,
      gpu: this.flags.gpu,
      provider: this.flags.provider,
      source: this.flags.source,
      run_id: this.flags.run,
      since: this.flags.since,
      include_invalid: this.flags['include-invalid'] || undefined,
      limit: this.flags.limit,
      cursor: this.flags.cursor,
    });
    if (list.next_cursor && !this.json) this.note(`More results: add --cursor ${list.next_cursor}`);
    this.print(list, () => renderBenchmarkList(list));
  }
}
