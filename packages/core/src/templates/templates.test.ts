import { unwrap } from '../errors/result.js';
import { ProviderOfferUnavailableError } from '../ports/provider-errors.js';
import { InventoryService } from '../inventory/inventory-service.js';
import { ProvisioningService, type ProvisionRequest } from '../provisioning/provisioning-service.js';
import { SessionTerminator } from '../provisioning/session-terminator.js';
import { type ProviderName } from '../providers/provider-name.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { FakeKeyGenerator, FakeReadinessProbe, fakeSecretCipher } from '../testing/fake-session-access.js';
import { buildOffer, buildTemplate } from '../testing/fixtures.js';
import { createInMemoryRepositories } from '../testing/in-memory-repositories.js';
import { SequentialIdGenerator } from '../testing/sequential-id-generator.js';
import { TemplateService } from './template-service.js';
import { offerSatisfiesTemplate } from './vendor-template.js';

const TIMING = { sshInitialDelayMs: 0, provisioningTimeoutMs: 20 * 60_000 };

function setup() {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const sleep = async (ms: number) => {
    clock.advanceMs(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const repositories = createInMemoryRepositories();
  const ids = new SequentialIdGenerator();
  const provider = new FakeProvider('vastai', clock, [
    // The cheapest 4090 has an old driver (CUDA 12.2): a CUDA 12.4 template cannot run there.
    buildOffer({ id: 'vastai-old', cudaVersion: '12.2', pricePerHourMicros: 300_000 }),
    buildOffer({ id: 'vastai-new', cudaVersion: '12.8', pricePerHourMicros: 420_000 }),
    buildOffer({ id: 'vastai-small', gpuType: 'RTX 3080', gpuName: 'RTX 3080', vramGbPerGpu: 10, cudaVersion: '12.8', pricePerHourMicros: 150_000 }),
  ], { stopWithoutDestroy: false, templates: true, idleDetection: false, asyncCreate: false });
  provider.setCreatedState('running');
  provider.setTemplates([buildTemplate(), buildTemplate({ id: 2, hashId: 'ffffffffffffffffffffffffffffff01', name: 'Unlisted', recommended: false, requirements: [] })]);
  const providers = new Map<ProviderName, FakeProvider>([['vastai', provider]]);
  const inventory = new InventoryService({ providers: [provider], clock, cacheTtlMs: 60_000, backoffTtlMs: 300_000 });
  const terminator = new SessionTerminator({ repositories, providers, clock, ids, verifyDelayMs: 1000, sleep });
  const templates = new TemplateService({ providers: [provider], clock });
  const service = new ProvisioningService({
    repositories,
    providers,
    inventory,
    terminator,
    keys: new FakeKeyGenerator(),
    cipher: fakeSecretCipher,
    readiness: new FakeReadinessProbe(),
    clock,
    ids,
    deploymentId: 'dep_00000000000000000000000001',
    hardMaxHours: 12,
    timing: { vastai: TIMING, tensordock: TIMING, bluelobster: TIMING },
    templates,
    pollIntervalMs: 5000,
    sleep,
  });
  return { provider, templates, service, inventory, repositories };
}

const request = (overrides: Partial<ProvisionRequest> = {}): ProvisionRequest => ({
  consumerId: 'my-app',
  reservationHours: 1,
  workloadType: 'llm',
  idleTimeoutMinutes: 0,
  storagePolicy: 'destroy',
  ...overrides,
});

describe('templates', () => {
  it('matches offers on the template CUDA and VRAM requirements', () => {
    const template = buildTemplate();
    expect(offerSatisfiesTemplate(buildOffer({ cudaVersion: '12.8' }), template)).toBe(true);
    expect(offerSatisfiesTemplate(buildOffer({ cudaVersion: '12.10' }), template)).toBe(true);
    expect(offerSatisfiesTemplate(buildOffer({ cudaVersion: '12.2' }), template)).toBe(false);
    expect(offerSatisfiesTemplate(buildOffer({ vramGbPerGpu: 16 }), template)).toBe(false);
    // Two 12 GB cards make 24 GB in all: gpu_total_ram counts every GPU.
    expect(offerSatisfiesTemplate(buildOffer({ vramGbPerGpu: 12, gpuCount: 2 }), template)).toBe(true);
    // A host that does not report its CUDA version is not excluded on it (the vendor ignores missing properties).
    expect(offerSatisfiesTemplate(buildOffer({ cudaVersion: null }), template)).toBe(true);
    expect(offerSatisfiesTemplate(buildOffer({ provider: 'tensordock' }), template)).toBe(false);
  });

  it('lists and filters the catalogue, and finds a template by hash outside it', async () => {
    const { templates } = setup();
    expect(unwrap(await templates.list({ name: 'VLL' })).map((t) => t.name)).toEqual(['vLLM']);
    expect(unwrap(await templates.list({ image: 'pytorch' }))).toEqual([]);
    expect(unwrap(await templates.get('ffffffffffffffffffffffffffffff01')).name).toBe('Unlisted');
    const unknown = await templates.get('0000');
    expect(unknown.ok ? null : unknown.err.code).toBe('NOT_FOUND');
  });

  it('a session naming a template picks the cheapest compatible host, refuses an incompatible offer and an unknown hash', async () => {
    const { service, provider } = setup();
    const cheapest = unwrap(await service.request(request({ gpu: 'RTX 4090', templateHashId: 'a4d2a0b85ae6719c0906ff66e7b3b434' })));
    expect(cheapest.offer.id).toBe('vastai-new');

    const incompatible = await service.request(request({ offerId: 'vastai-small', templateHashId: 'a4d2a0b85ae6719c0906ff66e7b3b434' }));
    expect(incompatible.ok ? null : incompatible.err.code).toBe('VALIDATION_FAILED');
    expect(incompatible.ok ? '' : incompatible.err.message).toContain('gpu_total_ram');

    const unknown = await service.request(request({ offerId: 'vastai-new', templateHashId: 'not-a-template' }));
    expect(unknown.ok ? null : unknown.err.message).toBe('template not-a-template not found');
    // Refusals happen before anything is rented.
    expect(provider.calls.filter((c) => c.operation === 'createInstance')).toHaveLength(0);
  });

  it('auto-retry of a template session moves only to hosts that meet the template', async () => {
    const { service, provider } = setup();
    provider.setOffers([
      buildOffer({ id: 'vastai-first', cudaVersion: '12.8', pricePerHourMicros: 400_000 }),
      // Cheaper and the same GPU, but its driver is too old for the template: never the retry's pick.
      buildOffer({ id: 'vastai-old', cudaVersion: '12.2', pricePerHourMicros: 410_000 }),
      buildOffer({ id: 'vastai-next', cudaVersion: '12.8', pricePerHourMicros: 420_000 }),
    ]);
    provider.failNext('createInstance', new ProviderOfferUnavailableError('no_such_ask', { provider: 'vastai', operation: 'createInstance', httpStatus: 404 }));
    const { session } = unwrap(
      await service.request(request({ offerId: 'vastai-first', templateHashId: 'a4d2a0b85ae6719c0906ff66e7b3b434', autoRetry: { maxAttempts: 3, scope: 'same_gpu' } })),
    );
    const running = await service.run(session.id);
    expect(running).toMatchObject({ status: 'running', offerId: 'vastai-next', triedOfferIds: ['vastai-first'] });
  });
});
