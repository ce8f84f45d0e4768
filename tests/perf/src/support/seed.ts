import { createSessionIntent, sessionLabel, unwrap, type IdGenerator, type Repositories, type Session } from '@gpu-shopper/core';
import { type RunningSimulator } from '@gpu-shopper/simulator';

/** The consumer every seeded session belongs to. */
export const SEED_CONSUMER = 'bench-seed';
const FAKE_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchSeedKeyNeverUsedToLogIn0000000000 bench';

/** Vast accepts any bearer token in the simulator; the adapters under test use their own. */
const VAST_AUTH = { Authorization: 'Bearer bench-seeder', 'content-type': 'application/json' };

/** Rents one Vast bundle straight through the simulator's vendor API (no adapter, no rate limiter). */
export async function rentVast(sim: RunningSimulator, offerId: string, label: string): Promise<string> {
  const res = await fetch(`${sim.urls.vastai}/asks/${offerId}/`, {
    method: 'PUT',
    headers: VAST_AUTH,
    body: JSON.stringify({ client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', runtype: 'ssh', disk: 10, label }),
  });
  const body = (await res.json()) as { success?: boolean; new_contract?: number; msg?: string };
  if (!res.ok || !body.success || !body.new_contract) throw new Error(`seeding: renting Vast bundle ${offerId} failed (${res.status}): ${JSON.stringify(body)}`);
  return String(body.new_contract);
}

/** Destroys one Vast instance behind the service's back (a discrepancy for the reconciler). */
export async function destroyVast(sim: RunningSimulator, instanceId: string): Promise<void> {
  const res = await fetch(`${sim.urls.vastai}/instances/${instanceId}/`, { method: 'DELETE', headers: VAST_AUTH });
  if (!res.ok) throw new Error(`seeding: destroying Vast instance ${instanceId} failed (${res.status})`);
}

/** Available Vast bundle ids, cheapest listing order irrelevant: each seeded session rents a distinct one. */
export async function freeVastOffers(sim: RunningSimulator, count: number): Promise<string[]> {
  const offers = (await sim.control.catalog()).filter((o) => o.vendor === 'vastai' && o.available).map((o) => o.vendorOfferId);
  if (offers.length < count) throw new Error(`seeding: the simulator has ${offers.length} free Vast bundles, ${count} needed (raise catalogSize)`);
  return offers.slice(-count);
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

/**
 * `count` live (running) sessions as the service would have recorded them, each owning a real
 * instance in the simulator under its label. Provisioning a thousand sessions through the saga
 * would take many minutes behind the vendors' rate limits; what the figures need is the steady
 * state (sessions in the database, instances at the vendor), so it is written directly.
 */
export async function seedLiveSessions(options: {
  readonly sim: RunningSimulator;
  readonly repositories: Repositories;
  readonly ids: IdGenerator;
  readonly deploymentId: string;
  readonly count: number;
}): Promise<Session[]> {
  const { sim, repositories, ids, deploymentId, count } = options;
  const existing = await repositories.consumers.get(SEED_CONSUMER);
  if (!existing) unwrap(await repositories.consumers.create({ id: SEED_CONSUMER, name: 'Benchmark seed', createdAt: new Date(), disabledAt: null }));
  const offers = await freeVastOffers(sim, count);
  return inBatches(offers, 50, async (offerId) => {
    const now = new Date();
    const { session, event } = unwrap(
      createSessionIntent(
        {
          consumerId: SEED_CONSUMER,
          provider: 'vastai',
          offerId: `vastai-${offerId}`,
          gpuType: 'RTX 4090',
          gpuCount: 1,
          pricePerHourMicros: 400_000,
          reservationHours: 12,
          workloadType: 'llm',
          // 0 = no idle timeout: nothing SSHes into seeded nodes (they hold no key of ours).
          idleTimeoutMinutes: 0,
          storagePolicy: 'destroy',
          sshPublicKey: FAKE_PUBLIC_KEY,
        },
        { sessionId: ids.next('session'), eventId: ids.next('sessionEvent'), deploymentId, now, hardMaxHours: 12, provisioningTimeoutMs: 5 * 60_000 },
      ),
    );
    const instanceId = await rentVast(sim, offerId, session.label);
    const running: Session = { ...session, status: 'running', providerInstanceId: instanceId, sshHost: '127.0.0.1', sshPort: 22, sshUser: 'root', billingStartedAt: now, statusChangedAt: now };
    unwrap(await repositories.sessions.insert(running, event));
    return running;
  });
}

/** A label of this deployment whose session does not exist: an orphan in the reconciler's eyes. */
export function orphanLabel(deploymentId: string, ids: IdGenerator): string {
  return sessionLabel(deploymentId, ids.next('session'));
}
