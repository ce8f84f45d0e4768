import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Reconciler, SessionTerminator, UlidIdGenerator, systemClock, type ProviderAdapter, type ProviderName } from '@gpu-shopper/core';
import { createProviderAdapters } from '@gpu-shopper/providers';
import { startSimulator } from '@gpu-shopper/simulator';
import { openStorage } from '@gpu-shopper/storage';

import { destroyVast, freeVastOffers, orphanLabel, rentVast, seedLiveSessions } from '../support/seed.js';
import { round } from '../support/stats.js';
import { type FigureOutcome } from './measure.js';

const LIVE_SESSIONS = 1000;
const GHOSTS = 5;
const ORPHANS = 5;
/** Instances per page of Vast's v1 listing. */
const VAST_PAGE_SIZE = 25;

/**
 * Figure 3: provider API calls in one reconciliation pass with 1,000 live sessions. Core's
 * Reconciler with the real adapters (every HTTP call reported by onCall) and the real SQLite
 * storage, against the simulator. Pass 1 is the steady state (no discrepancy); before pass 2, five
 * instances are destroyed behind the service's back (ghosts) and five instances with our label but
 * no session are created (orphans, grace period 0). The goal: calls = listing pages + one per
 * discrepancy. Vast's instance listing is paginated (25 a page, as the real v1 API), so its 1,000
 * instances take 40 calls; TensorDock and Blue Lobster answer in one.
 */
export async function reconciliationCalls(): Promise<FigureOutcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpushop-bench-reconcile-'));
  const sim = await startSimulator({ seed: 3, catalogSize: 10_000 });
  const storage = openStorage({ path: path.join(dir, 'gpu-shopper.db') });
  try {
    const ids = new UlidIdGenerator();
    const { repositories } = storage;
    const deploymentId = await repositories.deployment.getOrCreate(ids.next('deployment'), new Date());
    const sessions = await seedLiveSessions({ sim, repositories, ids, deploymentId, count: LIVE_SESSIONS });

    const calls: { provider: string; operation: string }[] = [];
    const adapters = createProviderAdapters(
      {
        vastai: { apiKey: 'bench', baseUrl: sim.urls.vastai },
        tensordock: { authId: 'bench', apiToken: 'bench', baseUrl: sim.urls.tensordock },
        bluelobster: { apiKey: 'bench', baseUrl: sim.urls.bluelobster },
      },
      { simulated: true, clock: systemClock, onCall: (call) => calls.push({ provider: call.provider, operation: call.operation }) },
    );
    const providers = new Map<ProviderName, ProviderAdapter>(adapters.map((a) => [a.name, a]));
    const terminator = new SessionTerminator({ repositories, providers, clock: systemClock, ids });
    const reconciler = new Reconciler({ repositories, providers, terminator, clock: systemClock, ids, deploymentId, orphanGraceMs: 0 });

    const pass = async (): Promise<{ calls: number; byOperation: Record<string, number>; ms: number; report: Awaited<ReturnType<Reconciler['pass']>> }> => {
      calls.length = 0;
      const start = performance.now();
      const report = await reconciler.pass();
      const ms = performance.now() - start;
      const byOperation: Record<string, number> = {};
      for (const c of calls) byOperation[`${c.provider}.${c.operation}`] = (byOperation[`${c.provider}.${c.operation}`] ?? 0) + 1;
      return { calls: calls.length, byOperation, ms, report };
    };

    const steady = await pass();
    if (steady.report.providers.some((p) => p.status !== 'ok')) throw new Error(`a provider paused in the steady pass: ${JSON.stringify(steady.report.providers)}`);

    for (const session of sessions.slice(0, GHOSTS)) await destroyVast(sim, session.providerInstanceId ?? '');
    for (const offerId of await freeVastOffers(sim, ORPHANS)) await rentVast(sim, offerId, orphanLabel(deploymentId, ids));
    const disturbed = await pass();

    const providersListed = adapters.length;
    const listingCalls = (vastInstances: number) => providersListed - 1 + Math.max(1, Math.ceil(vastInstances / VAST_PAGE_SIZE));
    const expectedSteady = listingCalls(LIVE_SESSIONS);
    const expectedDisturbed = listingCalls(LIVE_SESSIONS - GHOSTS + ORPHANS) + GHOSTS + ORPHANS;
    const ok = steady.calls === expectedSteady && disturbed.calls === expectedDisturbed;
    return {
      value: steady.calls,
      goalMet: ok,
      details: {
        liveSessions: LIVE_SESSIONS,
        providers: providersListed,
        steadyPass: { calls: steady.calls, expected: expectedSteady, byOperation: steady.byOperation, ms: round(steady.ms, 1), instancesListed: steady.report.providers },
        passWithDiscrepancies: {
          ghosts: GHOSTS,
          orphans: ORPHANS,
          calls: disturbed.calls,
          expected: expectedDisturbed,
          byOperation: disturbed.byOperation,
          ms: round(disturbed.ms, 1),
          orphansFound: disturbed.report.orphansFound,
          orphansDestroyed: disturbed.report.orphansDestroyed,
        },
      },
      notes: [
        `steady pass: ${steady.calls} calls for ${LIVE_SESSIONS} live sessions (expected ${expectedSteady}); with ${GHOSTS} ghosts + ${ORPHANS} orphans: ${disturbed.calls} (expected ${expectedDisturbed})`,
        'the seeded sessions are all on Vast (rented straight through the simulator); TensorDock and Blue Lobster are listed with no sessions',
      ],
    };
  } finally {
    storage.close();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
