import { InventoryService, systemClock, type ProviderAdapter, type ProviderName } from '@gpu-shopper/core';
import { createProviderAdapters, type ProviderCall } from '@gpu-shopper/providers';

import { startSimulatorProcess, type SimulatorProcess } from '../support/processes.js';
import { median, round, spread } from '../support/stats.js';
import { type FigureOutcome } from './measure.js';

/**
 * The latencies, the slowest on the vendor with the largest listing (Vast: two searches of
 * up to 2,000 bundles to parse) so the parse cost lands after the longest wait: the demanding
 * assignment.
 */
const DELAYS: Record<ProviderName, number> = { vastai: 400, tensordock: 300, bluelobster: 200 };
/**
 * 100 Mbit/s per response: on loopback a body arrives as fast as two processes can copy it, far
 * faster than over any network, so reading it as it arrives has little transfer to overlap.
 */
const BYTES_PER_SECOND = 12_500_000;
const COUNTED = 7;

interface Round {
  readonly aggregateMs: number;
  /** The slowest listing call's own time (see ProviderCall.durationMs). */
  readonly slowestMs: number;
  /** The same with all of its body sink's time left out, covered by the transfer or not. */
  readonly slowestWithoutAnySinkMs: number;
  readonly perProvider: Record<string, number>;
  readonly offers: number;
  /** Where the aggregate's time beyond the slowest call went; the parts add up to aggregate − slowest. */
  readonly beyondSlowestMs: {
    /** Query start to the slowest call's request leaving (rate limiter, connection). */
    readonly beforeRequest: number;
    /** The slowest call's body sink time its transfer did not cover (parsing since it last waited for the vendor). */
    readonly sinkNotCovered: number;
    /** The slowest call's end to the last adapter's listing returned (the rest of the adapters' work). */
    readonly adaptersAfterSlowestCall: number;
    /** The last listing returned to the answer (that catalogue's sort, the filter and the merge). */
    readonly inventoryAfterLastListing: number;
  };
}

/**
 * Figure 2: a cold `InventoryService.query()` (the server's aggregation, no cache, fresh adapters
 * and connections) over the three real adapters against the simulator with per-vendor listing
 * delays, divided by the slowest provider's own listing latency measured in the same query (the
 * adapters' onCall timing). 1.0 means the aggregate costs nothing beyond the slowest vendor. The
 * simulator runs in its own process, as a vendor is another machine: in this process its paced
 * sending would wait on the very parsing being measured. The headline runs with bodies delivered
 * at 100 Mbit/s; the same measure on plain loopback is in the details.
 */
export async function coldInventoryAggregation(): Promise<FigureOutcome> {
  const atBandwidth = await measureCondition(BYTES_PER_SECOND);
  const loopback = await measureCondition(null);
  const ratios = atBandwidth.map((r) => r.aggregateMs / r.slowestMs);
  const loopbackRatios = loopback.map((r) => r.aggregateMs / r.slowestMs);
  const value = round(median(ratios));
  return {
    value,
    goalMet: value <= 1.02,
    spread: spread(ratios),
    details: {
      injectedDelaysMs: DELAYS,
      bodiesAt: `${BYTES_PER_SECOND} bytes/s (100 Mbit/s) per response, in 16 KB pieces`,
      runs: describeRounds(atBandwidth),
      medianAggregateMs: round(median(atBandwidth.map((r) => r.aggregateMs)), 1),
      medianBeyondSlowestMs: medianBreakdown(atBandwidth),
      ratioWithAllSinkTimeOutOfTheSlowest: spread(atBandwidth.map((r) => r.aggregateMs / r.slowestWithoutAnySinkMs)),
      loopback: {
        value: round(median(loopbackRatios)),
        spread: spread(loopbackRatios),
        runs: describeRounds(loopback),
        medianBeyondSlowestMs: medianBreakdown(loopback),
        ratioWithAllSinkTimeOutOfTheSlowest: spread(loopback.map((r) => r.aggregateMs / r.slowestWithoutAnySinkMs)),
      },
    },
    notes: [
      `bodies at 100 Mbit/s per response (the simulator's delay fault with bytesPerSecond ${BYTES_PER_SECOND}, 16 KB pieces; the simulator in its own process); median of ${COUNTED} cold queries after one warm-up query`,
      "the slowest listing is the adapter's own measured call: request sent to the body's last byte read, less the body sink's work the transfer did not cover (the parsing since the reader last waited for the vendor counts against the aggregate); with every bit of sink time left out of the slowest instead: ratioWithAllSinkTimeOutOfTheSlowest",
      `plain loopback (no bandwidth limit): ${round(median(loopbackRatios))} × (${spread(loopbackRatios).min} / ${spread(loopbackRatios).max})`,
    ],
  };
}

async function measureCondition(bytesPerSecond: number | null): Promise<Round[]> {
  const sim = await startSimulatorProcess(['--seed', '2', '--catalog-size', '10000']);
  try {
    for (const [vendor, delayMs] of Object.entries(DELAYS)) {
      await sim.injectFault({ vendor, operation: 'listOffers', kind: 'delay', delayMs, ...(bytesPerSecond === null ? {} : { bytesPerSecond }) });
    }
    const rounds: Round[] = [];
    for (let i = 0; i <= COUNTED; i++) {
      const round = await coldQuery(sim);
      // The first query warms the code paths (compilation), not counted.
      if (i > 0) rounds.push(round);
      // Let Vast's client-side token bucket refill, so no query waits on the previous one's call.
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    return rounds;
  } finally {
    await sim.stop();
  }
}

async function coldQuery(sim: SimulatorProcess): Promise<Round> {
  const calls: (ProviderCall & { endedAt: number })[] = [];
  const adapters = createProviderAdapters(
    {
      vastai: { apiKey: 'bench', baseUrl: sim.urls.vastai },
      tensordock: { authId: 'bench', apiToken: 'bench', baseUrl: sim.urls.tensordock },
      bluelobster: { apiKey: 'bench', baseUrl: sim.urls.bluelobster },
    },
    { simulated: true, clock: systemClock, onCall: (call) => calls.push({ ...call, endedAt: performance.now() }) },
  );
  const listed = new Map<string, number>();
  const inventory = new InventoryService({ providers: adapters.map((adapter) => timedListing(adapter, listed)), clock: systemClock, cacheTtlMs: 60_000, backoffTtlMs: 300_000 });
  const start = performance.now();
  const answer = await inventory.query({});
  const end = performance.now();
  const failed = answer.providers.filter((p) => p.state !== 'ok');
  if (failed.length > 0) throw new Error(`a provider failed during the cold query: ${JSON.stringify(failed)}`);
  const listings = calls.filter((c) => c.operation === 'listOffers');
  // Vast lists its on-demand and interruptible offers with two concurrent searches: a provider's
  // listing lasts as long as its slowest call.
  const perProvider: Record<string, number> = {};
  for (const c of listings) perProvider[c.provider] = Math.max(perProvider[c.provider] ?? 0, round(c.durationMs, 1));
  if (Object.keys(perProvider).length !== 3) throw new Error(`expected listings from 3 providers, saw ${Object.keys(perProvider).join(', ')}`);
  const slowest = listings.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  const sinkMs = slowest.bodySinkMs ?? 0;
  const coveredMs = slowest.bodySinkCoveredMs ?? 0;
  const sinkNotCovered = sinkMs - coveredMs;
  // The call's wall time is its duration plus the sink time it leaves out.
  const sentAt = slowest.endedAt - (slowest.durationMs + sinkNotCovered);
  const lastListing = Math.max(...listed.values());
  const aggregateMs = end - start;
  return {
    aggregateMs,
    slowestMs: slowest.durationMs,
    slowestWithoutAnySinkMs: slowest.durationMs - coveredMs,
    perProvider,
    offers: answer.offers.length,
    beyondSlowestMs: {
      beforeRequest: sentAt - start,
      sinkNotCovered,
      adaptersAfterSlowestCall: lastListing - slowest.endedAt,
      inventoryAfterLastListing: end - lastListing,
    },
  };
}

/** The adapter, noting when each listing returned (a decorator: every call goes to the real adapter). */
function timedListing(adapter: ProviderAdapter, listed: Map<string, number>): ProviderAdapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === 'listOffers') {
        return async (...args: Parameters<ProviderAdapter['listOffers']>) => {
          const result = await target.listOffers(...args);
          listed.set(target.name, performance.now());
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function describeRounds(rounds: readonly Round[]) {
  return rounds.map((r) => ({
    aggregateMs: round(r.aggregateMs, 1),
    slowestMs: round(r.slowestMs, 1),
    ratio: round(r.aggregateMs / r.slowestMs),
    perProvider: r.perProvider,
    offers: r.offers,
    beyondSlowestMs: Object.fromEntries(Object.entries(r.beyondSlowestMs).map(([k, v]) => [k, round(v, 2)])),
  }));
}

function medianBreakdown(rounds: readonly Round[]): Record<string, number> {
  const keys = Object.keys(rounds[0]?.beyondSlowestMs ?? {}) as (keyof Round['beyondSlowestMs'])[];
  return Object.fromEntries(keys.map((key) => [key, round(median(rounds.map((r) => r.beyondSlowestMs[key])), 2)]));
}
