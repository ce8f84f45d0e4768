/**
 * `pnpm bench`: the performance figures and growth curves, in one run on one machine, so every
 * figure is a ratio or count that holds on a noisy machine. Writes report/latest.json,
 * report/latest.md (the table the README shows) and one SVG chart per curve. Exit code 1 when a
 * figure or curve could not be measured (a missing prerequisite such as sshd is a failure, not a
 * gap); missed goals are in the report with their figures.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { startPostgresCluster, type PostgresCluster } from '@gpu-shopper/storage/postgres-cluster';

import { coldInventoryAggregation } from './figures/cold-inventory.js';
import { measure, type FigureOutcome } from './figures/measure.js';
import { provisioningOverhead } from './figures/provisioning-overhead.js';
import { readinessProbeRound } from './figures/readiness-probe.js';
import { reconciliationCalls } from './figures/reconciliation.js';
import { ServerBench } from './figures/server.js';
import { replicaThroughput } from './figures/replicas.js';
import { inventoryQueryCurve, postgresSessionCurve, sessionCurves, type Curve } from './growth/curves.js';
import { curveSvg } from './growth/svg.js';
import { formatMarkdown, formatTable, type Figure, type Report } from './report.js';

const REPORT_FILE = path.resolve(import.meta.dirname, '../report/latest.json');
const log = (line: string): void => console.error(line);

const SPECS = {
  1: { id: 1, name: 'cached inventory query throughput / bare Express (same bytes; lowest of none/gzip/br)', unit: '×', goal: '≥ 0.8' },
  2: { id: 2, name: 'cold inventory aggregation / slowest provider (400/300/200 ms, 100 Mbit/s)', unit: '×', goal: '≤ 1.02' },
  3: { id: 3, name: 'provider calls per reconciliation pass, 1,000 live sessions', unit: 'calls', goal: '1 call per listing page (Vast: 25 instances a page) + 1 per discrepancy' },
  4: { id: 4, name: 'server-side CPU time per provisioning (median)', unit: 'ms', goal: '≤ 6.25 (half of 12.5)' },
  5: { id: 5, name: 'readiness probe round / one OpenSSH client connect + true, same loopback sshd', unit: '×', goal: '≤ 1.5' },
  6: { id: 6, name: '200 concurrent creations: time until all running / floor of the vendors\' rate limits and boot', unit: '×', goal: '≤ 1.2, all answered, 0 duplicates' },
  7: { id: 7, name: 'server RSS with the offer cache and 1,000 live sessions', unit: 'MB', goal: null },
  8: { id: 8, name: 'CLI wall time: worse of --version / node -e 0 and inventory -o json / bare fetch', unit: '×', goal: '≤ 1.5 each' },
  9: { id: 9, name: 'provisioning throughput, 3 replicas / 1 replica on one PostgreSQL (100 creations until all running)', unit: '×', goal: null },
} as const;

async function main(): Promise<void> {
  const startedAt = new Date();
  const start = performance.now();
  const figures: Figure[] = [];
  // `--only 1,8` measures a subset while working on one figure; the report file is then left alone.
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg === -1 ? null : new Set((process.argv[onlyArg + 1] ?? '').split(',').map(Number));
  const run = async (id: keyof typeof SPECS, work: () => Promise<FigureOutcome>): Promise<void> => {
    if (only && !only.has(id)) return;
    figures.push(await measure(SPECS[id], work, log));
  };

  // In-process figures first, each with its own simulator, while the machine is otherwise idle.
  await run(5, readinessProbeRound);
  await run(2, coldInventoryAggregation);
  await run(3, reconciliationCalls);
  await run(4, provisioningOverhead);

  // Then the built server process, shared by 1, 8, 6 and 7 (7 last: it reads what 6 left live).
  let bench: ServerBench | null = null;
  let startError: string | null = null;
  try {
    if (!only || [1, 6, 7, 8].some((id) => only.has(id))) {
      log('starting the built server (simulator with 10,000 listings, 800 seeded live sessions)…');
      bench = await ServerBench.start();
    }
  } catch (error) {
    startError = `the server could not be started: ${error instanceof Error ? error.message : String(error)}`;
  }
  const withServer = (work: (b: ServerBench) => Promise<FigureOutcome>) => (): Promise<FigureOutcome> => {
    if (!bench) throw new Error(startError ?? 'no server');
    return work(bench);
  };
  try {
    await run(1, withServer((b) => b.cachedQueryThroughput()));
    await run(8, withServer((b) => b.cliWallTime()));
    await run(6, withServer((b) => b.concurrentCreations()));
    await run(7, withServer((b) => b.memory()));
  } finally {
    await bench?.stop();
  }

  // PostgreSQL: a throwaway cluster for figure 9 and the PostgreSQL curve. Not installed is a
  // failure of both, never a gap (docs: apt-get install postgresql).
  const wantsPostgres = !only || only.has(9) || only.has(0);
  let cluster: PostgresCluster | null = null;
  let clusterError: string | null = null;
  if (wantsPostgres) {
    try {
      log('starting a throwaway PostgreSQL cluster…');
      cluster = await startPostgresCluster();
    } catch (error) {
      clusterError = `PostgreSQL could not be started: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const withCluster = <T>(work: (c: PostgresCluster) => Promise<T>) => (): Promise<T> => {
    if (!cluster) throw new Error(clusterError ?? 'no PostgreSQL');
    return work(cluster);
  };

  // Growth curves: how cost grows with the work, each drawn as an SVG chart beside its table.
  const curves: Curve[] = [];
  const curveErrors: string[] = [];
  try {
    await run(9, withCluster(replicaThroughput));
    if (!only || only.has(0)) {
      for (const [name, work] of [
        ['inventory query vs catalogue size', async () => [await inventoryQueryCurve()]],
        ['tick, pass and RSS vs live sessions', async () => Object.values(await sessionCurves())],
        ['tick and pass vs live sessions on PostgreSQL', async () => [await withCluster(postgresSessionCurve)()]],
      ] as const) {
        const start = performance.now();
        log(`[curves] ${name}…`);
        try {
          curves.push(...(await work()));
          log(`[curves] ${name} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
        } catch (error) {
          curveErrors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
          log(`[curves] ${name} failed: ${curveErrors[curveErrors.length - 1] ?? ''}`);
        }
      }
    }
  } finally {
    await cluster?.stop();
  }

  figures.sort((a, b) => a.id - b.id);
  const cpus = os.cpus();
  const report: Report = {
    suite: '@gpu-shopper/perf',
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - start),
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    figures,
    curves,
    curveErrors,
  };
  const reportDir = path.dirname(REPORT_FILE);
  await mkdir(reportDir, { recursive: true });
  for (const curve of curves) await writeFile(path.join(reportDir, `${curve.id}.svg`), curveSvg(curve));
  const written = only ? path.join(reportDir, 'partial.json') : REPORT_FILE;
  if (only) await writeFile(written, `${JSON.stringify(report, null, 2)}\n`);
  else {
    await writeFile(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(reportDir, 'latest.md'), formatMarkdown(report));
    await updateReadme(formatMarkdown(report, 'tests/perf/report'));
  }
  console.log(formatTable(report));
  console.log(`\nreport: ${path.relative(process.cwd(), written)}`);
  // A curve that could not be measured fails the run: the suite measures everything or says it could not.
  if (curveErrors.length > 0 || figures.some((f) => f.status === 'not_measured')) process.exitCode = 1;
}

const README_FILE = path.resolve(import.meta.dirname, '../../../README.md');
const START = '<!-- bench:latest:start -->';
const END = '<!-- bench:latest:end -->';

/** The root README's performance section shows the latest table and charts: replaced between its markers. */
async function updateReadme(markdown: string): Promise<void> {
  const readme = await readFile(README_FILE, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from === -1 || to < from) throw new Error(`README.md has no ${START} … ${END} section to update`);
  await writeFile(README_FILE, `${readme.slice(0, from + START.length)}\n${markdown}${readme.slice(to)}`);
}

main().catch((error: unknown) => {
  console.error('the benchmark suite failed:', error);
  process.exitCode = 1;
});
