import { Ok, createSessionIntent, sessionLabel, unwrap, type IdGenerator, type Offer, type ProviderAdapter, type ProviderInstance, type Repositories, type Session } from '@gpu-shopper/core';

/** GPUs of the synthetic catalogue besides the queried one; real catalogues list a few dozen models. */
const OTHER_GPUS = ['RTX 3090', 'RTX 3080', 'RTX A6000', 'RTX A5000', 'RTX A4000', 'A100 SXM4 80GB', 'A100 PCIE 40GB', 'H100 SXM', 'H100 PCIe', 'L40S', 'L4', 'A10', 'A40', 'V100', 'T4', 'RTX 4080', 'RTX 4070', 'RTX 6000 Ada', 'A30', 'GH200'];
/** The queried model's offers: the same count at every catalogue size, so the matched set is fixed. */
export const MATCHED_OFFERS = 250;

/**
 * A catalogue of `size` offers of which exactly MATCHED_OFFERS are RTX 4090s under $2/h: what a
 * query's cost should follow is that count, not `size`.
 */
export function syntheticCatalogue(size: number): Offer[] {
  const fetchedAt = new Date();
  const offers: Offer[] = [];
  for (let i = 0; i < size; i++) {
    const matched = i < MATCHED_OFFERS;
    const gpuType = matched ? 'RTX 4090' : (OTHER_GPUS[i % OTHER_GPUS.length] ?? 'T4');
    offers.push({
      id: `vastai-${100_000 + i}`,
      provider: 'vastai',
      providerOfferId: String(100_000 + i),
      gpuType,
      gpuName: gpuType,
      gpuKnown: true,
      gpuCount: 1 + (i % 4),
      vramGbPerGpu: 24,
      pricePerHourMicros: 200_000 + ((i * 7919) % 1_700_000),
      location: ['US', 'DE', 'JP', 'CA'][i % 4] ?? 'US',
      reliability: 0.95 + (i % 5) / 100,
      cudaVersion: '12.4',
      available: true,
      fetchedAt,
      capabilities: { stopWithoutDestroy: true, templates: true, idleDetection: false, asyncCreate: true },
      templateHashIds: [],
      simulated: true,
      hostId: `host-${i}`,
    });
  }
  return offers;
}

const unsupported = () => Promise.reject(new Error('not part of this measurement'));

/**
 * An in-process vendor holding a fixed catalogue and instance list: the growth curves measure the
 * service's own work (storage, matching, bookkeeping), not HTTP to a simulator, which at 50,000
 * instances would be most of the time and all of the noise.
 */
export function staticAdapter(offers: readonly Offer[], instances: ProviderInstance[]): ProviderAdapter {
  return {
    name: 'vastai',
    capabilities: { stopWithoutDestroy: true, templates: true, idleDetection: false, asyncCreate: true },
    listOffers: () => Promise.resolve(Ok([...offers])),
    listInstances: (prefix: string) => Promise.resolve(Ok(instances.filter((i) => i.label?.startsWith(prefix)))),
    getInstance: unsupported,
    createInstance: unsupported,
    destroyInstance: unsupported,
  };
}

const SEED_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchSeedKeyNeverUsedToLogIn0000000000 bench';

/**
 * `count` more running sessions written straight to storage, each with its instance in `instances`;
 * `parallel` inserts in flight at once (PostgreSQL answers over a pool, SQLite one at a time anyway).
 */
export async function seedSessions(repositories: Repositories, ids: IdGenerator, deploymentId: string, consumerId: string, count: number, instances: ProviderInstance[], parallel = 1): Promise<void> {
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const now = new Date();
    const { session, event } = unwrap(
      createSessionIntent(
        { consumerId, provider: 'vastai', offerId: `vastai-${i}`, gpuType: 'RTX 4090', gpuCount: 1, pricePerHourMicros: 400_000, reservationHours: 12, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy', sshPublicKey: SEED_KEY },
        { sessionId: ids.next('session'), eventId: ids.next('sessionEvent'), deploymentId, now, hardMaxHours: 12, provisioningTimeoutMs: 5 * 60_000 },
      ),
    );
    const instanceId = String(instances.length + 1);
    const running: Session = { ...session, status: 'running', providerInstanceId: instanceId, sshHost: '127.0.0.1', sshPort: 22, sshUser: 'root', billingStartedAt: now, statusChangedAt: now };
    instances.push({ provider: 'vastai', providerInstanceId: instanceId, label: sessionLabel(deploymentId, session.id), state: 'running', ssh: { host: '127.0.0.1', port: 22, user: 'root' }, pricePerHourMicros: 400_000, startedAt: now });
    pending.push(repositories.sessions.insert(running, event).then((inserted) => void unwrap(inserted)));
    if (pending.length >= parallel) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}
