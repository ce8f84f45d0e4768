import {
  SESSION_STATUSES,
  SESSION_TRANSITIONS,
  SESSION_TRIGGERS,
  allowedSessionTriggers,
  nextSessionStatus,
  type SessionTrigger,
} from './session-state-machine.js';
import { type SessionStatus } from './session.js';

/**
 * The expected machine, written out independently of the implementation's table: every
 * (status, trigger) pair that is allowed, with its next status. Every other pair must be refused.
 */
const ALLOWED: ReadonlyArray<[SessionStatus, SessionTrigger, SessionStatus]> = [
  ['pending', 'request_create', 'provisioning'],
  ['pending', 'cancel_before_create', 'terminated'],
  ['pending', 'fail_before_create', 'failed'],
  ['provisioning', 'verify_ready', 'running'],
  ['provisioning', 'request_destroy', 'stopping'],
  ['provisioning', 'report_failure', 'stopping'],
  ['provisioning', 'confirm_vanished', 'failed'],
  ['running', 'request_destroy', 'stopping'],
  ['running', 'report_failure', 'stopping'],
  ['running', 'confirm_vanished', 'failed'],
  // Storage policy preserve: stopped with the disk kept is not terminal; it ends only by a destroy.
  ['running', 'confirm_preserved', 'stopped'],
  // Spot, policy reprovision: the outbid instance is destroyed and verified, then another is rented.
  ['running', 'reprovision_after_preemption', 'provisioning'],
  // Outbid before it ran: the saga moves it to another spot offer and goes on provisioning.
  ['provisioning', 'reprovision_after_preemption', 'provisioning'],
  ['stopped', 'request_destroy', 'stopping'],
  ['stopped', 'report_failure', 'stopping'],
  ['stopped', 'confirm_vanished', 'failed'],
  ['stopping', 'confirm_destroyed', 'terminated'],
  ['stopping', 'confirm_destroyed_after_failure', 'failed'],
];

const allPairs = SESSION_STATUSES.flatMap((status) => SESSION_TRIGGERS.map((trigger) => [status, trigger] as const));

describe('session state machine', () => {
  it('covers every status × trigger pair', () => {
    expect(allPairs).toHaveLength(SESSION_STATUSES.length * SESSION_TRIGGERS.length);
    expect(allPairs).toHaveLength(77);
  });

  test.each(allPairs)('%s + %s', (status, trigger) => {
    const expected = ALLOWED.find(([from, t]) => from === status && t === trigger)?.[2];
    const result = nextSessionStatus(status, trigger, 'ses_x');
    if (expected === undefined) {
      // Given a forbidden pair, when applied, then a typed error names the status, trigger and session.
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.err.code).toBe('INVALID_TRANSITION');
        expect(result.err.context).toEqual({ from: status, event: trigger, sessionId: 'ses_x' });
        expect(result.err.message).toContain(status);
      }
    } else {
      expect(result).toEqual({ ok: true, val: expected });
    }
  });

  it('has no transition out of a terminal status', () => {
    expect(allowedSessionTriggers('terminated')).toEqual([]);
    expect(allowedSessionTriggers('failed')).toEqual([]);
  });

  it('reaches a terminal status from a status that may own an instance only by a confirmation of absence', () => {
    const confirmations: SessionTrigger[] = ['confirm_destroyed', 'confirm_destroyed_after_failure', 'confirm_vanished'];
    for (const status of ['provisioning', 'running', 'stopping'] as const) {
      for (const [trigger, to] of Object.entries(SESSION_TRANSITIONS[status])) {
        if (to === 'terminated' || to === 'failed') expect(confirmations).toContain(trigger);
      }
    }
  });
});
