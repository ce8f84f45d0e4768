/**
 * US dollars: cents from $1, a tenth of a cent below (hourly prices), and four decimals under a cent,
 * so a cost that has just started accruing is seen to move.
 */
export function money(value: number): string {
  const size = Math.abs(value);
  const digits = size === 0 || size >= 1 ? 2 : size < 0.01 ? 4 : 3;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** "2h 05m", "4m 09s", "0s": a duration in milliseconds, clamped at zero. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}
