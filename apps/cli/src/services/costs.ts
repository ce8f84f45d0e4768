import type { CostListParams, CostSummary, GpuShopper } from '@gpu-shopper/client';

import { formatCost, formatUsd, renderTable } from '../output.js';

export interface CostOptions {
  readonly consumer?: string | undefined;
  readonly session?: string | undefined;
  readonly period?: 'daily' | 'monthly' | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
}

function query(options: CostOptions): CostListParams {
  const q: CostListParams = {};
  if (options.consumer) q.consumer_id = options.consumer;
  if (options.session) q.session_id = options.session;
  if (options.period) q.period = options.period;
  if (options.start) q.start = options.start;
  if (options.end) q.end = options.end;
  return q;
}

export async function getCosts(client: GpuShopper, options: CostOptions): Promise<CostSummary> {
  return client.costs.list(query(options));
}

/** This calendar month (UTC), by day. */
export async function getMonthlySummary(client: GpuShopper, options: Pick<CostOptions, 'consumer'>): Promise<CostSummary> {
  return client.costs.summary(query(options));
}

function breakdown(title: string, entries: [string, number][]): string[] {
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([key]) => key.length)) + 2;
  return ['', `${title}:`, ...entries.sort((a, b) => b[1] - a[1]).map(([key, cost]) => `  ${key.padEnd(width)}${formatCost(cost)}`)];
}

/** The "Cost Summary" view of SEED.md, plus the range, scope and period breakdown when asked. */
export function renderCosts(summary: CostSummary, title = 'Cost Summary'): string {
  const scope: string[] = [];
  if (summary.consumer_id) scope.push(`Consumer:   ${summary.consumer_id}`);
  if (summary.start || summary.end) scope.push(`Range:      ${summary.start ?? '…'} to ${summary.end ?? '…'} (UTC)`);
  const lines = [
    title,
    '='.repeat(title.length),
    ...scope,
    `Total Cost: ${formatCost(summary.total_cost)}`,
    `Sessions:   ${summary.session_count}`,
    `Hours Used: ${Number(summary.hours_used.toFixed(2))}`,
    // Running sessions are counted up to now; say which part the ledger has not recorded yet.
    ...(summary.accruing_sessions > 0
      ? [`Accruing:   ${formatCost(summary.accruing_cost)} of it from ${summary.accruing_sessions} running session${summary.accruing_sessions === 1 ? '' : 's'} (up to now)`]
      : []),
    ...breakdown('By Provider', Object.entries(summary.by_provider)),
    ...breakdown('By GPU Type', Object.entries(summary.by_gpu_type)),
  ];
  if (summary.spot_instances.length > 0) lines.push(...spotLines(summary));
  if (summary.by_period.length > 0) {
    const width = Math.max(...summary.by_period.map((p) => p.period.length)) + 2;
    lines.push('', 'By Period:', ...summary.by_period.map((p) => `  ${p.period.padEnd(width)}${formatCost(p.cost)}`));
  }
  return lines.join('\n');
}

function lifetime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Spot savings against the on-demand price of the same GPU recorded at rental time, and each spot instance. */
function spotLines(summary: CostSummary): string[] {
  const rows = summary.spot_instances.map((i) => [
    i.session_id,
    i.provider_instance_id ?? '-',
    i.gpu_type,
    i.bid === null ? '-' : formatUsd(i.bid, 3),
    i.on_demand_price === null ? '-' : formatUsd(i.on_demand_price, 3),
    lifetime(i.lifetime_seconds),
    formatCost(i.cost),
    i.saving_micros === null ? '-' : formatCost(i.saving_micros / 1_000_000),
  ]);
  return [
    '',
    `Spot Savings: ${formatCost(summary.spot_saving)} (spot ${formatCost(summary.spot_cost)} against ${formatCost(summary.spot_on_demand_cost)} on-demand for the same GPUs)`,
    '',
    'Spot Instances:',
    ...renderTable(['SESSION', 'INSTANCE', 'GPU', 'BID/H', 'ON-DEMAND/H', 'LIFETIME', 'COST', 'SAVED'], rows)
      .split('\n')
      .map((line) => `  ${line}`),
  ];
}
