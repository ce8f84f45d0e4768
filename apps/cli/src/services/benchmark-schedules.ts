import type { BenchmarkRunCreateParams, BenchmarkRunRequest, BenchmarkSchedule, Provider } from '@gpu-shopper/client';

import { formatTime, formatUsd, renderFields, renderTable } from '../output.js';

/** The run template flags of `schedules create` / `update`, as parsed. */
export interface TemplateFlags {
  readonly model?: readonly string[] | undefined;
  readonly gpu?: readonly string[] | undefined;
  readonly provider?: readonly Provider[] | undefined;
  readonly maxBudget?: number | undefined;
  readonly location?: string | undefined;
  readonly consumer?: string | undefined;
  readonly attempts?: number | undefined;
  readonly duration?: number | undefined;
}

export function hasTemplateFlags(flags: TemplateFlags): boolean {
  return Object.values(flags).some((v) => v !== undefined);
}

/**
 * The run template to send: the flags given, over `base` (an existing schedule's template, for
 * `update`: changing one flag keeps the others).
 */
export function runTemplate(flags: TemplateFlags, base?: BenchmarkRunRequest): BenchmarkRunCreateParams {
  const models = flags.model ?? base?.models ?? [];
  return {
    models: [...models],
    ...((flags.gpu ?? base?.gpu_types) ? { gpu_types: [...(flags.gpu ?? base?.gpu_types ?? [])] } : {}),
    ...((flags.provider ?? base?.providers) ? { providers: [...((flags.provider ?? base?.providers ?? []) as Provider[])] } : {}),
    ...(flags.maxBudget !== undefined ? { max_budget: flags.maxBudget } : base && base.max_budget !== null ? { max_budget: base.max_budget } : {}),
    ...(flags.location !== undefined ? { location: flags.location } : base?.location ? { location: base.location } : {}),
    ...((flags.consumer ?? base?.consumer_id) ? { consumer_id: flags.consumer ?? base?.consumer_id } : {}),
    ...((flags.attempts ?? base?.max_attempts_per_entry) ? { max_attempts_per_entry: flags.attempts ?? base?.max_attempts_per_entry } : {}),
    ...((flags.duration ?? base?.duration_seconds) ? { duration_seconds: flags.duration ?? base?.duration_seconds } : {}),
  };
}

const list = (values: readonly string[]): string => (values.length > 0 ? values.join(', ') : 'all');

/** `ID NAME CRON TZ ENABLED NEXT RUN LAST RUN MODELS`, then `Total: N schedules`. */
export function renderSchedules(schedules: readonly BenchmarkSchedule[]): string {
  if (schedules.length === 0) return 'No benchmark schedules.';
  const rows = schedules.map((s) => [
    s.id,
    s.name,
    s.cron_expression,
    s.timezone,
    s.enabled ? 'yes' : 'no',
    formatTime(s.next_run_at, 'minutes'),
    s.last_run_id ?? '-',
    s.run_template.models.join(','),
  ]);
  return `${renderTable(['ID', 'NAME', 'CRON', 'TZ', 'ENABLED', 'NEXT RUN', 'LAST RUN', 'MODELS'], rows)}\n\nTotal: ${schedules.length} schedule${schedules.length === 1 ? '' : 's'}`;
}

/** One schedule, key by value, with its run template. */
export function renderSchedule(s: BenchmarkSchedule): string {
  const t = s.run_template;
  return renderFields([
    ['Schedule ID', s.id],
    ['Name', s.name],
    ['Cron', `${s.cron_expression} (${s.timezone})`],
    ['Enabled', s.enabled ? 'yes' : 'no'],
    ['Next Run', formatTime(s.next_run_at)],
    ['Last Run', s.last_run_id ? `${s.last_run_id} at ${formatTime(s.last_run_at)}` : '-'],
    ...(s.last_skip_reason ? ([['Last Skip', s.last_skip_reason]] as [string, string][]) : []),
    ['Models', t.models.join(', ')],
    ['GPU Types', list(t.gpu_types)],
    ['Providers', list(t.providers)],
    ['Max Budget', t.max_budget === null ? 'none' : formatUsd(t.max_budget)],
    ['Location', t.location ?? 'any'],
    ['Consumer', t.consumer_id],
    ['Attempts', String(t.max_attempts_per_entry)],
    ['Duration', `${t.duration_seconds}s`],
  ]);
}
