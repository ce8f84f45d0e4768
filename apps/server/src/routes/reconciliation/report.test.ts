import { reconciliationResponseSchema } from '@gpu-shopper/contract';
import { sessionLabel } from '@gpu-shopper/core';

import { createAppHarness, request } from '../../test-support/app-harness.js';

const GRACE = 15 * 60_000;

describe('GET /api/v1/reconciliation', () => {
  it('lists the orphans the reconciler holds, with when each will be destroyed, then the destroyed ones; admin only', async () => {
    const h = createAppHarness({ orphanGraceMs: GRACE });
    const consumer = await h.consumer('alice');
    await request(h.app).get('/api/v1/reconciliation').set(h.auth(consumer)).expect(403);

    const before = await request(h.app).get('/api/v1/reconciliation').set(h.admin).expect(200);
    expect(before.body).toEqual({ last_pass_at: null, providers: [], orphans: [], recently_destroyed: [], foreign: [] });

    const lost = h.core.provider.addInstance(sessionLabel(h.core.deploymentId, 'ses_00000000000000000000000LOST'));
    const foreign = h.core.provider.addInstance('my-notebook');
    const seenAt = h.core.clock.now();
    await h.core.reconciler.pass();
    const waiting = await request(h.app).get('/api/v1/reconciliation').set(h.admin).expect(200);
    expect(reconciliationResponseSchema.safeParse(waiting.body).success).toBe(true);
    expect(waiting.body).toMatchObject({
      last_pass_at: seenAt.toISOString(),
      providers: [{ provider: 'vastai', status: 'ok', instances: 2 }],
      orphans: [
        {
          provider: 'vastai',
          provider_instance_id: lost.providerInstanceId,
          session_id: null,
          outcome: 'waiting',
          first_seen_at: seenAt.toISOString(),
          destroy_after: new Date(seenAt.getTime() + GRACE).toISOString(),
          destroyed_at: null,
        },
      ],
      recently_destroyed: [],
      foreign: [{ provider: 'vastai', provider_instance_id: foreign.providerInstanceId, label: 'my-notebook', deployment_id: null }],
    });

    h.core.clock.advanceMs(GRACE);
    await h.core.reconciler.pass();
    const destroyed = await request(h.app).get('/api/v1/reconciliation').set(h.admin).expect(200);
    expect(reconciliationResponseSchema.safeParse(destroyed.body).success).toBe(true);
    expect(destroyed.body.orphans).toEqual([]);
    expect(destroyed.body.recently_destroyed).toEqual([expect.objectContaining({ provider_instance_id: lost.providerInstanceId, outcome: 'destroyed', destroyed_at: h.core.clock.now().toISOString() })]);
  });
});
