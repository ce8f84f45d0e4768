import { buildOffer, buildTemplate, createCoreHarness, FakeClock, FakeProvider } from '@gpu-shopper/core/testing';

import { createAppHarness, request } from '../../test-support/app-harness.js';

const VLLM = 'a4d2a0b85ae6719c0906ff66e7b3b434';
const USER_TEMPLATE = '7f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99';

function harness() {
  const clock = new FakeClock('2026-02-02T14:00:00.000Z');
  const provider = new FakeProvider(
    'vastai',
    clock,
    [
      buildOffer({ id: 'vastai-old-driver', cudaVersion: '12.2', pricePerHourMicros: 300_000 }),
      buildOffer({ id: 'vastai-4090', cudaVersion: '12.8', pricePerHourMicros: 420_000 }),
      buildOffer({ id: 'vastai-3080', gpuType: 'RTX 3080', gpuName: 'RTX 3080', vramGbPerGpu: 10, cudaVersion: '12.8', pricePerHourMicros: 150_000 }),
    ],
    { stopWithoutDestroy: false, templates: true, idleDetection: false, asyncCreate: true },
  );
  provider.setTemplates([
    buildTemplate(),
    buildTemplate({ id: 2, hashId: '38a9dab633743d43107eb9a80d4ada9e', name: 'Ollama', image: 'ollama/ollama', runtype: 'ssh_proxy', requirements: [{ key: 'cuda_max_good', property: 'cuda_version', op: 'gte', value: 12.2 }] }),
    buildTemplate({ id: 3, hashId: USER_TEMPLATE, name: 'my-axolotl', image: 'winglian/axolotl', recommended: false, useSsh: false, requirements: [] }),
  ]);
  return createAppHarness({ clock, provider });
}

describe('templates API', () => {
  it('GET /api/v1/templates lists the recommended set with the upstream filters; a bad boolean is a 400', async () => {
    const h = harness();
    const all = await request(h.app).get('/api/v1/templates').set(h.admin).expect(200);
    expect(all.body.count).toBe(2);
    expect(all.body.templates[0]).toMatchObject({ hash_id: VLLM, name: 'vLLM', image: 'vllm/vllm-openai', recommended: true, use_ssh: true, recommended_disk_space: 60 });
    expect(all.body.templates[0].requirements).toEqual([
      { key: 'cuda_max_good', op: 'gte', value: 12.4, checked: true },
      { key: 'gpu_total_ram', op: 'gt', value: 21000, checked: true },
    ]);
    const byName = await request(h.app).get('/api/v1/templates').query({ name: 'ollA', recommended: 'true', use_ssh: 'true' }).set(h.admin).expect(200);
    expect(byName.body.templates.map((t: { name: string }) => t.name)).toEqual(['Ollama']);
    const byImage = await request(h.app).get('/api/v1/templates').query({ image: 'VLLM' }).set(h.admin).expect(200);
    expect(byImage.body.count).toBe(1);
    const bad = await request(h.app).get('/api/v1/templates').query({ recommended: 'yes' }).set(h.admin).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('GET /api/v1/templates/:hash_id finds any template by hash (recommended or not) and 404s an unknown one', async () => {
    const h = harness();
    const consumer = await h.consumer('alice');
    expect((await request(h.app).get(`/api/v1/templates/${VLLM}`).set(h.auth(consumer)).expect(200)).body.name).toBe('vLLM');
    expect((await request(h.app).get(`/api/v1/templates/${USER_TEMPLATE}`).set(h.auth(consumer)).expect(200)).body).toMatchObject({ recommended: false, use_ssh: false });
    const missing = await request(h.app).get('/api/v1/templates/deadbeef').set(h.auth(consumer)).expect(404);
    expect(missing.body.error.message).toContain('template deadbeef not found');
  });

  it('inventory with template_hash_id keeps only compatible hosts; an unknown hash is a 404, never every offer', async () => {
    const h = harness();
    const narrowed = await request(h.app).get('/api/v1/inventory').query({ template_hash_id: VLLM }).set(h.admin).expect(200);
    expect(narrowed.body.offers.map((o: { id: string }) => o.id)).toEqual(['vastai-4090']);
    const ollama = await request(h.app).get('/api/v1/inventory').query({ template_hash_id: '38a9dab633743d43107eb9a80d4ada9e', sort: 'price' }).set(h.admin).expect(200);
    expect(ollama.body.offers.map((o: { id: string }) => o.id)).toEqual(['vastai-3080', 'vastai-old-driver', 'vastai-4090']);
    const unknown = await request(h.app).get('/api/v1/inventory').query({ template_hash_id: 'no-such-template' }).set(h.admin).expect(404);
    expect(unknown.body.error.message).toContain('template no-such-template not found');
    const wrongProvider = await request(h.app).get('/api/v1/inventory').query({ template_hash_id: VLLM, provider: 'tensordock' }).set(h.admin).expect(400);
    expect(wrongProvider.body.error.message).toContain('vastai template');
  });

  it('GET /api/v1/inventory/:id/compatible-templates matches the host against each template', async () => {
    const h = harness();
    const fits = await request(h.app).get('/api/v1/inventory/vastai-4090/compatible-templates').set(h.admin).expect(200);
    expect(fits.body).toMatchObject({ offer_id: 'vastai-4090', provider: 'vastai', gpu_type: 'RTX 4090', vram_gb: 24, cuda_version: '12.8', count: 2 });
    const old = await request(h.app).get('/api/v1/inventory/vastai-old-driver/compatible-templates').set(h.admin).expect(200);
    expect(old.body.compatible_templates.map((t: { name: string }) => t.name)).toEqual(['Ollama']);
    await request(h.app).get('/api/v1/inventory/vastai-nope/compatible-templates').set(h.admin).expect(404);
  });

  it('session creation with a template refuses an incompatible offer (400) and an unknown hash (404) before renting', async () => {
    const h = harness();
    const body = { consumer_id: 'alice', reservation_hours: 1, workload_type: 'llm' };
    const incompatible = await request(h.app).post('/api/v1/sessions').set(h.admin).send({ ...body, offer_id: 'vastai-3080', template_hash_id: VLLM }).expect(400);
    expect(incompatible.body.error.message).toContain('does not meet the requirements of template');
    await request(h.app).post('/api/v1/sessions').set(h.admin).send({ ...body, offer_id: 'vastai-4090', template_hash_id: 'nope' }).expect(404);
    const cheapest = await request(h.app).post('/api/v1/sessions').set(h.admin).send({ ...body, gpu: 'RTX 4090', template_hash_id: VLLM }).expect(201);
    expect(cheapest.body.offer.id).toBe('vastai-4090');
  });

  it('without a provider that has templates, the list says so instead of answering empty', async () => {
    const h = createAppHarness({ provider: new FakeProvider('vastai', createCoreHarness().clock, [buildOffer()]) });
    const none = await request(h.app).get('/api/v1/templates').set(h.admin).expect(422);
    expect(none.body.error.code).toBe('UNSUPPORTED_BY_PROVIDER');
  });
});
