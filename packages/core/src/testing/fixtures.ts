import { type ProvisionRequest } from '../provisioning/provisioning-options.js';
import { type VendorTemplate } from '../templates/vendor-template.js';
import { type Offer } from '../inventory/offer.js';
import { createSessionIntent, type NewSessionInput } from '../sessions/new-session.js';
import { type SessionEvent } from '../sessions/session-event.js';
import { type Session } from '../sessions/session.js';
import { unwrap } from '../errors/result.js';

/** A valid offer; override what the test is about. */
export function buildOffer(overrides: Partial<Offer> = {}): Offer {
  return {
    id: 'vastai-1001',
    provider: 'vastai',
    providerOfferId: '1001',
    gpuType: 'RTX 4090',
    gpuName: 'RTX 4090',
    gpuKnown: true,
    gpuCount: 1,
    vramGbPerGpu: 24,
    pricePerHourMicros: 420_000,
    location: 'US-West',
    reliability: 0.98,
    cudaVersion: '12.4',
    available: true,
    fetchedAt: new Date('2026-01-01T00:00:00.000Z'),
    capabilities: { stopWithoutDestroy: true, templates: true, idleDetection: false, asyncCreate: false },
    templateHashIds: [],
    simulated: false,
    ...overrides,
  };
}

/** The vLLM template as Vast publishes it: CUDA ≥ 12.4 and more than 21000 MB of GPU memory. */
export function buildTemplate(overrides: Partial<VendorTemplate> = {}): VendorTemplate {
  return {
    provider: 'vastai',
    id: 1,
    hashId: 'a4d2a0b85ae6719c0906ff66e7b3b434',
    name: 'vLLM',
    image: 'vllm/vllm-openai',
    tag: 'latest',
    env: null,
    onStart: null,
    runtype: 'args',
    argsStr: null,
    useSsh: true,
    sshDirect: false,
    recommended: true,
    recommendedDiskGb: 60,
    extraFilters: '{"cuda_max_good":{"gte":12.4},"gpu_total_ram":{"gt":21000}}',
    requirements: [
      { key: 'cuda_max_good', property: 'cuda_version', op: 'gte', value: 12.4 },
      { key: 'gpu_total_ram', property: 'vram_mb_total', op: 'gt', value: 21000 },
    ],
    creatorId: null,
    createdAt: null,
    countCreated: null,
    ...overrides,
  };
}

/** A valid provisioning request for offer `vastai-1` (2 h, no idle timeout, destroy at the end); override what the test is about. */
export function buildProvisionRequest(overrides: Partial<ProvisionRequest> = {}): ProvisionRequest {
  return {
    consumerId: 'my-app',
    offerId: 'vastai-1',
    reservationHours: 2,
    workloadType: 'llm',
    idleTimeoutMinutes: 0,
    storagePolicy: 'destroy',
    ...overrides,
  };
}

let builtSessions = 0;

/**
 * A valid pending session and its `created` event. Ids default to a counter so several built
 * sessions never collide; override `id` to choose one.
 */
export function buildSession(
  overrides: Partial<Session> = {},
  input: Partial<NewSessionInput> = {},
): { session: Session; event: SessionEvent } {
  builtSessions += 1;
  const sessionId = overrides.id ?? `ses_${builtSessions.toString().padStart(26, '0')}`;
  const deploymentId = overrides.deploymentId ?? 'dep_00000000000000000000000001';
  const now = overrides.createdAt ?? new Date('2026-01-01T00:00:00.000Z');
  const { session, event } = unwrap(
    createSessionIntent(
      {
        consumerId: 'my-app',
        provider: 'vastai',
        offerId: 'vastai-1001',
        gpuType: 'RTX 4090',
        gpuCount: 1,
        pricePerHourMicros: 420_000,
        reservationHours: 2,
        workloadType: 'llm',
        idleTimeoutMinutes: 0,
        storagePolicy: 'destroy',
        sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test',
        ...input,
      },
      {
        sessionId,
        eventId: `evt_${sessionId.slice(4)}`,
        deploymentId,
        now,
        hardMaxHours: 12,
        provisioningTimeoutMs: 20 * 60_000,
      },
    ),
  );
  return { session: { ...session, ...overrides }, event: { ...event, sessionId } };
}
