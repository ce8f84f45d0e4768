import { type BudgetCommitments } from '../consumers/budget-commitments.js';
import { type BudgetExceededError, type AlreadyExistsError, type ConcurrentUpdateError, type IdempotencyConflictError, type NotFoundError, type SafetyLimitExceededError, type UnsupportedByProviderError, type ValidationError } from '../errors/domain-errors.js';
import { type Result } from '../errors/result.js';
import { type IdGenerator } from '../ids/ids.js';
import { type InventoryService } from '../inventory/inventory-service.js';
import { type OfferFailureTracker } from '../inventory/offer-failure-tracker.js';
import { type OfferFailureType } from '../inventory/offer-failure.js';
import { type Offer } from '../inventory/offer.js';
import { type Logger } from '../logging/logger.js';
import { type ProviderAdapter } from '../ports/provider-adapter.js';
import { type ProviderError } from '../ports/provider-errors.js';
import { type Repositories } from '../ports/repositories.js';
import { type NodeReadinessProbe, type SecretCipher, type SshKeyGenerator } from '../ports/session-access.js';
import { type SessionOwnership } from '../ports/session-ownership.js';
import { type ProviderName } from '../providers/provider-name.js';
import { type SessionTrigger } from '../sessions/session-state-machine.js';
import { type SessionWriter } from '../sessions/session-writer.js';
import { type OnPreempt, type RetryScope, type Session, type SessionChanges, type SessionErrorType, type StoragePolicy, type WorkloadType } from '../sessions/session.js';
import { type TemplateService } from '../templates/template-service.js';
import { type VendorTemplate } from '../templates/vendor-template.js';
import { abortableSleep } from '../time/sleep.js';
import { type Clock } from '../time/clock.js';
import { type SessionTerminator } from './session-terminator.js';
import { type SessionPricing } from './spot-terms.js';

/** Per-provider timing: how long to wait before the first SSH attempt, and the provisioning deadline. */
export interface ProviderTiming {
  /** TensorDock rewrites authorized_keys and restarts sshd in the first ~90 s; Blue Lobster upgrades for minutes. */
  readonly sshInitialDelayMs: number;
  /** From session creation to `running`; never shorter than the SSH wait plus readiness. */
  readonly provisioningTimeoutMs: number;
}

export interface ProvisioningServiceOptions {
  readonly repositories: Repositories;
  readonly providers: ReadonlyMap<ProviderName, ProviderAdapter>;
  readonly inventory: InventoryService;
  readonly terminator: SessionTerminator;
  readonly keys: SshKeyGenerator;
  readonly cipher: SecretCipher;
  readonly readiness: NodeReadinessProbe;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly deploymentId: string;
  readonly hardMaxHours: number;
  readonly timing: Readonly<Record<ProviderName, ProviderTiming>>;
  readonly failures?: OfferFailureTracker;
  /** Vendor templates: a session naming one must land on a host that meets its requirements. */
  readonly templates?: TemplateService;
  readonly logger?: Logger;
  /** Pause between instance status polls and readiness checks. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Consecutive successful readiness checks required (sshd can restart mid-upgrade). @default 2 */
  readonly readinessConsecutive?: number;
  /** Consecutive SSH key rejections after which the host is given up. @default 3 */
  readonly maxAuthFailures?: number;
  /** How long an idempotency key is remembered. @default 24 h */
  readonly idempotencyTtlMs?: number;
  /** A reservation unfinished for longer than this belongs to a request that died. @default 30 s */
  readonly idempotencyLeaseMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Several replicas: the saga runs only while this process owns the session. @default sole owner */
  readonly sessionOwnership?: SessionOwnership;
}

export interface ProvisionRequest {
  readonly consumerId: string;
  /** One of offerId or gpu: a specific offer, or the cheapest available offer of that GPU. */
  readonly offerId?: string;
  readonly gpu?: string;
  readonly reservationHours: number;
  readonly workloadType: WorkloadType;
  readonly idleTimeoutMinutes: number;
  readonly storagePolicy: StoragePolicy;
  readonly templateHashId?: string | null;
  readonly diskGb?: number | null;
  readonly onStartScript?: string | null;
  /** Attempts in all (2–10 turns auto-retry on) and how far a retry may stray from the offer. */
  readonly autoRetry?: { readonly maxAttempts: number; readonly scope: RetryScope } | null;
  /** `spot` rents an interruptible offer with a bid (Vast.ai). @default on-demand */
  readonly pricing?: SessionPricing;
  /** Spot only: the highest bid, µUSD per hour for the instance. @default the offer's minimum bid plus DEFAULT_BID_MARGIN_PERCENT */
  readonly maxBidPerHourMicros?: number | null;
  /** Spot only: what a preemption does. @default end */
  readonly onPreempt?: OnPreempt | null;
}

export interface ProvisionedSession {
  readonly session: Session;
  readonly offer: Offer;
  /** Shown once; null when the answer is a replay whose key is no longer retained. */
  readonly privateKey: string | null;
  /** Why a replay carries no key (the session ended and its key was destroyed); null otherwise. */
  readonly privateKeyWithheld?: string | null;
  /** True when this answers a repeated idempotency key (no new session was created). */
  readonly replayed: boolean;
}

/**
 * Whose idempotency keys these are, by kind: a consumer's own, the admin's, or a service's
 * (`runner:benchmark`). The kind prefix keeps a consumer named `admin` from sharing the admin's keys.
 */
export type IdempotencyScope = `consumer:${string}` | 'admin:' | `runner:${string}`;

export function idempotencyScope(principal: { readonly role: 'admin' } | { readonly role: 'consumer'; readonly consumerId: string }): IdempotencyScope {
  return principal.role === 'admin' ? 'admin:' : `consumer:${principal.consumerId}`;
}

export interface IdempotencyContext {
  readonly scope: IdempotencyScope;
  readonly key: string;
  /** Hash of the request: the same key with a different request is refused. */
  readonly requestHash: string;
}

export type ProvisionError =
  | ValidationError
  | NotFoundError
  | SafetyLimitExceededError
  | UnsupportedByProviderError
  | BudgetExceededError
  | AlreadyExistsError
  | ConcurrentUpdateError
  | IdempotencyConflictError
  | ProviderError;

/** The saga's wait between polls: cut short by shutdown, and not begun at all once shut down. */
export const defaultSleep = abortableSleep;


/**
 * What every step of the saga shares: the service's options, the session writer, the budget check,
 * and the two ways an attempt ends — `fail` (auto-retry on another offer, or the end of the session)
 * and `recordOfferFailure` (so the next request avoids the offer or host).
 */
export interface SagaContext {
  readonly options: ProvisioningServiceOptions;
  readonly writer: SessionWriter;
  readonly budgets: BudgetCommitments;
  readonly logger: Logger;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  fail(session: Session, errorType: SessionErrorType, message: string): Promise<Session>;
  /** Against `offer` when the attempt had it at hand, else the session's own offer. */
  recordOfferFailure(session: Session, failureType: OfferFailureType, reason: string, offer?: Offer): Promise<void>;
  /** A status change of the saga, on the session as it saw it or not at all (undefined: someone else moved it). */
  transition(session: Session, trigger: SessionTrigger, reason: string, changes?: SessionChanges): Promise<Session | undefined>;
  /**
   * A spot instance outbid while still provisioning, its preemption recorded, with `on_preempt:
   * reprovision`: destroys and verifies it, moves the session to a comparable spot offer within its
   * maximum bid and budget, and sends the create there. Undefined when it cannot (the caller ends it).
   */
  reprovisionOutbid(session: Session, provider: ProviderAdapter): Promise<Session | undefined>;
  /** The template a request names (an unknown hash is a 404, never "any host"). */
  resolveTemplate(hashId: string | null | undefined): Promise<Result<VendorTemplate | null, ProvisionError>>;
}
