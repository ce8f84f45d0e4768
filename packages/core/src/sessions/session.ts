import { z } from 'zod';

import { providerNameSchema } from '../providers/provider-name.js';

/**
 * `stopped`: storage policy `preserve` — the instance is stopped with its disk kept. It still exists
 * and its storage still bills, so it is live, not terminal (invariant 3); it is destroyed on delete,
 * and at the hard maximum like any session (invariant 4).
 */
export const SESSION_STATUSES = ['pending', 'provisioning', 'running', 'stopped', 'stopping', 'terminated', 'failed'] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** Terminal statuses mean the provider confirmed no instance exists (invariant 3). */
export const TERMINAL_STATUSES: readonly SessionStatus[] = ['terminated', 'failed'];
/** Live sessions may own a provider instance; the reconciler treats their labels as owned. */
export const LIVE_STATUSES: readonly SessionStatus[] = ['pending', 'provisioning', 'running', 'stopped', 'stopping'];

export function isTerminalStatus(status: SessionStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export const WORKLOAD_TYPES = ['llm', 'llm_vllm', 'llm_tgi', 'training', 'batch', 'interactive', 'benchmark'] as const;
export const workloadTypeSchema = z.enum(WORKLOAD_TYPES);
export type WorkloadType = z.infer<typeof workloadTypeSchema>;

export const STORAGE_POLICIES = ['destroy', 'preserve'] as const;
export const storagePolicySchema = z.enum(STORAGE_POLICIES);
export type StoragePolicy = z.infer<typeof storagePolicySchema>;

/** Why a session stopped; every destroy is explained by one of these. */
export const STOP_REASONS = [
  'done',
  'deleted',
  'expired',
  'hard_max',
  'idle',
  'budget',
  'provisioning_failed',
  'provisioning_timeout',
  'instance_failed',
  'instance_vanished',
  'preempted',
  'admin',
] as const;
export const stopReasonSchema = z.enum(STOP_REASONS);
export type StopReason = z.infer<typeof stopReasonSchema>;

/** Machine-readable failure classes, so a consumer can decide whether retrying elsewhere helps. */
export const SESSION_ERROR_TYPES = [
  'offer_unavailable',
  'provider_error',
  'provider_auth',
  'rate_limited',
  'unknown_create_outcome',
  'ssh_timeout',
  'ssh_auth_failed',
  'readiness_timeout',
  'provisioning_timeout',
  'instance_stopped',
  'instance_vanished',
  'budget_exceeded',
  'internal',
] as const;
export const sessionErrorTypeSchema = z.enum(SESSION_ERROR_TYPES);
export type SessionErrorType = z.infer<typeof sessionErrorTypeSchema>;

/**
 * What each failure class means for trying again — the one retry policy, read by the saga's
 * auto-retry and by the API's `retry_suggested`:
 * - `another_offer`: the offer or its host was the problem; a comparable offer may well work (auto-retry tries one);
 * - `later`: the same request may work after a pause (another offer now would meet the same limit);
 * - `no`: retrying changes nothing (credentials, budget, our own bug).
 */
export const SESSION_ERROR_RETRY: Readonly<Record<SessionErrorType, 'another_offer' | 'later' | 'no'>> = {
  offer_unavailable: 'another_offer',
  provider_error: 'another_offer',
  provider_auth: 'no',
  rate_limited: 'later',
  unknown_create_outcome: 'another_offer',
  ssh_timeout: 'another_offer',
  ssh_auth_failed: 'another_offer',
  readiness_timeout: 'another_offer',
  provisioning_timeout: 'another_offer',
  instance_stopped: 'another_offer',
  instance_vanished: 'another_offer',
  budget_exceeded: 'no',
  internal: 'no',
};

/** Auto-retry moves a failed attempt to a comparable offer only for these. */
export function retriesOnAnotherOffer(errorType: SessionErrorType): boolean {
  return SESSION_ERROR_RETRY[errorType] === 'another_offer';
}

/** Whether a consumer is told trying again may succeed (another offer now, or the same later). */
export function isSessionRetrySuggested(errorType: SessionErrorType): boolean {
  return SESSION_ERROR_RETRY[errorType] !== 'no';
}

/**
 * What an interruptible (spot) session does when a higher bid stops its instance: end (destroyed and
 * verified, the session terminated), or rent a comparable interruptible offer within its budget and
 * maximum bid and carry on there with the same key.
 */
export const ON_PREEMPT_POLICIES = ['end', 'reprovision'] as const;
export const onPreemptSchema = z.enum(ON_PREEMPT_POLICIES);
export type OnPreempt = z.infer<typeof onPreemptSchema>;

/**
 * The default maximum bid over an offer's minimum bid, in percent. A bid at the minimum is outbid by
 * the first tenant who bids a cent more; 10 % above it keeps the price well under on-demand.
 */
export const DEFAULT_BID_MARGIN_PERCENT = 10;

/** The bid placed on an interruptible offer: its minimum bid plus the margin, never above the session's maximum. */
export function bidFor(minBidPerHourMicros: number, maxBidPerHourMicros: number): number {
  return Math.min(maxBidPerHourMicros, Math.ceil((minBidPerHourMicros * (100 + DEFAULT_BID_MARGIN_PERCENT)) / 100));
}

/** How far auto-retry may stray from the original offer (always at the same provider). */
export const RETRY_SCOPES = ['same_gpu', 'same_vram', 'any'] as const;
export const retryScopeSchema = z.enum(RETRY_SCOPES);
export type RetryScope = z.infer<typeof retryScopeSchema>;

export const MIN_RESERVATION_HOURS = 1;
export const MAX_RESERVATION_HOURS = 12;
export const DEFAULT_HARD_MAX_HOURS = 12;

const nonEmpty = z.string().min(1);

/** A consumer-chosen identifier (`my-app`, `training-job-42`): short, printable, no spaces. */
export const consumerIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore; starting with a letter or digit');

/**
 * The GPU session: one rented instance for one consumer. Money is µUSD; times are Dates.
 * `version` increments on every write (compare-and-set); `statusChangedAt` drives time-in-state checks.
 */
export const sessionSchema = z.object({
  id: nonEmpty,
  consumerId: consumerIdSchema,
  deploymentId: nonEmpty,
  /** `gpushop-<deploymentId>-<sessionId>`: written to the provider before any create (invariants 1, 2). */
  label: nonEmpty,
  provider: providerNameSchema,
  offerId: nonEmpty,
  providerInstanceId: z.string().nullable(),
  gpuType: nonEmpty,
  gpuCount: z.number().int().positive(),
  status: sessionStatusSchema,
  workloadType: workloadTypeSchema,
  reservationHours: z.number().int().min(MIN_RESERVATION_HOURS),
  idleTimeoutMinutes: z.number().int().nonnegative(),
  storagePolicy: storagePolicySchema,
  templateHashId: z.string().nullable(),
  diskGb: z.number().int().positive().nullable(),
  /** What the instance bills per hour: on-demand price, or for a spot session its bid plus storage. */
  pricePerHourMicros: z.number().int().nonnegative(),
  /** An interruptible (spot) rental: placed with a bid, and stopped when a higher bid takes the machine. */
  interruptible: z.boolean(),
  /** Spot only: the bid placed for the current instance, µUSD per hour for the whole instance (storage not included). */
  bidPerHourMicros: z.number().int().nonnegative().nullable(),
  /** Spot only: the highest bid this session may place, also on a reprovision; budgets count it as the worst case. */
  maxBidPerHourMicros: z.number().int().nonnegative().nullable(),
  /** Spot only: what a preemption does to the session. */
  onPreempt: onPreemptSchema.nullable(),
  /** How many of its instances were preempted so far. */
  preemptions: z.number().int().nonnegative(),
  /**
   * After a preemption and reprovision: the seconds and cost the ledger holds for the earlier
   * instances. The billing start is set that many seconds before the current instance's create, so
   * the ledger's one high-water mark goes on; the current price applies only past these seconds.
   */
  priorBilledSeconds: z.number().int().nonnegative(),
  priorCostMicros: z.number().int().nonnegative(),
  /**
   * Spot only: what the same GPU costs on-demand, µUSD per hour — the cheapest comparable on-demand
   * offer (same provider, GPU and count) listed when the current instance was rented. Recorded then,
   * so the savings a report shows do not move with today's market; null when none was listed.
   */
  onDemandPricePerHourMicros: z.number().int().nonnegative().nullable(),
  /** Auto-retry: after a failed attempt, try the next comparable offer with the same session id and key. */
  autoRetry: z.boolean(),
  retryScope: retryScopeSchema,
  /** Attempts allowed in all (1 = no retry). */
  maxAttempts: z.number().int().min(1).max(10),
  /** The current attempt, from 1. */
  attempt: z.number().int().min(1),
  /** Offers already tried and failed, so a retry never picks them again. */
  triedOfferIds: z.array(z.string()),
  sshHost: z.string().nullable(),
  sshPort: z.number().int().min(1).max(65535).nullable(),
  sshUser: z.string().nullable(),
  sshPublicKey: z.string().nullable(),
  hostKeyFingerprint: z.string().nullable(),
  createdAt: z.date(),
  statusChangedAt: z.date(),
  /** Reservation expiry: createdAt + reservationHours, moved by extend. */
  expiresAt: z.date(),
  /** createdAt + HARD_MAX_HOURS: nothing outlives it unless an admin set `hardMaxOverride`. */
  hardMaxAt: z.date(),
  hardMaxOverride: z.boolean(),
  /** When provisioning must have reached `running`, or the session is failed and cleaned up. */
  provisioningDeadline: z.date(),
  /** Provider-confirmed start of billing; cost accrues from here. */
  billingStartedAt: z.date().nullable(),
  /** Verified stop: cost accrues up to here. */
  stoppedAt: z.date().nullable(),
  stopReason: stopReasonSchema.nullable(),
  /** Durable destroy state (invariant 3): attempts so far, when to try again, and why the last one failed. */
  destroyAttempts: z.number().int().nonnegative(),
  nextDestroyAt: z.date().nullable(),
  lastDestroyError: z.string().nullable(),
  /** Last time the GPUs were seen busy (idle timeout); null until sampled. */
  lastActiveAt: z.date().nullable(),
  errorType: sessionErrorTypeSchema.nullable(),
  errorMessage: z.string().nullable(),
  version: z.number().int().nonnegative(),
});
export type Session = z.infer<typeof sessionSchema>;

/** The fields a status change or other update may write. Identity and creation facts are frozen. */
export type SessionChanges = Partial<
  Omit<Session, 'id' | 'consumerId' | 'deploymentId' | 'label' | 'provider' | 'createdAt' | 'version'>
>;

/** The label every instance carries at its provider (invariant 2). */
export function sessionLabel(deploymentId: string, sessionId: string): string {
  return `${LABEL_PREFIX}${deploymentId}-${sessionId}`;
}

export const LABEL_PREFIX = 'gpushop-';

/**
 * Reads a label back into deployment and session ids. Deployment ids are `dep_…` and session ids
 * `ses_…`, neither containing `-`, so the split is unambiguous. Returns undefined for labels that are
 * not ours (other tools, hand-made instances): those are reported, never touched.
 */
export function parseSessionLabel(label: string): { deploymentId: string; sessionId: string } | undefined {
  const match = /^gpushop-([A-Za-z0-9_]+)-([A-Za-z0-9_]+)$/.exec(label.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { deploymentId: match[1], sessionId: match[2] };
}
