import { type ConsumerDto, type InstanceCostDto, type OfferDto, type SessionDto, type SessionEventDto } from '@gpu-shopper/contract';
import {
  costSoFar,
  isSessionRetrySuggested,
  microsToUsd,
  type ApiKey,
  type Budget,
  type Consumer,
  type InstanceCostRecord,
  type Offer,
  type ProviderInventoryStatus,
  type Session,
  type SessionEvent,
} from '@gpu-shopper/core';


const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export function offerToDto(offer: Offer): OfferDto {
  return {
    id: offer.id,
    provider: offer.provider,
    provider_offer_id: offer.providerOfferId,
    gpu_type: offer.gpuType,
    gpu_name: offer.gpuName,
    gpu_known: offer.gpuKnown,
    gpu_count: offer.gpuCount,
    vram_gb: offer.vramGbPerGpu,
    price_per_hour: microsToUsd(offer.pricePerHourMicros),
    price_per_hour_micros: offer.pricePerHourMicros,
    location: offer.location,
    reliability: offer.reliability,
    cuda_version: offer.cudaVersion,
    available: offer.available,
    fetched_at: iso(offer.fetchedAt),
    simulated: offer.simulated,
    interruptible: offer.interruptible === true,
    min_bid: offer.interruptible === true && typeof offer.minBidPerHourMicros === 'number' ? microsToUsd(offer.minBidPerHourMicros) : null,
    min_bid_micros: offer.interruptible === true && typeof offer.minBidPerHourMicros === 'number' ? offer.minBidPerHourMicros : null,
    capabilities: {
      stop_without_destroy: offer.capabilities.stopWithoutDestroy,
      templates: offer.capabilities.templates,
      idle_detection: offer.capabilities.idleDetection,
      async_create: offer.capabilities.asyncCreate,
    },
  };
}

export function providerStatusToDto(status: ProviderInventoryStatus) {
  return {
    provider: status.provider,
    state: status.state,
    offer_count: status.offerCount,
    fetched_at: isoOrNull(status.fetchedAt),
    stale_since: isoOrNull(status.staleSince),
    rate_limited_until: isoOrNull(status.rateLimitedUntil),
    error_code: status.errorCode,
    error_message: status.errorMessage,
  };
}

/**
 * The wire view of a session. Cost so far is core's `costSoFar`: the ledger's per-second formula, so
 * it matches the ledger exactly once accrual catches up.
 */
export function sessionToDto(session: Session, now: Date, simulated: boolean): SessionDto {
  const costMicros = costSoFar(session, now);
  const ssh = session.sshHost && session.sshPort && session.sshUser ? `ssh -p ${session.sshPort} ${session.sshUser}@${session.sshHost}` : null;
  return {
    id: session.id,
    consumer_id: session.consumerId,
    provider: session.provider,
    offer_id: session.offerId,
    provider_instance_id: session.providerInstanceId,
    gpu_type: session.gpuType,
    gpu_count: session.gpuCount,
    status: session.status,
    workload_type: session.workloadType,
    reservation_hours: session.reservationHours,
    idle_timeout: session.idleTimeoutMinutes,
    storage_policy: session.storagePolicy,
    price_per_hour: microsToUsd(session.pricePerHourMicros),
    price_per_hour_micros: session.pricePerHourMicros,
    ssh_host: session.sshHost,
    ssh_port: session.sshPort,
    ssh_user: session.sshUser,
    ssh_command: ssh,
    created_at: iso(session.createdAt),
    expires_at: iso(session.expiresAt),
    hard_max_at: iso(session.hardMaxAt),
    stopped_at: isoOrNull(session.stoppedAt),
    stop_reason: session.stopReason,
    error: session.errorMessage,
    error_type: session.errorType,
    retry_suggested: session.errorType !== null && isSessionRetrySuggested(session.errorType),
    auto_retry: session.autoRetry,
    attempt: session.attempt,
    interruptible: session.interruptible,
    bid: session.bidPerHourMicros === null ? null : microsToUsd(session.bidPerHourMicros),
    max_bid: session.maxBidPerHourMicros === null ? null : microsToUsd(session.maxBidPerHourMicros),
    on_preempt: session.onPreempt,
    preemptions: session.preemptions,
    on_demand_price: session.onDemandPricePerHourMicros === null ? null : microsToUsd(session.onDemandPricePerHourMicros),
    on_demand_price_micros: session.onDemandPricePerHourMicros,
    cost_so_far: microsToUsd(costMicros),
    cost_so_far_micros: costMicros,
    simulated,
  };
}

/** One instance as the cost ledger records it (session detail and cost reports). */
export function instanceCostToDto(record: InstanceCostRecord): InstanceCostDto {
  return {
    session_id: record.sessionId,
    provider_instance_id: record.providerInstanceId,
    provider: record.provider as InstanceCostDto['provider'],
    gpu_type: record.gpuType,
    interruptible: record.interruptible,
    bid: record.bidPerHourMicros === null ? null : microsToUsd(record.bidPerHourMicros),
    bid_micros: record.bidPerHourMicros,
    on_demand_price: record.onDemandPricePerHourMicros === null ? null : microsToUsd(record.onDemandPricePerHourMicros),
    on_demand_price_micros: record.onDemandPricePerHourMicros,
    started_at: iso(record.startedAt),
    ended_at: iso(record.endedAt),
    lifetime_seconds: record.lifetimeSeconds,
    cost: microsToUsd(record.costMicros),
    cost_micros: record.costMicros,
    on_demand_cost_micros: record.onDemandCostMicros,
    saving_micros: record.savingMicros,
  };
}

export function sessionEventToDto(event: SessionEvent): SessionEventDto {
  return {
    id: event.id,
    session_id: event.sessionId,
    type: event.type,
    from_status: event.fromStatus,
    to_status: event.toStatus,
    actor: event.actor,
    reason: event.reason,
    occurred_at: iso(event.occurredAt),
  };
}

export function consumerToDto(consumer: Consumer, keys: readonly ApiKey[], budget: Budget | undefined, spentThisMonthMicros: number): ConsumerDto {
  return {
    id: consumer.id,
    name: consumer.name,
    created_at: iso(consumer.createdAt),
    disabled_at: isoOrNull(consumer.disabledAt),
    api_keys: keys.map((key) => ({
      id: key.id,
      prefix: key.prefix,
      created_at: iso(key.createdAt),
      revoked_at: isoOrNull(key.revokedAt),
      last_used_at: isoOrNull(key.lastUsedAt),
    })),
    budget: budget
      ? {
          monthly_limit: microsToUsd(budget.monthlyLimitMicros),
          monthly_limit_micros: budget.monthlyLimitMicros,
          spent_this_month: microsToUsd(spentThisMonthMicros),
          spent_this_month_micros: spentThisMonthMicros,
          alerts_sent: [...budget.alertsSent],
        }
      : null,
  };
}
