import { type OfferFailureType } from '../inventory/offer-failure.js';
import { type SessionErrorType } from '../sessions/session.js';

/**
 * The decision at the heart of step 3 of the saga (await ready), kept free of I/O so it can be read
 * — and tested — as a table: given what the wait has learned so far and what it just observed, what
 * does it do next? The loop in await-ready.ts makes the observations and carries out the steps.
 */

/** Instance states that mean "still coming up": keep waiting. Anything else not running fails fast. */
const COMING_UP: ReadonlySet<string> = new Set(['creating', 'starting', 'unknown']);

export interface WaitPolicy {
  /** Pause between instance reads and readiness checks. */
  readonly intervalMs: number;
  /** How long after the instance first shows SSH details before the first SSH attempt. */
  readonly sshInitialDelayMs: number;
  /** Consecutive successful readiness checks required (sshd can restart mid-upgrade). */
  readonly readinessConsecutive: number;
  /** Consecutive SSH key rejections after which the host is given up. */
  readonly maxAuthFailures: number;
}

/** What the wait remembers between observations of one attempt. */
export interface WaitProgress {
  readonly readySince: number;
  readonly authFailures: number;
  /** When the instance first showed SSH details (ms); the initial SSH delay counts from here. */
  readonly firstSshAttemptAt: number | null;
  /**
   * The instance has shown its SSH details and nothing since says it went away: rounds ask the
   * node, not the provider (a status read would only repeat what is known, on the vendor's rate
   * limit). Cleared when the node cannot be reached, so the next round reads the instance again.
   */
  readonly sshShown: boolean;
  /** Survives a new attempt: "not ready" is logged once per distinct reason. */
  readonly lastNotReadyReason: string | null;
}

export const WAIT_START: WaitProgress = { readySince: 0, authFailures: 0, firstSshAttemptAt: null, sshShown: false, lastNotReadyReason: null };

/** An attempt failed and the session moved on to another offer: its counters start again. */
export function progressForNextAttempt(progress: WaitProgress): WaitProgress {
  return { ...WAIT_START, lastNotReadyReason: progress.lastNotReadyReason };
}

export type WaitObservation =
  /** Each round starts here, with the session freshly read and still `provisioning`. */
  | { readonly kind: 'round'; readonly now: number; readonly deadline: Date; readonly instanceRecorded: boolean }
  /** The provider's answer for the recorded instance. */
  | {
      readonly kind: 'instance';
      readonly now: number;
      readonly read: { readonly found: true; readonly state: string; readonly hasSsh: boolean } | { readonly found: false; readonly notFound: boolean };
    }
  /** The readiness probe's answer (or why it could not be asked). */
  | {
      readonly kind: 'readiness';
      readonly result:
        | { readonly outcome: 'key_missing' }
        | { readonly outcome: 'ready' }
        | { readonly outcome: 'not_ready'; readonly reason: string }
        | { readonly outcome: 'auth_rejected'; readonly message: string }
        | { readonly outcome: 'unreachable'; readonly retryable: boolean; readonly message: string };
    };

export type WaitStep =
  | { readonly kind: 'read_instance' }
  | { readonly kind: 'check_readiness' }
  /** Sleep, then start the next round. `notReady` is set the first time a reason is seen (log it). */
  | { readonly kind: 'sleep'; readonly ms: number; readonly notReady?: string }
  /** The attempt failed; `offerFailure` is recorded against the offer first. */
  | { readonly kind: 'fail'; readonly errorType: SessionErrorType; readonly message: string; readonly offerFailure?: { readonly type: OfferFailureType; readonly reason: string } }
  /** Verified: move the session to `running`. */
  | { readonly kind: 'running' };

export interface WaitDecision {
  readonly step: WaitStep;
  readonly progress: WaitProgress;
}

/** SSH details known since `firstSshAttemptAt`: wait out the initial delay, then ask the node. */
function sshStep(firstSshAttemptAt: number, now: number, policy: WaitPolicy): WaitStep {
  if (now - firstSshAttemptAt < policy.sshInitialDelayMs) return { kind: 'sleep', ms: Math.min(policy.intervalMs, policy.sshInitialDelayMs) };
  return { kind: 'check_readiness' };
}

export function nextWaitStep(progress: WaitProgress, observation: WaitObservation, policy: WaitPolicy): WaitDecision {
  const same = (step: WaitStep): WaitDecision => ({ step, progress });
  const sleep: WaitStep = { kind: 'sleep', ms: policy.intervalMs };
  switch (observation.kind) {
    case 'round':
      if (observation.now > observation.deadline.getTime()) {
        return same({ kind: 'fail', errorType: 'provisioning_timeout', message: `not ready within the provisioning deadline (${observation.deadline.toISOString()})` });
      }
      if (!observation.instanceRecorded) return same({ kind: 'fail', errorType: 'internal', message: 'no provider instance recorded' });
      // SSH details already shown: only the node can say more (after the initial delay).
      if (progress.sshShown) return same(sshStep(progress.firstSshAttemptAt ?? observation.now, observation.now, policy));
      return same({ kind: 'read_instance' });

    case 'instance': {
      const read = observation.read;
      if (!read.found) {
        // Only a not-found read says the instance is gone; any other error is asked again.
        return same(read.notFound ? { kind: 'fail', errorType: 'instance_vanished', message: 'the provider no longer knows the instance' } : sleep);
      }
      if (read.state !== 'running') {
        if (COMING_UP.has(read.state)) return same(sleep);
        return same({
          kind: 'fail',
          errorType: 'instance_stopped',
          message: `the instance is ${read.state} before it ever ran`,
          offerFailure: { type: 'instance_stopped', reason: `instance is ${read.state}` },
        });
      }
      if (!read.hasSsh) return same(sleep);
      const firstSshAttemptAt = progress.firstSshAttemptAt ?? observation.now;
      return { step: sshStep(firstSshAttemptAt, observation.now, policy), progress: { ...progress, firstSshAttemptAt, sshShown: true } };
    }

    case 'readiness': {
      const result = observation.result;
      switch (result.outcome) {
        case 'key_missing':
          return same({ kind: 'fail', errorType: 'internal', message: 'the session key is missing' });
        case 'auth_rejected': {
          const authFailures = progress.authFailures + 1;
          const next = { ...progress, readySince: 0, authFailures };
          if (authFailures >= policy.maxAuthFailures) {
            return {
              step: { kind: 'fail', errorType: 'ssh_auth_failed', message: `the node rejected the session key ${authFailures} times`, offerFailure: { type: 'ssh_auth_failed', reason: result.message } },
              progress: next,
            };
          }
          return { step: sleep, progress: next };
        }
        case 'unreachable': {
          // The instance may have stopped or moved: the next round reads it again.
          const next = { ...progress, readySince: 0, sshShown: false };
          return { step: result.retryable ? sleep : { kind: 'fail', errorType: 'ssh_timeout', message: result.message }, progress: next };
        }
        case 'not_ready': {
          const fresh = result.reason !== progress.lastNotReadyReason;
          return {
            step: fresh ? { kind: 'sleep', ms: policy.intervalMs, notReady: result.reason } : sleep,
            progress: { ...progress, readySince: 0, authFailures: 0, lastNotReadyReason: result.reason },
          };
        }
        case 'ready': {
          const readySince = progress.readySince + 1;
          const next = { ...progress, readySince, authFailures: 0 };
          return { step: readySince < policy.readinessConsecutive ? sleep : { kind: 'running' }, progress: next };
        }
      }
    }
  }
}
