import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { APIConnectionError, APIError, AuthenticationError, BadRequestError, PermissionDeniedError, UnprocessableEntityError } from '@gpu-shopper/client';
import type {
  BenchmarkComparison,
  BenchmarkResult,
  BenchmarkRun,
  BenchmarkSubmitParams,
  GpuShopper,
  OfferRecommendation,
  RankedBenchmark,
  Recommendations,
} from '@gpu-shopper/client';

import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { formatTime, formatUsd, renderFields, renderTable } from '../output.js';

/** `$0.146` — dollars per million tokens, three decimals (the figures are small). */
export function formatPerMtok(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : formatUsd(value, 3);
}

/** Tokens per second with one decimal. */
export function formatTps(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(1);
}

/** `293d` (age of the newest sample), `-` when unknown. */
export function formatAge(days: number | null | undefined): string {
  return days === null || days === undefined ? '-' : `${Math.round(days)}d`;
}

/** $ per million tokens of one result, when it has a price: price / (tps × 3600) × 1e6. */
export function resultCostPerMtok(result: BenchmarkResult): number | null {
  const tps = result.results.avg_tokens_per_second;
  if (result.price_per_hour === null || !(tps > 0)) return null;
  return (result.price_per_hour / (tps * 3600)) * 1_000_000;
}

// ---------------------------------------------------------------------------------------------
// recommend

/** RANK OFFER PROVIDER GPU COUNT PRICE/HR EST TPS $/MTOK SAMPLES AGE SCOPE; unmeasured offers after, with no estimate. */
export function renderRecommendations(answer: Recommendations): string {
  const ranked = answer.recommendations.filter((r) => r.status !== 'unmeasured');
  const unmeasured = answer.recommendations.filter((r) => r.status === 'unmeasured');
  const kind = answer.pricing === 'spot' ? 'Interruptible (spot) offers, at the default bid,' : 'Live offers';
  const lines: string[] = [`${kind} for ${answer.model}${answer.min_tps !== null ? ` (min ${answer.min_tps} tokens/s)` : ''}, by estimated $ per million tokens:`, ''];
  if (ranked.length === 0) lines.push('No offer has a benchmark of this model yet.');
  else {
    const row = (r: OfferRecommendation, i: number): string[] => [
      String(i + 1),
      r.offer.id,
      r.offer.provider,
      r.offer.gpu_type,
      String(r.offer.gpu_count),
      formatUsd(r.offer.price_per_hour, 3),
      formatTps(r.expected_tokens_per_second),
      formatPerMtok(r.estimated_cost_per_million_tokens),
      r.evidence ? String(r.evidence.sample_count) : '-',
      formatAge(r.evidence?.age_days),
      r.evidence ? (r.evidence.scope === 'provider' ? `provider (${r.offer.provider})` : `sku (${r.evidence.providers.join(',')})`) : '-',
      r.status === 'recommended' ? '' : r.status,
    ];
    lines.push(renderTable(['RANK', 'OFFER', 'PROVIDER', 'GPU', 'COUNT', 'PRICE/HR', 'EST TPS', '$/MTOK', 'SAMPLES', 'AGE', 'SCOPE', 'NOTE'], ranked.map(row)));
  }
  if (unmeasured.length > 0) {
    lines.push('', `Unmeasured (no benchmark of ${answer.model} on these GPUs, so no estimate):`, '');
    lines.push(
      renderTable(
        ['OFFER', 'PROVIDER', 'GPU', 'COUNT', 'PRICE/HR'],
        unmeasured.map((r) => [r.offer.id, r.offer.provider, r.offer.gpu_type, String(r.offer.gpu_count), formatUsd(r.offer.price_per_hour, 3)]),
      ),
    );
  }
  const { recommended, below_min_tps: below, unmeasured: none } = answer.counts;
  lines.push('', `Total: ${recommended} recommended, ${below} below min TPS, ${none} unmeasured`);
  lines.push('Estimate: offer price / (median tokens/s of the newest valid samples × 3600) × 1,000,000. Scope "provider": measured at that provider; "sku": same GPU at other providers.');
  if (answer.pricing === 'spot') lines.push('Interruptible: priced at the default bid (minimum bid + 10 %, plus storage); someone bidding more stops the instance. Rent one with provision --spot.');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// benchmarks list / get

export function renderBenchmarkList(list: { benchmarks: readonly BenchmarkResult[]; count: number; next_cursor: string | null }): string {
  if (list.benchmarks.length === 0) return 'No benchmarks found.';
  const rows = list.benchmarks.map((b) => [
    b.id,
    b.model.name,
    b.gpu_sku ?? b.hardware.gpu_name,
    b.provider,
    formatTps(b.results.avg_tokens_per_second),
    b.price_per_hour === null ? '-' : formatUsd(b.price_per_hour, 3),
    formatPerMtok(resultCostPerMtok(b)),
    b.source,
    formatTime(b.timestamp, 'minutes'),
    b.invalid_reasons.length > 0 ? 'invalid' : '',
  ]);
  const table = renderTable(['ID', 'MODEL', 'GPU', 'PROVIDER', 'TPS', 'PRICE/HR', '$/MTOK', 'SOURCE', 'MEASURED', 'NOTE'], rows);
  return `${table}\n\nTotal: ${list.count} benchmark${list.count === 1 ? '' : 's'}`;
}

export function renderBenchmark(b: BenchmarkResult): string {
  const r = b.results;
  const fields: [string, string][] = [
    ['Benchmark ID', b.id],
    ['Model', `${b.model.name} (${b.model.runtime}${b.model.quantization ? `, ${b.model.quantization}` : ''})`],
    ['GPU', `${b.hardware.gpu_count > 1 ? `${b.hardware.gpu_count}x ` : ''}${b.hardware.gpu_name}${b.gpu_sku ? ` [${b.gpu_sku}]` : ' [not in catalogue]'}`],
    ['Provider', b.provider],
    ['Location', b.location || '-'],
    ['Price/Hour', b.price_per_hour === null ? '-' : formatUsd(b.price_per_hour, 3)],
    ['Tokens/s (avg)', formatTps(r.avg_tokens_per_second)],
    ['Tokens/s p50/p95', `${formatTps(r.p50_tokens_per_second)} / ${formatTps(r.p95_tokens_per_second)}`],
    ['$/M tokens', formatPerMtok(resultCostPerMtok(b))],
    ['TTFT avg (ms)', r.avg_ttft_ms === null ? '-' : String(Math.round(r.avg_ttft_ms))],
    ['Match Rate', r.match_rate === null ? '-' : `${(r.match_rate * 100).toFixed(0)}%`],
    ['Requests', r.total_requests === null ? '-' : String(r.total_requests)],
    ['Source', b.source],
    ['Measured At', formatTime(b.timestamp)],
  ];
  if (b.run_id) fields.push(['Run ID', b.run_id]);
  if (b.session_id) fields.push(['Session ID', b.session_id]);
  if (b.invalid_reasons.length > 0) fields.push(['Invalid', b.invalid_reasons.join('; ')]);
  return renderFields(fields);
}

// ---------------------------------------------------------------------------------------------
// best / cheapest / compare

function evidenceLine(ranked: RankedBenchmark): string {
  const e = ranked.evidence;
  return `${e.sample_count} sample${e.sample_count === 1 ? '' : 's'} (of ${e.available_samples}), newest ${formatTime(e.newest_at, 'minutes')}, age ${formatAge(e.age_days)}, ${e.sources.join('/')}`;
}

export function renderRanked(title: string, ranked: RankedBenchmark): string {
  const cost = ranked.cost_analysis;
  const fields: [string, string][] = [
    ['Model', ranked.model],
    ['GPU', `${ranked.gpu}${ranked.gpu_sku_known ? '' : ' (not in catalogue)'}`],
    ['Provider', ranked.provider],
    ['Tokens/s (median)', `${formatTps(ranked.median_tokens_per_second)} (min ${formatTps(ranked.min_tokens_per_second)}, max ${formatTps(ranked.max_tokens_per_second)})`],
    ['Price/Hour', ranked.median_price_per_hour === null ? '-' : formatUsd(ranked.median_price_per_hour, 3)],
    ['$/M tokens', formatPerMtok(ranked.cost_per_million_tokens)],
  ];
  if (cost) {
    fields.push(['Tokens per $', Math.round(cost.tokens_per_dollar).toLocaleString('en-US')]);
    fields.push(['Monthly (24x7)', formatUsd(cost.estimated_monthly_24x7)]);
  }
  fields.push(['Evidence', evidenceLine(ranked)]);
  fields.push(['Newest Result', ranked.benchmark.id]);
  return `${title}\n\n${renderFields(fields)}`;
}

export function renderComparison(c: BenchmarkComparison): string {
  const baseline = { ...c.baseline, speedup_factor: 1, cost_efficiency: c.baseline.cost_per_million_tokens === null ? null : 1, memory_efficiency: null };
  const others = c.comparisons.filter((row) => !(row.gpu === c.baseline.gpu && row.provider === c.baseline.provider));
  const rows = [baseline, ...others].map((row, i) => [
    row.gpu,
    row.provider,
    formatTps(row.median_tokens_per_second),
    `${row.speedup_factor.toFixed(2)}x`,
    row.median_price_per_hour === null ? '-' : formatUsd(row.median_price_per_hour, 3),
    formatPerMtok(row.cost_per_million_tokens),
    row.cost_efficiency === null ? '-' : `${row.cost_efficiency.toFixed(2)}x`,
    String(row.evidence.sample_count),
    formatAge(row.evidence.age_days),
    i === 0 ? 'baseline' : '',
  ]);
  const table = renderTable(['GPU', 'PROVIDER', 'TPS', 'SPEEDUP', 'PRICE/HR', '$/MTOK', 'COST-EFF', 'SAMPLES', 'AGE', 'NOTE'], rows);
  const base = `Baseline: ${c.baseline.gpu} on ${c.baseline.provider} (${formatTps(c.baseline.median_tokens_per_second)} tokens/s, ${formatPerMtok(c.baseline.cost_per_million_tokens)}/M tokens)`;
  return `${c.model}: ${others.length + 1} GPU/provider group${others.length === 0 ? '' : 's'}\n${base}\n\n${table}\n\nSPEEDUP = tokens/s ÷ baseline; COST-EFF = baseline $/M tokens ÷ this $/M tokens.`;
}

// ---------------------------------------------------------------------------------------------
// runs

export function renderRun(run: BenchmarkRun): string {
  const fields: [string, string][] = [
    ['Run ID', run.id],
    ['Status', `${run.status}${run.stop_reason ? ` (${run.stop_reason})` : ''}`],
    ['Models', run.request.models.join(', ')],
    ['GPU Types', run.request.gpu_types.length > 0 ? run.request.gpu_types.join(', ') : '(every GPU type in inventory)'],
    ['Providers', run.request.providers.length > 0 ? run.request.providers.join(', ') : '(all)'],
    ['Max Budget', run.request.max_budget === null ? '-' : formatUsd(run.request.max_budget)],
    ['Spent', formatUsd(run.spent, 4)],
    ['Progress', runProgress(run)],
    ['Created At', formatTime(run.created_at)],
  ];
  if (run.completed_at) fields.push(['Completed At', formatTime(run.completed_at)]);
  const lines = [renderFields(fields)];
  if (run.entries.length > 0) {
    lines.push(
      '',
      renderTable(
        ['MODEL', 'GPU', 'PROVIDER', 'STATUS', 'ATTEMPTS', 'RESULT', 'ERROR'],
        run.entries.map((e) => [e.model, e.gpu_type, e.provider ?? '-', e.status, String(e.attempts.length), e.result_id ?? '-', e.error ? `${e.error_type ?? 'error'}: ${e.error}` : '']),
      ),
    );
  }
  return lines.join('\n');
}

export function runProgress(run: BenchmarkRun): string {
  return `${run.succeeded} succeeded, ${run.failed} failed, ${run.skipped} skipped, ${run.cancelled} cancelled, ${run.running} running, ${run.pending} pending (of ${run.total_entries})`;
}

export function renderRunList(list: { runs: readonly BenchmarkRun[]; count: number }): string {
  if (list.runs.length === 0) return 'No benchmark runs found.';
  const rows = list.runs.map((r) => [r.id, r.status, r.request.models.join(','), `${r.succeeded}/${r.total_entries}`, String(r.failed), formatUsd(r.spent, 4), formatTime(r.created_at)]);
  return `${renderTable(['ID', 'STATUS', 'MODELS', 'DONE', 'FAILED', 'SPENT', 'CREATED'], rows)}\n\nTotal: ${list.count} run${list.count === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// benchmark-loader

export interface LoaderOptions {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
  readonly provider?: string | undefined;
  readonly price?: number | undefined;
  readonly location?: string | undefined;
  readonly dryRun: boolean;
}

export interface LoadedFile {
  file: string;
  status: 'submitted' | 'valid' | 'failed';
  benchmark_id: string | null;
  model: string | null;
  gpu: string | null;
  tokens_per_second: number | null;
  error: string | null;
  /** The file itself is at fault (not JSON, or rejected by the server as invalid). */
  invalid: boolean;
}

/** The `.json` files named, plus those directly in each directory (sorted): what the upstream loader reads. */
export async function collectResultFiles(files: readonly string[], dirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    const info = await stat(file).catch(() => null);
    if (!info) throw new CliError(`${file} does not exist`, { exitCode: EXIT.USAGE, code: 'USAGE', nextStep: 'pass result JSON files, or a directory with --dir' });
    if (info.isDirectory()) dirs = [...dirs, file];
    else found.push(file);
  }
  for (const dir of dirs) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
      throw new CliError(`cannot read directory ${dir}`, { exitCode: EXIT.USAGE, code: 'USAGE', nextStep: 'check the --dir path' });
    });
    found.push(...entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => path.join(dir, e.name)).sort());
  }
  if (found.length === 0) throw new CliError('no result JSON files to load', { exitCode: EXIT.USAGE, code: 'USAGE', nextStep: 'pass result files, or a directory of *.json with --dir' });
  return found;
}

/** Reads one result file and applies --provider/--price/--location (as the upstream loader does). */
export async function readResultFile(file: string, options: Pick<LoaderOptions, 'provider' | 'price' | 'location'>): Promise<BenchmarkSubmitParams> {
  let body: unknown;
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a result object');
  const result = { ...(body as Record<string, unknown>) } as BenchmarkSubmitParams;
  if (options.provider !== undefined) result.provider = options.provider;
  if (options.price !== undefined) result.price_per_hour = options.price;
  if (options.location !== undefined) result.location = options.location;
  return result;
}

/** Submits every file; a failed file is reported and the others still go in. */
export async function loadResults(client: GpuShopper, options: LoaderOptions, onFile: (loaded: LoadedFile) => void): Promise<LoadedFile[]> {
  const files = await collectResultFiles(options.files, options.dirs);
  const out: LoadedFile[] = [];
  for (const file of files) {
    const loaded: LoadedFile = { file, status: 'failed', benchmark_id: null, model: null, gpu: null, tokens_per_second: null, error: null, invalid: false };
    try {
      const body = await readResultFile(file, options);
      loaded.model = typeof body.model?.name === 'string' ? body.model.name : null;
      loaded.gpu = typeof body.hardware?.gpu_name === 'string' ? body.hardware.gpu_name : null;
      loaded.tokens_per_second = typeof body.results?.avg_tokens_per_second === 'number' ? body.results.avg_tokens_per_second : null;
      if (options.dryRun) {
        // The server's own check, storing nothing: valid here means the real load takes it.
        const checked = await client.benchmarks.validate(body);
        loaded.status = 'valid';
        loaded.gpu = checked.gpu_sku ?? checked.hardware.gpu_name;
        loaded.tokens_per_second = checked.results.avg_tokens_per_second;
      } else {
        // Same file + same overrides → same key: loading a directory twice stores each result once.
        const idempotencyKey = `benchmark-loader-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 48)}`;
        const stored = await client.benchmarks.submit(body, { idempotencyKey });
        loaded.status = 'submitted';
        loaded.benchmark_id = stored.id;
        loaded.gpu = stored.gpu_sku ?? stored.hardware.gpu_name;
        loaded.tokens_per_second = stored.results.avg_tokens_per_second;
      }
    } catch (error) {
      loaded.error = error instanceof Error ? error.message : String(error);
      loaded.invalid = !(error instanceof APIError) || error instanceof BadRequestError || error instanceof UnprocessableEntityError;
      // A server that cannot be reached or refuses the key fails every file: stop at the first.
      if (isFatal(error)) throw error;
    }
    out.push(loaded);
    onFile(loaded);
  }
  return out;
}

function isFatal(error: unknown): boolean {
  return error instanceof APIConnectionError || error instanceof AuthenticationError || error instanceof PermissionDeniedError;
}

export function renderLoaded(loaded: readonly LoadedFile[], dryRun: boolean): string {
  const rows = loaded.map((l) => [l.file, l.status, l.benchmark_id ?? '-', l.model ?? '-', l.gpu ?? '-', formatTps(l.tokens_per_second), l.error ?? '']);
  const ok = loaded.filter((l) => l.status !== 'failed').length;
  const verb = dryRun ? 'valid (dry run, nothing submitted)' : 'submitted';
  return `${renderTable(['FILE', 'STATUS', 'ID', 'MODEL', 'GPU', 'TPS', 'ERROR'], rows)}\n\nTotal: ${ok} of ${loaded.length} file${loaded.length === 1 ? '' : 's'} ${verb}`;
}

