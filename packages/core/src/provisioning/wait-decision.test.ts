import { nextWaitStep, progressForNextAttempt, WAIT_START, type WaitObservation, type WaitProgress, type WaitStep } from './wait-decision.js';

const policy = { intervalMs: 5000, sshInitialDelayMs: 90_000, readinessConsecutive: 2, maxAuthFailures: 3 };
const deadline = new Date('2026-02-02T14:20:00.000Z');
const T = deadline.getTime() - 600_000;

const round = (now = T, instanceRecorded = true): WaitObservation => ({ kind: 'round', now, deadline, instanceRecorded });
const instance = (state: string, hasSsh = true, now = T): WaitObservation => ({ kind: 'instance', now, read: { found: true, state, hasSsh } });
const readError = (notFound: boolean): WaitObservation => ({ kind: 'instance', now: T, read: { found: false, notFound } });
const readiness = (result: Extract<WaitObservation, { kind: 'readiness' }>['result']): WaitObservation => ({ kind: 'readiness', result });
const at = (progress: Partial<WaitProgress>): WaitProgress => ({ ...WAIT_START, ...progress });
const sleep = (ms = 5000): WaitStep => ({ kind: 'sleep', ms });

/** [what the wait knows, what it observed, the next step, what it knows afterwards (unchanged when omitted)] */
const table: [string, WaitProgress, WaitObservation, WaitStep, Partial<WaitProgress>?][] = [
  ['within the deadline: read the instance', WAIT_START, round(), { kind: 'read_instance' }],
  ['at the deadline exactly: still within it', WAIT_START, round(deadline.getTime()), { kind: 'read_instance' }],
  [
    'past the deadline: provisioning_timeout',
    WAIT_START,
    round(deadline.getTime() + 1),
    { kind: 'fail', errorType: 'provisioning_timeout', message: `not ready within the provisioning deadline (${deadline.toISOString()})` },
  ],
  ['no provider id recorded: internal failure', WAIT_START, round(T, false), { kind: 'fail', errorType: 'internal', message: 'no provider instance recorded' }],
  ['the provider no longer knows it: instance_vanished', WAIT_START, readError(true), { kind: 'fail', errorType: 'instance_vanished', message: 'the provider no longer knows the instance' }],
  ['the read failed otherwise: ask again later', WAIT_START, readError(false), sleep()],
  ['creating: wait', WAIT_START, instance('creating'), sleep()],
  ['starting: wait', WAIT_START, instance('starting'), sleep()],
  ['unknown: wait', WAIT_START, instance('unknown'), sleep()],
  [
    'stopped before it ever ran: instance_stopped, recorded against the offer',
    WAIT_START,
    instance('stopped'),
    { kind: 'fail', errorType: 'instance_stopped', message: 'the instance is stopped before it ever ran', offerFailure: { type: 'instance_stopped', reason: 'instance is stopped' } },
  ],
  [
    'exited before it ever ran: instance_stopped',
    WAIT_START,
    instance('exited'),
    { kind: 'fail', errorType: 'instance_stopped', message: 'the instance is exited before it ever ran', offerFailure: { type: 'instance_stopped', reason: 'instance is exited' } },
  ],
  ['running without SSH details yet: wait', WAIT_START, instance('running', false), sleep()],
  ['SSH details first seen: the initial delay starts (sleeps at most one interval)', WAIT_START, instance('running'), sleep(5000), { firstSshAttemptAt: T, sshShown: true }],
  ['inside the initial delay: wait', at({ firstSshAttemptAt: T - 89_999 }), instance('running'), sleep(5000), { sshShown: true }],
  ['initial delay over: check readiness', at({ firstSshAttemptAt: T - 90_000 }), instance('running'), { kind: 'check_readiness' }, { sshShown: true }],
  ['SSH details shown, inside the initial delay: wait without reading the instance again', at({ firstSshAttemptAt: T - 89_999, sshShown: true }), round(), sleep(5000)],
  ['SSH details shown, initial delay over: ask the node, not the provider', at({ firstSshAttemptAt: T - 90_000, sshShown: true }), round(), { kind: 'check_readiness' }],
  ['SSH details shown but no instance recorded: internal failure all the same', at({ sshShown: true }), round(T, false), { kind: 'fail', errorType: 'internal', message: 'no provider instance recorded' }],
  [
    'SSH details shown, past the deadline: provisioning_timeout all the same',
    at({ firstSshAttemptAt: T, sshShown: true }),
    round(deadline.getTime() + 1),
    { kind: 'fail', errorType: 'provisioning_timeout', message: `not ready within the provisioning deadline (${deadline.toISOString()})` },
  ],
  ['the session key is gone: internal failure', at({ firstSshAttemptAt: 0 }), readiness({ outcome: 'key_missing' }), { kind: 'fail', errorType: 'internal', message: 'the session key is missing' }],
  ['ready once: once more before trusting it', at({ authFailures: 2 }), readiness({ outcome: 'ready' }), sleep(), { readySince: 1, authFailures: 0 }],
  ['ready twice in a row: running', at({ readySince: 1 }), readiness({ outcome: 'ready' }), { kind: 'running' }, { readySince: 2 }],
  [
    'not ready, a new reason: say it once and wait; the ready streak restarts',
    at({ readySince: 1, authFailures: 1 }),
    readiness({ outcome: 'not_ready', reason: 'dpkg lock held' }),
    { kind: 'sleep', ms: 5000, notReady: 'dpkg lock held' },
    { readySince: 0, authFailures: 0, lastNotReadyReason: 'dpkg lock held' },
  ],
  ['not ready, the same reason again: wait quietly', at({ lastNotReadyReason: 'dpkg lock held' }), readiness({ outcome: 'not_ready', reason: 'dpkg lock held' }), sleep()],
  ['key rejected once: wait (sshd may not have it yet)', at({ readySince: 1 }), readiness({ outcome: 'auth_rejected', message: 'denied' }), sleep(), { readySince: 0, authFailures: 1 }],
  [
    'key rejected the third time: ssh_auth_failed, recorded against the offer',
    at({ authFailures: 2 }),
    readiness({ outcome: 'auth_rejected', message: 'denied' }),
    { kind: 'fail', errorType: 'ssh_auth_failed', message: 'the node rejected the session key 3 times', offerFailure: { type: 'ssh_auth_failed', reason: 'denied' } },
    { authFailures: 3 },
  ],
  [
    'unreachable, as expected while sshd starts: wait, and read the instance next round (it may have stopped); rejections so far still count',
    at({ readySince: 1, authFailures: 2, sshShown: true }),
    readiness({ outcome: 'unreachable', retryable: true, message: 'connection refused' }),
    sleep(),
    { readySince: 0, sshShown: false },
  ],
  [
    'unreachable for good: ssh_timeout',
    WAIT_START,
    readiness({ outcome: 'unreachable', retryable: false, message: 'no route to host' }),
    { kind: 'fail', errorType: 'ssh_timeout', message: 'no route to host' },
  ],
];

describe('nextWaitStep: what the wait for a ready node does next', () => {
  // A rest parameter: jest would take a fifth declared parameter for a `done` callback.
  it.each(table)('%s', (...[, progress, observation, step, after]) => {
    const decision = nextWaitStep(progress, observation, policy);
    expect(decision.step).toEqual(step);
    expect(decision.progress).toEqual({ ...progress, ...after });
  });

  it('a new attempt (auto-retry) starts its counters again but remembers the last reason it logged', () => {
    expect(progressForNextAttempt({ readySince: 1, authFailures: 2, firstSshAttemptAt: T, sshShown: true, lastNotReadyReason: 'dpkg lock held' })).toEqual({
      ...WAIT_START,
      lastNotReadyReason: 'dpkg lock held',
    });
  });
});
