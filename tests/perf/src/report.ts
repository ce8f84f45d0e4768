import { type Curve } from './growth/curves.js';
import { curveTable } from './growth/svg.js';

/** One figure of issue 9's performance section, as written to report/latest.json. */
export interface Figure {
  readonly id: number;
  readonly name: string;
  /** `measured`, or `not_measured` with the reason (never a made-up number). */
  readonly status: 'measured' | 'not_measured';
  /** The headline value (a ratio, a count or milliseconds), null when not measured. */
  readonly value: number | null;
  readonly unit: string;
  /** The goal in words, and whether this run met it (null when the issue sets no goal). */
  readonly goal: string | null;
  readonly goalMet: boolean | null;
  /** min/median/max of the rounds behind the value (null for a single count). */
  readonly spread: { readonly min: number; readonly median: number; readonly max: number; readonly n: number } | null;
  /** Everything the value was computed from, so a reader can check the arithmetic. */
  readonly details: Record<string, unknown>;
  readonly notes: string[];
  readonly reason?: string;
  readonly durationMs: number;
}

export interface Report {
  readonly suite: '@gpu-shopper/perf';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: { readonly node: string; readonly platform: string; readonly cpus: number; readonly cpuModel: string; readonly memoryGb: number };
  readonly figures: Figure[];
  readonly curves: Curve[];
  /** Curves that could not be measured: the run then fails (exit code 1). */
  readonly curveErrors: string[];
}

function formatValue(figure: Figure): string {
  if (figure.status === 'not_measured' || figure.value === null) return 'not measured';
  return `${figure.value} ${figure.unit}`.trim();
}

function verdict(figure: Figure): string {
  if (figure.goalMet === null) return figure.status === 'measured' ? 'no goal' : '-';
  return figure.goalMet ? 'met' : 'MISSED';
}

/** The readable table: one line per figure, then the notes, so a terminal shows the whole run. */
export function formatTable(report: Report): string {
  const rows = report.figures.map((f) => [String(f.id), f.name, formatValue(f), f.goal ?? '-', verdict(f), `${(f.durationMs / 1000).toFixed(1)} s`]);
  const header = ['#', 'figure', 'value', 'goal', 'verdict', 'took'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  for (const f of report.figures) {
    const notes = [...(f.reason ? [`not measured: ${f.reason}`] : []), ...f.notes];
    for (const note of notes) out.push(`  [${f.id}] ${note}`);
  }
  out.push('', `total ${(report.durationMs / 1000).toFixed(1)} s on ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}`);
  return out.join('\n');
}

const spreadText = (f: Figure): string => (f.spread ? `${f.spread.min} / ${f.spread.median} / ${f.spread.max} (${f.spread.n})` : '–');

/** report/latest.md: the figure table, then each curve's table and chart, for the README to show. */
export function formatMarkdown(report: Report, chartDir = '.'): string {
  const m = report.machine;
  const out = [
    `Run ${report.startedAt} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ${(report.durationMs / 1000).toFixed(0)} s.`,
    '',
    '| # | Figure | Value | Spread (min / median / max, rounds) | Goal | Verdict |',
    '| --- | --- | ---: | --- | --- | --- |',
    ...report.figures.map((f) => `| ${f.id} | ${f.name} | ${formatValue(f)} | ${spreadText(f)} | ${f.goal ?? '–'} | ${verdict(f)} |`),
    '',
  ];
  for (const c of report.curves) {
    out.push(`#### ${c.title}`, '', `![${c.title}](${chartDir}/${c.id}.svg)`, '', curveTable(c), '', ...c.notes.map((n) => `- ${n}`), '');
  }
  for (const e of report.curveErrors) out.push(`- curve not measured: ${e}`);
  return `${out.join('\n').trimEnd()}\n`;
}
