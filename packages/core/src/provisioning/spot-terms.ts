import { ValidationError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type InventoryService } from '../inventory/inventory-service.js';
import { type Offer } from '../inventory/offer.js';
import { elapsedSeconds, formatUsd } from '../money/money.js';
import { bidFor, DEFAULT_BID_MARGIN_PERCENT, type OnPreempt, type Session } from '../sessions/session.js';

/** How a session rents: on-demand (the default) or interruptible with a bid. */
export type SessionPricing = 'on-demand' | 'spot';

/** What a spot session is rented at: its bid, the cap on any later bid, the storage rate, and the preemption policy. */
export interface SpotTerms {
  readonly bidPerHourMicros: number;
  readonly maxBidPerHourMicros: number;
  /** The disk's storage rate, billed on top of the bid (Vast's spot prices include it). */
  readonly storagePerHourMicros: number;
  readonly onPreempt: OnPreempt;
}

/** The storage rate an interruptible offer's price carries on top of its minimum bid. */
export function offerStorageRate(offer: Pick<Offer, 'pricePerHourMicros' | 'minBidPerHourMicros'>): number {
  return Math.max(0, offer.pricePerHourMicros - (offer.minBidPerHourMicros ?? offer.pricePerHourMicros));
}

/** The default maximum bid: the offer's minimum bid plus DEFAULT_BID_MARGIN_PERCENT. */
export function defaultMaxBid(minBidPerHourMicros: number): number {
  return Math.ceil((minBidPerHourMicros * (100 + DEFAULT_BID_MARGIN_PERCENT)) / 100);
}

/**
 * Checks that the offer matches the pricing asked for and, for spot, works out the bid. A spot
 * offer is never rented on-demand by accident, nor an on-demand offer with a bid; a maximum bid
 * under the offer's minimum is refused (the instance would never run).
 */
export function spotTermsFor(
  offer: Offer,
  pricing: SessionPricing,
  maxBidPerHourMicros: number | null | undefined,
  onPreempt: OnPreempt | null | undefined,
): Result<SpotTerms | null, ValidationError> {
  const interruptible = offer.interruptible === true;
  if (pricing === 'on-demand') {
    if (interruptible) {
      return Err(
        new ValidationError(`offer ${offer.id} is interruptible (spot): rent it with pricing "spot" (and optionally max_bid), or choose an on-demand offer`, [
          { path: 'pricing', message: 'an interruptible (spot) offer needs pricing "spot"' },
        ]),
      );
    }
    if (maxBidPerHourMicros != null || onPreempt != null) {
      return Err(new ValidationError('max_bid and on_preempt apply to spot sessions only (pricing "spot")', [{ path: 'pricing', message: 'max_bid and on_preempt need pricing "spot"' }]));
    }
    return Ok(null);
  }
  if (!interruptible) {
    return Err(
      new ValidationError(`offer ${offer.id} is not interruptible: only Vast.ai offers listed with pricing=spot can be rented with a bid`, [
        { path: 'offer_id', message: 'not an interruptible (spot) offer' },
      ]),
    );
  }
  const minBid = offer.minBidPerHourMicros ?? null;
  if (minBid === null) {
    return Err(new ValidationError(`offer ${offer.id} states no minimum bid`, [{ path: 'offer_id', message: 'no minimum bid' }]));
  }
  const maxBid = maxBidPerHourMicros ?? defaultMaxBid(minBid);
  if (maxBid < minBid) {
    return Err(
      new ValidationError(`a maximum bid of ${formatUsd(maxBid, 4)}/h is under offer ${offer.id}'s minimum bid of ${formatUsd(minBid, 4)}/h: the instance would never run`, [
        { path: 'max_bid', message: 'under the minimum bid' },
      ]),
    );
  }
  return Ok({ bidPerHourMicros: bidFor(minBid, maxBid), maxBidPerHourMicros: maxBid, storagePerHourMicros: offerStorageRate(offer), onPreempt: onPreempt ?? 'end' });
}

/**
 * What the GPU of a spot offer costs on-demand: the cheapest on-demand offer listed at the same
 * provider with the same GPU and count, µUSD per hour. The reference spot savings are measured
 * against, taken when an instance is rented; null when none is listed (no saving is claimed then)
 * or the inventory cannot answer (a rental never waits on it).
 */
export async function onDemandReferencePrice(inventory: Pick<InventoryService, 'query'>, offer: Pick<Offer, 'provider' | 'gpuType' | 'gpuCount'>): Promise<number | null> {
  try {
    const answer = await inventory.query({ provider: offer.provider, pricing: 'on-demand', sort: 'price', minGpus: offer.gpuCount });
    const same = answer.offers.filter((o) => o.interruptible !== true && o.gpuType === offer.gpuType && o.gpuCount === offer.gpuCount);
    return same.length === 0 ? null : Math.min(...same.map((o) => o.pricePerHourMicros));
  } catch {
    return null;
  }
}

/**
 * What a `preempted` event records of the outbid instance, whoever saw it (a reconciliation pass on a
 * running session, the saga on one still coming up): the instance, its bid, and its lifetime up to
 * the sighting, where its billing ends.
 */
export function preemptionRecord(session: Session, providerInstanceId: string | null, seenAt: Date) {
  const started = session.billingStartedAt;
  return {
    providerInstanceId,
    offerId: session.offerId,
    bidPerHourMicros: session.bidPerHourMicros,
    billingStartedAt: started?.toISOString() ?? null,
    preemptedAt: seenAt.toISOString(),
    lifetimeSeconds: started ? elapsedSeconds(started, seenAt) : 0,
    onPreempt: session.onPreempt,
  };
}
