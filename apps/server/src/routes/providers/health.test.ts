import { providerHealthResponseSchema } from '@gpu-shopper/contract';
import { diagnoseProviders } from '@gpu-shopper/providers';
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { createAppHarness, request } from '../../test-support/app-harness.js';

describe('GET /api/v1/providers/health', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, catalogSize: 40, acceptedKeys: { vastai: 'the-vast-key' } });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('runs the read-only checks with the server keys and reports each provider in the contract shape (admin only)', async () => {
    const credentials = {
      vastai: { apiKey: 'wrong-vast-key', baseUrl: sim.urls.vastai },
      bluelobster: { apiKey: 'any-key', baseUrl: sim.urls.bluelobster },
    };
    const h = createAppHarness({ overrides: { providerHealth: () => diagnoseProviders(credentials, { timeoutMs: 5000 }) } });
    const consumer = await h.consumer('alice');
    await request(h.app).get('/api/v1/providers/health').set(h.auth(consumer)).expect(403);

    const res = await request(h.app).get('/api/v1/providers/health').set(h.admin).expect(200);
    expect(providerHealthResponseSchema.safeParse(res.body).success).toBe(true);
    const [vast, bl] = res.body.providers as { provider: string; ok: boolean; authenticated: boolean; error: string | null; offers: { parsed: number } | null }[];
    expect(vast).toMatchObject({ provider: 'vastai', ok: false, authenticated: false, error: expect.stringMatching(/^vastai: authentication failed/) });
    expect(bl).toMatchObject({ provider: 'bluelobster', ok: true, authenticated: true, error: null, offers: { parsed: expect.any(Number) } });
    expect(JSON.stringify(res.body)).not.toContain('wrong-vast-key');
    expect(await sim.control.instances()).toEqual([]);
  });

  it('reports no providers when none is configured', async () => {
    const h = createAppHarness();
    const res = await request(h.app).get('/api/v1/providers/health').set(h.admin).expect(200);
    expect(res.body).toEqual({ checked_at: expect.any(String), providers: [] });
  });
});
