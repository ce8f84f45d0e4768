import { ValidationError, SafetyLimitExceededError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type ProviderName } from '../providers/provider-name.js';
import { addHours, addMs } from '../time/clock.js';
import { sessionEvent, type SessionEvent } from './session-event.js';
import {
  MAX_RESERVATION_HOURS,
  MIN_RESERVATION_HOURS,
  consumerIdSchema,
  sessionLabel,
  type OnPreempt,
  type RetryScope,
  type Session,
  type StoragePolicy,
  type WorkloadType,
} from './session.js';

export interface NewSessionInput {
  readonly consumerId: string;
  readonly provider: ProviderName;
  readonly offerId: string;
  readonly gpuType: string;
  readonly gpuCount: number;
  readonly pricePerHourMicros: number;
  readonly reservationHours: number;
  readonly workloadType: WorkloadType;
  readonly idleTimeoutMinutes: number;
  readonly storagePolicy: StoragePolicy;
  readonly templateHashId?: string | null;
  readonly diskGb?: number | null;
  readonly sshPublicKey: string;
  readonly autoRetry?: { readonly maxAttempts: number; readonly scope: RetryScope } | null;
  /** An interruptible (spot) rental: the bid placed, the highest bid allowed and the preemption policy. */
  readonly spot?: {
    readonly bidPerHourMicros: number;
    readonly maxBidPerHourMicros: number;
    readonly onPreempt: OnPreempt;
    /** The on-demand price of the same GPU at rental time (the reference for spot savings); null when none was listed. */
    readonly onDemandPricePerHourMicros?: number | null;
  } | null;
}

export interface NewSessionContext {
  readonly sessionId: string;
  readonly eventId: string;
  readonly deploymentId: string;
  readonly now: Date;
  readonly hardMaxHours: number;
  readonly provisioningTimeoutMs: number;
}

/**
 * Builds the intent record of a session (status `pending`, label, key, deadlines) and its `created`
 * event. It is committed before any provider call (invariant 1). Reservation hours are bounded by
 * 1–12 and by the hard max, so a request can never reserve past it.
 */
export function createSessionIntent(
  input: NewSessionInput,
  ctx: NewSessionContext,
): Result<{ session: Session; event: SessionEvent }, ValidationError | SafetyLimitExceededError> {
  const consumer = consumerIdSchema.safeParse(input.consumerId);
  if (!consumer.success) {
    return Err(new ValidationError(`invalid consumer id '${input.consumerId}'`, [{ path: 'consumer_id', message: consumer.error.issues[0]?.message ?? 'invalid' }]));
  }
  const hours = input.reservationHours;
  if (!Number.isInteger(hours) || hours < MIN_RESERVATION_HOURS || hours > MAX_RESERVATION_HOURS) {
    return Err(
      new ValidationError(`reservation hours must be an integer from ${MIN_RESERVATION_HOURS} to ${MAX_RESERVATION_HOURS}, got ${hours}`, [
        { path: 'reservation_hours', message: 'out of range' },
      ]),
    );
  }
  if (hours > ctx.hardMaxHours) {
    return Err(new SafetyLimitExceededError('hard_max_hours', hours, ctx.hardMaxHours, `reservation of ${hours} h exceeds the hard maximum of ${ctx.hardMaxHours} h`));
  }
  if (input.autoRetry && (!Number.isInteger(input.autoRetry.maxAttempts) || input.autoRetry.maxAttempts < 1 || input.autoRetry.maxAttempts > 10)) {
    return Err(new ValidationError('max_retries must allow 1 to 10 attempts in all', [{ path: 'max_retries', message: 'out of range' }]));
  }
  if (!Number.isInteger(input.idleTimeoutMinutes) || input.idleTimeoutMinutes < 0) {
    return Err(new ValidationError('idle timeout must be a non-negative whole number of minutes', [{ path: 'idle_timeout_minutes', message: 'invalid' }]));
  }
  const session: Session = {
    id: ctx.sessionId,
    consumerId: consumer.data,
    deploymentId: ctx.deploymentId,
    label: sessionLabel(ctx.deploymentId, ctx.sessionId),
    provider: input.provider,
    offerId: input.offerId,
    providerInstanceId: null,
    gpuType: input.gpuType,
    gpuCount: input.gpuCount,
    status: 'pending',
    workloadType: input.workloadType,
    reservationHours: hours,
    idleTimeoutMinutes: input.idleTimeoutMinutes,
    storagePolicy: input.storagePolicy,
    templateHashId: input.templateHashId ?? null,
    diskGb: input.diskGb ?? null,
    pricePerHourMicros: input.pricePerHourMicros,
    interruptible: input.spot != null,
    bidPerHourMicros: input.spot?.bidPerHourMicros ?? null,
    maxBidPerHourMicros: input.spot?.maxBidPerHourMicros ?? null,
    onPreempt: input.spot?.onPreempt ?? null,
    preemptions: 0,
    priorBilledSeconds: 0,
    priorCostMicros: 0,
    onDemandPricePerHourMicros: input.spot?.onDemandPricePerHourMicros ?? null,
    autoRetry: input.autoRetry != null && input.autoRetry.maxAttempts > 1,
    retryScope: input.autoRetry?.scope ?? 'same_gpu',
    maxAttempts: input.autoRetry?.maxAttempts ?? 1,
    attempt: 1,
    triedOfferIds: [],
    sshHost: null,
    sshPort: null,
    sshUser: null,
    sshPublicKey: input.sshPublicKey,
    hostKeyFingerprint: null,
    createdAt: ctx.now,
    statusChangedAt: ctx.now,
    expiresAt: addHours(ctx.now, hours),
    hardMaxAt: addHours(ctx.now, ctx.hardMaxHours),
    hardMaxOverride: false,
    provisioningDeadline: addMs(ctx.now, ctx.provisioningTimeoutMs),
    billingStartedAt: null,
    stoppedAt: null,
    stopReason: null,
    destroyAttempts: 0,
    nextDestroyAt: null,
    lastDestroyError: null,
    lastActiveAt: null,
    errorType: null,
    errorMessage: null,
    version: 0,
  };
  const event = sessionEvent({
    id: ctx.eventId,
    sessionId: ctx.sessionId,
    type: 'created',
    toStatus: 'pending',
    actor: 'api',
    reason: `reserved ${hours} h of ${input.gpuCount}× ${input.gpuType} on ${input.provider}`,
    at: ctx.now,
    data: {
      offerId: input.offerId,
      pricePerHourMicros: input.pricePerHourMicros,
      ...(input.spot ? { bidPerHourMicros: input.spot.bidPerHourMicros, maxBidPerHourMicros: input.spot.maxBidPerHourMicros, onPreempt: input.spot.onPreempt } : {}),
    },
  });
  return Ok({ session, event });
}
