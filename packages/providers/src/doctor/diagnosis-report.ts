import { type ProviderDiagnosis } from './provider-doctor.js';

/**
 * One provider's diagnosis in the snake_case shape of `GET /api/v1/providers/health` and of
 * `gpu-shopper doctor -o json`, so a report reads the same wherever it ran. Written once here; the
 * server and the CLI assign it to their wire types, which checks the shapes agree at compile time.
 */
export function diagnosisReport(d: ProviderDiagnosis) {
  return {
    provider: d.provider,
    ok: d.ok,
    reachable: d.reachable,
    authenticated: d.authenticated,
    error: d.error,
    offers: d.offers ? { received: d.offers.received, parsed: d.offers.parsed, dropped: [...d.offers.dropped], unknown_gpus: [...d.offers.unknownGpus] } : null,
    instances: d.instances ? { parsed: d.instances.parsed } : null,
    balance: d.balance ? { amount: d.balance.amount, currency: d.balance.currency } : null,
    rate_limit_headers: { ...d.rateLimitHeaders },
    clock_skew_ms: d.clockSkewMs,
    calls: d.calls.map((c) => ({ operation: c.operation, method: c.method, path: c.path, status: c.status, duration_ms: c.durationMs })),
  };
}
