/**
 * Writing results and messages. stdout carries only the result (a table, a summary, or JSON under
 * `-o json`); progress, warnings and errors go to stderr, so `gpu-shopper … -o json | jq` always
 * reads clean JSON.
 */

/** The two formats of `-o/--output`. */
export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where a command writes; tests and services get it passed in rather than touching `process`. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  err: (text) => {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
};

/** Pretty JSON, two-space indent, with a trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Columns aligned with two spaces between them (like Go's tabwriter, as SEED.md shows them).
 * `rule: true` adds a dashed line under the header (the `cleanup-orphans` layout).
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], options: { rule?: boolean } = {}): string {
  const all = [headers, ...(options.rule ? [headers.map((h) => '-'.repeat(h.length))] : []), ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** `$0.42`; `digits` 3 for the per-instance prices of `cleanup-orphans`. */
export function formatUsd(amount: number, digits = 2): string {
  return `$${amount.toFixed(digits)}`;
}

/**
 * A cost: cents as usual (`$1.25`), but an amount below one cent keeps two significant digits
 * (`$0.0011`), so a session that just started never shows as `$0.00`.
 */
export function formatCost(amount: number): string {
  if (amount === 0 || Math.abs(amount) >= 0.01) return formatUsd(amount);
  const digits = Math.min(6, 1 - Math.floor(Math.log10(Math.abs(amount))));
  return `$${amount.toFixed(digits)}`;
}

/** `2026-02-02 18:00:00` in UTC (the layout of SEED.md); `-` for none. */
export function formatTime(iso: string | null | undefined, precision: 'seconds' | 'minutes' = 'seconds'): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString().replace('T', ' ');
  return precision === 'seconds' ? text.slice(0, 19) : text.slice(0, 16);
}

/** `1.2 MB` for progress and summaries. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}

/** `key: value` lines with the values aligned, as `sessions get` shows them. */
export function renderFields(fields: readonly (readonly [string, string])[], options: { indent?: string; gap?: number } = {}): string {
  const { indent = '', gap = 1 } = options;
  const width = Math.max(...fields.map(([key]) => key.length + 1));
  return fields.map(([key, value]) => `${indent}${`${key}:`.padEnd(width + gap)}${value}`).join('\n');
}
