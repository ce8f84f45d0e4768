import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { EXIT } from '../exit-codes.js';
import { usdFlag } from '../flags.js';
import { loadResults, renderLoaded } from '../services/benchmarks.js';

export default class BenchmarkLoader extends BaseCommand<typeof BenchmarkLoader> {
  static override summary = 'Submits benchmark result JSON files to the server (the bulk importer).';
  static override description =
    'Reads result JSON files (those of the benchmark script: hardware, model, results, …), named as arguments or every *.json directly in ' +
    '--dir, applies --provider, --price and --location to each (as the upstream benchmark-loader does) and submits them (admin). Each file ' +
    'is sent with an idempotency key derived from its content, so loading the same files twice stores them once. A file the server ' +
    'rejects is reported and the others still go in; the command then exits 2 (invalid result) or 1. Unlike the upstream tool it talks ' +
    'to the server, not to the database file. With -o json: {"files": [{file, status, benchmark_id, model, gpu, tokens_per_second, error}], "submitted": N, "failed": N}.';

  static override examples = [
    {
      description: 'Load the results downloaded from an instance (SEED.md)',
      command: '<%= config.bin %> <%= command.id %> --dir ./results/benchmark_qwen2_7b_20260201 --provider vastai --price 0.16 --location US',
    },
    { description: 'Submit two files', command: '<%= config.bin %> <%= command.id %> ./results/a.json ./results/b.json' },
    { description: 'Check files without submitting', command: '<%= config.bin %> <%= command.id %> --dir ./results --dry-run' },
  ];

  static override strict = false;

  static override args = {
    files: Args.string({ description: 'Result JSON files (or directories)' }),
  };

  static override flags = {
    dir: Flags.string({ char: 'd', description: 'Directory of result *.json files (repeatable)', multiple: true, helpValue: '<path>' }),
    provider: Flags.string({ description: 'Provider the results were measured at (overrides the file)' }),
    price: usdFlag({ description: 'Price per hour paid, in USD (overrides the file)' }),
    location: Flags.string({ description: 'Location of the instance (overrides the file)' }),
    'dry-run': Flags.boolean({ char: 'n', description: 'Read and check the files, submit nothing' }),
  };

  public async run(): Promise<void> {
    const { argv } = await this.parse(BenchmarkLoader);
    const files = (argv as string[]).filter((a) => typeof a === 'string');
    const dryRun = this.flags['dry-run'];
    const loaded = await loadResults(
      this.client(),
      { files, dirs: this.flags.dir ?? [], provider: this.flags.provider, price: this.flags.price, location: this.flags.location, dryRun },
      (l) => this.note(l.status === 'failed' ? `${l.file}: failed: ${l.error ?? 'unknown error'}` : `${l.file}: ${l.status}${l.benchmark_id ? ` as ${l.benchmark_id}` : ''}`),
    );
    const failed = loaded.filter((l) => l.status === 'failed');
    this.print({ files: loaded, submitted: loaded.filter((l) => l.status === 'submitted').length, failed: failed.length }, () => renderLoaded(loaded, dryRun));
    if (failed.length > 0) this.exit(failed.every((l) => l.invalid) ? EXIT.USAGE : EXIT.ERROR);
  }
}
