import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { type BenchmarkListResponse, type RankedBenchmark, type Recommendations } from '@gpu-shopper/client';

import { useCliWorld } from './test-support/cli-world.js';
import { jsonOf, type CliResult } from './test-support/run-cli.js';

const ADMIN_TOKEN = 'cli-bench-admin-token-0123456789abcdef';

const BENCHMARK_COMMANDS = [
  'recommend',
  'benchmarks list',
  'benchmarks get',
  'benchmarks best',
  'benchmarks cheapest',
  'benchmarks compare',
  'benchmarks run',
  'benchmarks runs list',
  'benchmarks runs get',
  'benchmarks runs cancel',
  'benchmarks schedules list',
  'benchmarks schedules create',
  'benchmarks schedules get',
  'benchmarks schedules update',
  'benchmarks schedules delete',
  'benchmark-loader',
];

/** A result JSON as the on-node script writes it (the fields the server requires, and a few more). */
const resultFile = (gpuName: string, tps: number): Record<string, unknown> => ({
  timestamp: '2026-11-20T10:00:00Z',
  hardware: { gpu_name: gpuName, gpu_count: 1 },
  model: { name: 'llama3.1:8b', runtime: 'ollama' },
  results: { avg_tokens_per_second: tps, total_requests: 40 },
});

/** The benchmark commands of the built binary against the built server in simulate mode (published seed data, live simulator offers). */
describe('gpu-shopper benchmark commands (built binary, simulate mode)', () => {
  const world = useCliWorld('bench', ADMIN_TOKEN);
  const cli = (args: string[]): Promise<CliResult> => world().cli(args);
  const json = jsonOf;

  it('every benchmark command has help with examples', async () => {
    for (const command of BENCHMARK_COMMANDS) {
      const result = await cli([...command.split(' '), '--help']);
      expect({ command, code: result.code }).toEqual({ command, code: 0 });
      expect(result.stdout).toContain('EXAMPLES');
      expect(result.stdout).toContain(`$ gpu-shopper ${command}`);
    }
    const topic = await cli(['benchmarks', '--help']);
    expect(topic.stdout).toMatch(/benchmarks best/);
    expect(topic.stdout).toMatch(/benchmarks runs/);
  });

  it('recommend -o json ranks live offers by estimated $/M tokens with evidence, and lists unmeasured GPUs without a guess', async () => {
    const answer = json<Recommendations>(await cli(['recommend', '--model', 'llama3.1:8b', '-o', 'json']));
    const live = new Set((await world().admin.inventory.list({})).offers.map((o) => o.id));
    expect(answer.model).toBe('llama3.1:8b');
    const ranked = answer.recommendations.filter((r) => r.status === 'recommended');
    const unmeasured = answer.recommendations.filter((r) => r.status === 'unmeasured');
    expect(ranked.length).toBeGreaterThan(0);
    expect(unmeasured.length).toBeGreaterThan(0);
    for (const r of answer.recommendations) expect(live.has(r.offer.id)).toBe(true);
    // Ranked by estimate, each estimate = price / (tps × 3600) × 1e6 and backed by evidence.
    const costs = ranked.map((r) => r.estimated_cost_per_million_tokens ?? Number.NaN);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    for (const r of ranked) {
      expect(r.estimated_cost_per_million_tokens).toBeCloseTo((r.offer.price_per_hour / ((r.expected_tokens_per_second ?? 0) * 3600)) * 1e6, 9);
      expect(r.evidence?.sample_count).toBeGreaterThan(0);
      expect(['provider', 'sku']).toContain(r.evidence?.scope);
      expect(r.evidence?.age_days).not.toBeNull();
    }
    for (const r of unmeasured) {
      expect(r.expected_tokens_per_second).toBeNull();
      expect(r.estimated_cost_per_million_tokens).toBeNull();
      expect(r.evidence).toBeNull();
    }
    expect(answer.counts).toEqual({ recommended: ranked.length, below_min_tps: 0, unmeasured: unmeasured.length });
  });

  it('recommend (table) shows the ranking with its evidence, then the unmeasured offers', async () => {
    const result = await cli(['recommend', '-m', 'llama3.1:8b']);
    expect(result.code).toBe(0);
    const [rankedPart, unmeasuredPart] = result.stdout.split(/Unmeasured \(no benchmark of llama3\.1:8b/);
    expect(rankedPart).toMatch(/^RANK\s+OFFER\s+PROVIDER\s+GPU\s+COUNT\s+PRICE\/HR\s+EST TPS\s+\$\/MTOK\s+SAMPLES\s+AGE\s+SCOPE/m);
    expect(rankedPart).toMatch(/^1\s+\S+\s+vastai\s+RTX 3090\s+1\s+\$0\.\d{3}\s+144\.8\s+\$0\.1\d\d\s+1\s+\d+d\s+provider \(vastai\)/m);
    expect(unmeasuredPart).toMatch(/RTX 3080/);
    expect(result.stdout).toMatch(/Total: \d+ recommended, 0 below min TPS, \d+ unmeasured/);
  });

  it('benchmarks list shows the stored results (table and JSON)', async () => {
    const page = json<BenchmarkListResponse>(await cli(['benchmarks', 'list', '-m', 'llama3.1:8b', '-o', 'json']));
    expect(page.count).toBeGreaterThan(0);
    expect(page.benchmarks.every((b) => b.model.name === 'llama3.1:8b')).toBe(true);
    const table = await cli(['benchmarks', 'list', '-m', 'llama3.1:8b', '-g', 'RTX3090', '-p', 'vastai']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+MODEL\s+GPU\s+PROVIDER\s+TPS\s+PRICE\/HR\s+\$\/MTOK\s+SOURCE\s+MEASURED/m);
    expect(table.stdout).toMatch(/^bmr_\S+\s+llama3\.1:8b\s+RTX 3090\s+vastai\s+144\.8\s+\$0\.076\s+\$0\.146\s+published/m);
    const one = json<{ id: string }>(await cli(['benchmarks', 'get', page.benchmarks[0]?.id ?? '', '-o', 'json']));
    expect(one.id).toBe(page.benchmarks[0]?.id);
  });

  it('benchmarks best and cheapest pick the fastest and the cheapest per token, with evidence', async () => {
    const best = json<RankedBenchmark>(await cli(['benchmarks', 'best', '-m', 'llama3.1:8b', '-o', 'json']));
    const sdkBest = await world().admin.benchmarks.best({ model: 'llama3.1:8b' });
    expect({ gpu: best.gpu, provider: best.provider }).toEqual({ gpu: sdkBest.gpu, provider: sdkBest.provider });
    const compare = await world().admin.benchmarks.compare({ model: 'llama3.1:8b' });
    for (const row of compare.comparisons) expect(best.median_tokens_per_second).toBeGreaterThanOrEqual(row.median_tokens_per_second);
    const table = await cli(['benchmarks', 'best', '-m', 'llama3.1:8b']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`GPU:               ${best.gpu}`);
    expect(table.stdout).toMatch(/Evidence:\s+\d+ samples? \(of \d+\), newest \d{4}-\d\d-\d\d \d\d:\d\d, age \d+d, published/);

    const cheapest = json<RankedBenchmark>(await cli(['benchmarks', 'cheapest', '-m', 'llama3.1:8b', '-o', 'json']));
    for (const row of compare.comparisons) if (row.cost_per_million_tokens !== null) expect(cheapest.cost_per_million_tokens).toBeLessThanOrEqual(row.cost_per_million_tokens);

    const missing = await cli(['benchmarks', 'best', '-m', 'no-such-model:1b']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^Error: .*no-such-model/);
  });

  it('benchmarks compare shows every group against the baseline', async () => {
    const result = await cli(['benchmarks', 'compare', '-m', 'llama3.1:8b']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Baseline: /m);
    expect(result.stdout).toMatch(/1\.00x.*baseline$/m);
    expect(result.stdout).toMatch(/^RTX 3090\s+vastai\s+144\.8\s+0\.\d\dx/m);
  });

  it('benchmark-loader submits result files (once per file content) and reports a rejected file with exit 2', async () => {
    const dir = path.join(world().work, 'results');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(path.join(dir, 'benchmark_a.json'), JSON.stringify(resultFile('NVIDIA GeForce RTX 3080', 120.5)));
    const before = await world().admin.benchmarks.list({ model: 'llama3.1:8b', gpu: 'RTX3080' });
    expect(before.count).toBe(0);

    const loaded = json<{ files: { status: string; benchmark_id: string }[]; submitted: number; failed: number }>(
      await cli(['benchmark-loader', '--dir', dir, '--provider', 'vastai', '--price', '0.10', '--location', 'US', '-o', 'json']),
    );
    expect(loaded).toMatchObject({ submitted: 1, failed: 0 });
    const stored = await world().admin.benchmarks.get(loaded.files[0]?.benchmark_id ?? '');
    expect(stored).toMatchObject({ source: 'submitted', gpu_sku: 'RTX 3080', provider: 'vastai', location: 'US', price_per_hour: 0.1 });
    expect(stored.results.avg_tokens_per_second).toBe(120.5);

    // The same files again: stored once (the idempotency key is the content's).
    const again = await cli(['benchmark-loader', '--dir', dir, '--provider', 'vastai', '--price', '0.10', '--location', 'US']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Total: 1 of 1 file submitted/);
    expect((await world().admin.benchmarks.list({ model: 'llama3.1:8b', gpu: 'RTX3080' })).count).toBe(1);

    // The submitted result now measures the RTX 3080: recommend estimates it instead of listing it unmeasured.
    const rec = json<Recommendations>(await cli(['recommend', '-m', 'llama3.1:8b', '-g', 'RTX3080', '-o', 'json']));
    expect(rec.recommendations.length).toBeGreaterThan(0);
    expect(rec.recommendations.every((r) => r.status === 'recommended' && r.expected_tokens_per_second === 120.5)).toBe(true);

    await writeFile(path.join(dir, 'benchmark_b.json'), JSON.stringify({ timestamp: 'yesterday' }));
    const bad = await cli(['benchmark-loader', path.join(dir, 'benchmark_b.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/benchmark_b\.json\s+failed/);
    expect(bad.stderr).toMatch(/VALIDATION_FAILED/);

    const none = await cli(['benchmark-loader', path.join(dir, 'missing.json')]);
    expect(none.code).toBe(2);
  });

  it('benchmarks schedules create, list, get, update and delete (table and JSON)', async () => {
    const created = json<{ id: string; name: string; cron_expression: string; enabled: boolean; run_template: { models: string[]; gpu_types: string[]; providers: string[]; max_budget: number } }>(
      await cli(['benchmarks', 'schedules', 'create', '--name', 'nightly', '--cron', '0 3 * * *', '-m', 'llama3.1:8b', '-m', 'qwen2:7b', '-g', 'RTX 4090', '-p', 'vastai', '--max-budget', '1', '-o', 'json']),
    );
    expect(created).toMatchObject({ name: 'nightly', cron_expression: '0 3 * * *', enabled: true, run_template: { models: ['llama3.1:8b', 'qwen2:7b'], gpu_types: ['RTX 4090'], providers: ['vastai'], max_budget: 1 } });

    const table = await cli(['benchmarks', 'schedules', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+CRON\s+TZ\s+ENABLED\s+NEXT RUN\s+LAST RUN\s+MODELS\n/);
    expect(table.stdout).toMatch(new RegExp(`${created.id}\\s+nightly\\s+0 3 \\* \\* \\*\\s+UTC\\s+yes`));

    const got = await cli(['benchmarks', 'schedules', 'get', created.id]);
    expect(got.stdout).toMatch(/Models:\s+llama3\.1:8b, qwen2:7b\n/);

    // Changing one template flag keeps the rest of the template.
    const updated = json<{ enabled: boolean; cron_expression: string; run_template: { models: string[]; gpu_types: string[]; max_budget: number } }>(
      await cli(['benchmarks', 'schedules', 'update', created.id, '--disable', '--cron', '30 4 * * *', '-g', 'RTX 5090', '-o', 'json']),
    );
    expect(updated).toMatchObject({ enabled: false, cron_expression: '30 4 * * *', run_template: { models: ['llama3.1:8b', 'qwen2:7b'], gpu_types: ['RTX 5090'], max_budget: 1 } });
    expect((await cli(['benchmarks', 'schedules', 'update', created.id])).code).toBe(2);

    const deleted = await cli(['benchmarks', 'schedules', 'delete', created.id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `Benchmark schedule ${created.id} deleted.\n` });
    expect((await cli(['benchmarks', 'schedules', 'get', created.id])).code).toBe(3);
  });

  it('benchmark-loader --dry-run checks each file as the real load does, and stores nothing', async () => {
    const dir = path.join(world().work, 'dry');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(path.join(dir, 'good.json'), JSON.stringify(resultFile('NVIDIA GeForce RTX 2080 Ti', 80)));
    // Well-formed JSON with the fields a quick look checks, but a throughput the server rejects.
    await writeFile(path.join(dir, 'negative.json'), JSON.stringify(resultFile('NVIDIA GeForce RTX 2080 Ti', -5)));
    const dry = await cli(['benchmark-loader', '--dir', dir, '--dry-run', '-o', 'json']);
    expect(dry.code).toBe(2);
    const body = JSON.parse(dry.stdout) as { files: { file: string; status: string; gpu: string | null; error: string | null }[] };
    expect(body.files.map((f) => [path.basename(f.file), f.status])).toEqual([
      ['good.json', 'valid'],
      ['negative.json', 'failed'],
    ]);
    expect(body.files[0]?.gpu).toBe('RTX 2080 Ti');
    expect(body.files[1]?.error).toMatch(/avg_tokens_per_second/);
    // The real load agrees, file for file.
    expect((await cli(['benchmark-loader', path.join(dir, 'negative.json')])).code).toBe(2);
    expect((await world().admin.benchmarks.list({ gpu: 'RTX2080Ti' })).count).toBe(0);
  });

  it('benchmarks run --wait provisions, benchmarks and stores a result; runs list/get show it', async () => {
    const result = await cli(['benchmarks', 'run', '-m', 'llama3.1:8b', '-g', 'RTX 3090', '-p', 'vastai', '--duration', '10s', '--max-budget', '1', '--wait', '--interval', '1s', '-o', 'json']);
    const run = json<{ id: string; status: string; succeeded: number; entries: { result_id: string | null }[] }>(result);
    expect(run).toMatchObject({ status: 'completed', succeeded: 1 });
    expect(result.stderr).toMatch(/Benchmark run \S+ started \(1 entries\)/);
    expect(result.stderr).toMatch(/completed: 1 succeeded/);
    const resultId = run.entries[0]?.result_id ?? '';
    expect((await world().admin.benchmarks.get(resultId)).source).toBe('measured');

    const list = await cli(['benchmarks', 'runs', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${run.id}\\s+completed\\s+llama3\\.1:8b\\s+1/1`, 'm'));
    const got = await cli(['benchmarks', 'runs', 'get', run.id]);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(new RegExp(`llama3\\.1:8b\\s+RTX 3090\\s+vastai\\s+succeeded\\s+1\\s+${resultId}`));
    expect((await cli(['benchmarks', 'runs', 'get', 'bch_nope'])).code).toBe(3);
  });
});
