import { buildSession } from '../testing/fixtures.js';
import { planSessionTransition } from './session-transition.js';

describe('planSessionTransition', () => {
  const at = new Date('2026-01-01T01:00:00.000Z');

  it('sets the new status, the time of the change and builds the explaining event', () => {
    const { session } = buildSession();
    const plan = planSessionTransition(session, {
      trigger: 'request_create',
      actor: 'provisioner',
      reason: 'creating instance',
      at,
      eventId: 'evt_1',
      changes: { providerInstanceId: 'i-1' },
      data: { attempt: 1 },
    });
    expect(plan).toEqual({
      ok: true,
      val: {
        changes: { providerInstanceId: 'i-1', status: 'provisioning', statusChangedAt: at },
        event: {
          id: 'evt_1',
          sessionId: session.id,
          type: 'request_create',
          fromStatus: 'pending',
          toStatus: 'provisioning',
          actor: 'provisioner',
          reason: 'creating instance',
          occurredAt: at,
          data: { attempt: 1 },
        },
      },
    });
  });

  it('refuses a forbidden trigger without planning anything', () => {
    const { session } = buildSession();
    const plan = planSessionTransition(session, { trigger: 'verify_ready', actor: 'provisioner', reason: 'x', at, eventId: 'evt_2' });
    expect(plan.ok).toBe(false);
  });

  it('never lets extra changes override the status chosen by the table', () => {
    const { session } = buildSession();
    const plan = planSessionTransition(session, {
      trigger: 'request_create',
      actor: 'api',
      reason: 'x',
      at,
      eventId: 'evt_3',
      changes: { status: 'running' },
    });
    expect(plan.ok && plan.val.changes.status).toBe('provisioning');
  });
});
