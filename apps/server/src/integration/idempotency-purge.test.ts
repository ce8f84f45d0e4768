import { BackgroundJobs } from '../jobs/background-jobs.js';
import { INTEGRATION_TIMEOUT_MS, startIntegrationWorld } from './test-support/integration-world.js';

describe('finding 7: expired idempotency records are purged by a background job', () => {
  it('the server\'s background jobs delete records past their expiry and keep the others', async () => {
    const world = await startIntegrationWorld();
    const jobs = new BackgroundJobs(world.services, world.env, world.logger, 3_600_000);
    try {
      const idempotency = world.services.storage.repositories.idempotency;
      const now = world.clock.now();
      const record = { requestHash: 'h', state: 'completed' as const, responseStatus: 201, responseBody: '{}', createdAt: new Date(now.getTime() - 25 * 3_600_000) };
      await idempotency.reserve({ ...record, scope: 'consumer:alice', key: 'old', expiresAt: new Date(now.getTime() - 3_600_000) });
      await idempotency.reserve({ ...record, scope: 'consumer:alice', key: 'fresh', expiresAt: new Date(now.getTime() + 3_600_000) });
      await jobs.start();
      const deadline = Date.now() + 20_000;
      while ((await idempotency.get('consumer:alice', 'old')) !== undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await idempotency.get('consumer:alice', 'old')).toBeUndefined();
      expect(await idempotency.get('consumer:alice', 'fresh')).toBeDefined();
    } finally {
      await jobs.stop();
      await world.close();
    }
  }, INTEGRATION_TIMEOUT_MS);
});
