import { LABEL_PREFIX, type Logger, type Offer, type ProviderError, type ProviderName, type Result } from '@gpu-shopper/core';

import { createProviderAdapters, type ProviderCredentials } from '../create-provider-adapters.js';
import { type ProviderExchange } from '../http/http-client.js';

/** One read-only call the doctor made, and how it ended. */
export interface DoctorCall {
  readonly operation: string;
  readonly method: string;
  /** The path below the host (no query string: it may carry credentials). */
  readonly path: string;
  /** Null when no answer came. */
  readonly status: number | null;
  readonly durationMs: number;
}

export interface DoctorCount {
  readonly reason: string;
  readonly count: number;
}

/** What one provider answered to the read-only checks, ready to paste into a bug report. */
export interface ProviderDiagnosis {
  readonly provider: ProviderName;
  /** Every check passed. */
  readonly ok: boolean;
  /** An HTTP answer came back (any status). */
  readonly reachable: boolean;
  /** The key was accepted; null when it could not be told (unreachable). */
  readonly authenticated: boolean | null;
  /** The first failure, naming the provider (`vastai: authentication failed (HTTP 401) …`). */
  readonly error: string | null;
  readonly offers: {
    /** Items in the vendor's answer (bundles, location × GPU, type × region). */
    readonly received: number | null;
    readonly parsed: number;
    readonly dropped: readonly DoctorCount[];
    /** GPU names the catalogue does not know: listed, flagged `gpu_known: false`. */
    readonly unknownGpus: readonly DoctorCount[];
  } | null;
  readonly instances: { readonly parsed: number } | null;
  /** Null when the vendor has no balance API, or the call failed (see `error`). */
  readonly balance: { readonly amount: number; readonly currency: string } | null;
  /** Rate-limit headers seen on any answer (`x-ratelimit-remaining`, `retry-after`…), last value wins. */
  readonly rateLimitHeaders: Readonly<Record<string, string>>;
  /** Vendor clock (its `Date` header) minus ours at the middle of the call; HTTP dates have 1 s resolution. */
  readonly clockSkewMs: number | null;
  readonly calls: readonly DoctorCall[];
}

export interface DiagnoseOptions {
  readonly logger?: Logger;
  /** Per call. @default 15000 */
  readonly timeoutMs?: number;
  /** Record mode: also write every exchange, redacted, under this directory. */
  readonly recordDir?: string;
  readonly simulated?: boolean;
}

const RATE_LIMIT_HEADER = /rate-?limit|retry-after/i;

/** Items in a catalogue answer, and why some did not become offers — in each vendor's own terms. */
function catalogueItems(provider: ProviderName, body: unknown): { received: number; reasons: Map<string, number> } | null {
  const reasons = new Map<string, number>();
  const add = (reason: string, count = 1) => reasons.set(reason, (reasons.get(reason) ?? 0) + count);
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  if (provider === 'vastai') {
    if (Array.isArray(record.offers)) return { received: record.offers.length, reasons };
    return record.offers && typeof record.offers === 'object' ? { received: 1, reasons } : null;
  }
  if (provider === 'tensordock') {
    const data = record.data as { locations?: unknown } | undefined;
    const locations = Array.isArray(data?.locations) ? (data.locations as { gpus?: unknown }[]) : null;
    if (!locations) return null;
    let received = 0;
    for (const location of locations) {
      for (const gpu of Array.isArray(location.gpus) ? (location.gpus as { max_count?: unknown }[]) : []) {
        received++;
        if (typeof gpu.max_count === 'number' && gpu.max_count <= 0) add('no stock (max_count 0)');
      }
    }
    return { received, reasons };
  }
  const items = Array.isArray(record.data) ? (record.data as { instance_type?: { specs?: { gpus?: unknown } }; regions_with_capacity_available?: unknown }[]) : null;
  if (!items) return null;
  let received = 0;
  for (const item of items) {
    const regions = Array.isArray(item.regions_with_capacity_available) ? item.regions_with_capacity_available.length : 0;
    received += Math.max(1, regions);
    if (item.instance_type?.specs?.gpus === 0) add('CPU-only instance type', Math.max(1, regions));
    else if (regions === 0) add('no region with capacity');
  }
  return { received, reasons };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): DoctorCount[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

function describe(provider: ProviderName, what: string, error: ProviderError): string {
  const status = error.context.httpStatus === undefined ? '' : ` (HTTP ${error.context.httpStatus})`;
  if (error.code === 'PROVIDER_AUTH_FAILED') return `${provider}: authentication failed${status} — check the API key`;
  return `${provider}: ${what} failed${status}: ${error.message}`;
}

/** Runs the read-only checks against one provider. Nothing is rented, changed or destroyed. */
async function diagnoseOne(provider: ProviderName, credentials: ProviderCredentials, options: DiagnoseOptions): Promise<ProviderDiagnosis> {
  const exchanges: ProviderExchange[] = [];
  const [adapter] = createProviderAdapters(
    { [provider]: credentials[provider] },
    {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.simulated ? { simulated: true } : {}),
      ...(options.recordDir ? { recordDir: options.recordDir } : {}),
      onExchange: (exchange) => exchanges.push(exchange),
      // One catalogue search, the one whose answer the report counts against the offers it parsed.
      vastPricing: 'on-demand',
      timeoutMs: options.timeoutMs ?? 15_000,
      // One retry: a transient blip should not fail the check, a dead vendor should not take minutes.
      retries: 1,
    },
  );
  if (!adapter) throw new Error(`no adapter for ${provider}`);

  let error: string | null = null;
  let authFailed = false;
  const note = <T>(what: string, result: Result<T, ProviderError>): T | null => {
    if (result.ok) return result.val;
    if (result.err.code === 'PROVIDER_AUTH_FAILED') authFailed = true;
    error ??= describe(provider, what, result.err);
    return null;
  };

  const listed = note('listing offers', await adapter.listOffers());
  let offers: ProviderDiagnosis['offers'] = null;
  if (listed) {
    const answer = exchanges.filter((e) => e.operation === 'listOffers' && e.response?.status === 200).at(-1);
    let body: unknown;
    try {
      body = answer?.response ? (JSON.parse(answer.response.body) as unknown) : undefined;
    } catch {
      body = undefined;
    }
    const items = catalogueItems(provider, body);
    const dropped = items ? [...items.reasons.entries()].map(([reason, count]) => ({ reason, count })) : [];
    const explained = dropped.reduce((sum, d) => sum + d.count, 0);
    const unexplained = items ? items.received - listed.length - explained : 0;
    offers = {
      received: items?.received ?? null,
      parsed: listed.length,
      dropped: unexplained > 0 ? [...dropped, { reason: 'not mapped to an offer', count: unexplained }] : dropped,
      unknownGpus: countBy(
        listed.filter((o: Offer) => !o.gpuKnown),
        (o) => o.gpuName,
      ),
    };
  }
  // A refused key or a vendor that does not answer at all fails every other call the same way: stop.
  const goOn = !authFailed && exchanges.some((e) => e.response !== null);
  const instances = goOn ? note('listing our instances', await adapter.listInstances(LABEL_PREFIX)) : null;
  const balanceAdapter = adapter as { getAccountBalance?: () => Promise<Result<{ amountUsd: number; currency: string }, ProviderError>> };
  const balance = goOn && balanceAdapter.getAccountBalance ? note('reading the balance', await balanceAdapter.getAccountBalance()) : null;

  const answered = exchanges.filter((e) => e.response !== null);
  const rateLimitHeaders: Record<string, string> = {};
  for (const exchange of answered) {
    for (const [name, value] of Object.entries(exchange.response?.headers ?? {})) if (RATE_LIMIT_HEADER.test(name)) rateLimitHeaders[name] = value;
  }
  const dated = answered.filter((e) => e.response?.headers.date).at(-1);
  const vendorTime = dated?.response?.headers.date ? Date.parse(dated.response.headers.date) : Number.NaN;
  const clockSkewMs = dated && !Number.isNaN(vendorTime) ? Math.round(vendorTime - (dated.sentAt.getTime() + dated.durationMs / 2)) : null;
  const reachable = answered.length > 0;
  if (!reachable && error === null) error = `${provider}: not reachable`;

  return {
    provider,
    ok: error === null,
    reachable,
    authenticated: reachable ? !authFailed : null,
    error,
    offers,
    instances: instances ? { parsed: instances.length } : null,
    balance: balance ? { amount: balance.amountUsd, currency: balance.currency } : null,
    rateLimitHeaders,
    clockSkewMs,
    calls: exchanges.map((e) => ({
      operation: e.operation,
      method: e.request.method,
      path: new URL(e.request.url).pathname,
      status: e.response?.status ?? null,
      durationMs: Math.round(e.durationMs),
    })),
  };
}

/**
 * `gpu-shopper doctor` and `GET /api/v1/providers/health`: for each configured provider,
 * authenticate, list offers, list our instances and read the balance where the vendor has one —
 * read-only calls only — and report what came back. Providers are checked one after another so
 * the report's timings and rate-limit headers are each provider's own.
 */
export async function diagnoseProviders(credentials: ProviderCredentials, options: DiagnoseOptions = {}): Promise<ProviderDiagnosis[]> {
  const configured = (['vastai', 'tensordock', 'bluelobster'] as const).filter((name) => credentials[name] !== undefined);
  const results: ProviderDiagnosis[] = [];
  for (const provider of configured) results.push(await diagnoseOne(provider, credentials, options));
  return results;
}
