import request from 'supertest';

import { FakeClock, MemoryLogger } from '@gpu-shopper/core/testing';

import { createApp, type AppDeps } from './app.js';

function deps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    clock: new FakeClock('2026-02-02T14:00:00.000Z'),
    logger: new MemoryLogger(),
    deploymentId: 'dep_00000000000000000000000001',
    version: '1.2.3',
    readinessChecks: { storage: () => true },
    ...overrides,
  };
}

describe('GET /health', () => {
  it('reports the process is up with its version and deployment id', async () => {
    const res = await request(createApp(deps())).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: '1.2.3',
      deployment_id: 'dep_00000000000000000000000001',
      time: '2026-02-02T14:00:00.000Z',
    });
  });
});

describe('GET /ready', () => {
  it('is 200 when every check passes', async () => {
    const res = await request(createApp(deps())).get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { storage: 'ok' } });
  });

  it('is 503 and names the failing check, including one that throws', async () => {
    const app = createApp(
      deps({
        readinessChecks: {
          storage: () => true,
          vastai: () => false,
          tensordock: () => Promise.reject(new Error('boom')),
        },
      }),
    );
    const res = await request(app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not_ready', checks: { storage: 'ok', vastai: 'failing', tensordock: 'failing' } });
  });
});

it('answers unknown routes with a JSON error', async () => {
  const res = await request(createApp(deps())).get('/nope');
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('NOT_FOUND');
});
