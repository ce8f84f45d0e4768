import { type ProviderHealth, type ProviderHealthResponse } from '@gpu-shopper/client';
import { diagnoseProviders, diagnosisReport, type ProviderCredentials, type ProviderDiagnosis } from '@gpu-shopper/providers';

import { type Io } from '../output.js';

export const DOCTOR_PROVIDERS = ['vastai', 'tensordock', 'bluelobster'] as const;
export type DoctorProvider = (typeof DOCTOR_PROVIDERS)[number];

/** The same shape as `GET /api/v1/providers/health`, so a report reads the same wherever it ran. */
export function toReport(diagnoses: readonly ProviderDiagnosis[], checkedAt: Date): ProviderHealthResponse {
  return {
    checked_at: checkedAt.toISOString(),
    providers: diagnoses.map((d): ProviderHealth => diagnosisReport(d)),
  };
}

/** Runs the read-only checks directly at the providers, with the keys from the environment. */
export async function runLocalDoctor(
  credentials: ProviderCredentials,
  only: DoctorProvider | undefined,
  options: { timeoutMs: number; recordDir?: string | undefined },
): Promise<ProviderHealthResponse> {
  const selected: ProviderCredentials = only ? { [only]: credentials[only] } : credentials;
  const checkedAt = new Date();
  const diagnoses = await diagnoseProviders(selected, { timeoutMs: options.timeoutMs, ...(options.recordDir ? { recordDir: options.recordDir } : {}) });
  return toReport(diagnoses, checkedAt);
}

const yesNo = (value: boolean | null): string => (value === null ? 'unknown' : value ? 'yes' : 'no');
const counts = (items: readonly { reason: string; count: number }[]): string => (items.length === 0 ? 'none' : items.map((i) => `${i.count} × ${i.reason}`).join('; '));

/** The report for people: one block per provider, everything a bug report needs. */
export function renderReport(report: ProviderHealthResponse): string {
  const lines = [`Provider check at ${report.checked_at} (read-only: nothing was rented)`, ''];
  for (const p of report.providers) {
    lines.push(`${p.provider}: ${p.ok ? 'OK' : `FAILED — ${p.error ?? 'unknown error'}`}`);
    const row = (name: string, value: string) => lines.push(`  ${name.padEnd(16)}${value}`);
    row('reachable', yesNo(p.reachable));
    row('authenticated', yesNo(p.authenticated));
    if (p.offers) {
      row('offers', `${p.offers.parsed} parsed${p.offers.received === null ? '' : ` of ${p.offers.received} received`}`);
      row('  dropped', counts(p.offers.dropped));
      row('  unknown GPUs', counts(p.offers.unknown_gpus));
    } else row('offers', 'not read');
    row('our instances', p.instances ? String(p.instances.parsed) : 'not read');
    row('balance', p.balance ? `${p.balance.amount.toFixed(2)} ${p.balance.currency}` : 'not available');
    const headers = Object.entries(p.rate_limit_headers);
    row('rate limits', headers.length === 0 ? 'no rate-limit headers seen' : headers.map(([k, v]) => `${k}=${v}`).join(', '));
    row('clock skew', p.clock_skew_ms === null ? 'unknown' : `${p.clock_skew_ms >= 0 ? '+' : ''}${(p.clock_skew_ms / 1000).toFixed(1)} s (vendor − local; HTTP dates have 1 s resolution)`);
    for (const call of p.calls) row('call', `${call.method} ${call.path} → ${call.status ?? 'no answer'} in ${call.duration_ms} ms (${call.operation})`);
    lines.push('');
  }
  const failed = report.providers.filter((p) => !p.ok).length;
  lines.push(failed === 0 ? `All ${report.providers.length} provider(s) OK.` : `${failed} of ${report.providers.length} provider(s) failed.`);
  return lines.join('\n');
}

/** Progress on stderr while the checks run (they can take a few seconds per provider). */
export function announce(io: Io, providers: readonly string[]): void {
  io.err(`Checking ${providers.join(', ')} (read-only calls)…`);
}
