import { type Logger } from '../logging/logger.js';
import { type ProviderAdapter } from '../ports/provider-adapter.js';
import { type Repositories } from '../ports/repositories.js';
import { type SessionOwnership } from '../ports/session-ownership.js';
import { type IdGenerator } from '../ids/ids.js';
import { type ProviderName } from '../providers/provider-name.js';
import { type SessionActor } from '../sessions/session-state-machine.js';
import { type Session, type SessionErrorType, type StopReason } from '../sessions/session.js';
import { type Clock } from '../time/clock.js';

export interface SessionTerminatorOptions {
  readonly repositories: Repositories;
  readonly providers: ReadonlyMap<ProviderName, ProviderAdapter>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: Logger;
  /** Direct reads after a destroy before giving up for now (the session stays `stopping`). @default 3 */
  readonly verifyAttempts?: number;
  /** Pause between verification reads. @default 2000 */
  readonly verifyDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** First retry delay after an unverified destroy; doubles per attempt. @default 15000 */
  readonly retryBaseDelayMs?: number;
  /** @default 10 minutes */
  readonly retryMaxDelayMs?: number;
  /** From this many failed attempts on, each one is logged as an error (alert). @default 5 */
  readonly alertAfterAttempts?: number;
  /** Called when a session reaches a terminal status (final cost accrual up to the verified stop). */
  readonly onEnded?: (session: Session) => Promise<void>;
  /**
   * Storage policy `preserve`: called just before a stopped instance's session switches to its storage
   * rate, with `stoppedAt` = when the stop was sent, so the GPU time is accrued at the GPU price first.
   */
  readonly onPreserving?: (session: Session) => Promise<void>;
  /** Called after every destroy call sent to a provider, with who initiated it (metrics). */
  readonly onDestroyRequested?: (destroy: { readonly session: Session; readonly initiator: SessionActor; readonly accepted: boolean }) => void;
  /** Several replicas: a destroy runs only while this process owns the session. @default sole owner */
  readonly sessionOwnership?: SessionOwnership;
}

export interface StopRequest {
  readonly actor: SessionActor;
  readonly reason: string;
  readonly stopReason: StopReason;
  /** Set for failures: the session ends `failed` instead of `terminated`. */
  readonly errorType?: SessionErrorType;
  readonly errorMessage?: string;
}
