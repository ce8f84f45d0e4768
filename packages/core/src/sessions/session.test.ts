import { unwrap } from '../errors/result.js';
import { createSessionIntent, type NewSessionContext, type NewSessionInput } from './new-session.js';
import { parseSessionLabel, sessionLabel, sessionSchema } from './session.js';

const input: NewSessionInput = {
  consumerId: 'my-app',
  provider: 'vastai',
  offerId: 'vastai-1',
  gpuType: 'RTX 4090',
  gpuCount: 1,
  pricePerHourMicros: 420_000,
  reservationHours: 4,
  workloadType: 'llm',
  idleTimeoutMinutes: 30,
  storagePolicy: 'destroy',
  sshPublicKey: 'ssh-ed25519 AAAA test',
};
const ctx: NewSessionContext = {
  sessionId: 'ses_01JABCDEFGHJKMNPQRSTVWXYZ0',
  eventId: 'evt_1',
  deploymentId: 'dep_01JABCDEFGHJKMNPQRSTVWXYZ0',
  now: new Date('2026-02-02T14:00:00.000Z'),
  hardMaxHours: 12,
  provisioningTimeoutMs: 20 * 60_000,
};

describe('session labels', () => {
  it('round-trips deployment and session ids', () => {
    const label = sessionLabel(ctx.deploymentId, ctx.sessionId);
    expect(label).toBe('gpushop-dep_01JABCDEFGHJKMNPQRSTVWXYZ0-ses_01JABCDEFGHJKMNPQRSTVWXYZ0');
    expect(parseSessionLabel(label)).toEqual({ deploymentId: ctx.deploymentId, sessionId: ctx.sessionId });
  });

  test.each(['shopper-1234', 'gpushop-', 'gpushop-abc', 'my-instance', 'gpushop-a-b-c', ''])('%p is not one of our labels', (label) => {
    expect(parseSessionLabel(label)).toBeUndefined();
  });
});

describe('createSessionIntent', () => {
  it('builds a pending session with its label, deadlines and created event', () => {
    const { session, event } = unwrap(createSessionIntent(input, ctx));
    expect(sessionSchema.parse(session)).toEqual(session);
    expect(session.status).toBe('pending');
    expect(session.label).toBe(`gpushop-${ctx.deploymentId}-${ctx.sessionId}`);
    expect(session.expiresAt.toISOString()).toBe('2026-02-02T18:00:00.000Z');
    expect(session.hardMaxAt.toISOString()).toBe('2026-02-03T02:00:00.000Z');
    expect(session.provisioningDeadline.toISOString()).toBe('2026-02-02T14:20:00.000Z');
    expect(session.version).toBe(0);
    expect(event).toMatchObject({ type: 'created', sessionId: ctx.sessionId, toStatus: 'pending', actor: 'api' });
  });

  test.each([0, 13, 2.5, -1])('rejects %p reservation hours', (hours) => {
    const result = createSessionIntent({ ...input, reservationHours: hours }, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.err.code).toBe('VALIDATION_FAILED');
  });

  it('never reserves past a lower hard max', () => {
    const result = createSessionIntent({ ...input, reservationHours: 8 }, { ...ctx, hardMaxHours: 6 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.err.code).toBe('SAFETY_LIMIT_EXCEEDED');
  });

  test.each(['', 'has space', '-leading-dash', 'x'.repeat(65)])('rejects consumer id %p', (consumerId) => {
    expect(createSessionIntent({ ...input, consumerId }, ctx).ok).toBe(false);
  });

  it('rejects a negative idle timeout', () => {
    expect(createSessionIntent({ ...input, idleTimeoutMinutes: -5 }, ctx).ok).toBe(false);
  });
});
