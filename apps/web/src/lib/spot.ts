import type { Offer } from '@gpu-shopper/client';

/**
 * Spot (interruptible) terms as the server works them out (docs/api.md, "Spot sessions"), so the
 * rent dialog shows the bid and the worst case the server will count before anything is rented.
 */

/** The margin over the minimum bid a spot session bids by default, in percent. */
export const DEFAULT_BID_MARGIN_PERCENT = 10;

/** The default maximum bid: the minimum bid plus the margin (µUSD per hour, rounded up as the server does). */
export function defaultMaxBidMicros(minBidMicros: number): number {
  return Math.ceil((minBidMicros * (100 + DEFAULT_BID_MARGIN_PERCENT)) / 100);
}

/** The bid placed: the minimum plus the margin, never above the maximum bid. */
export function bidMicros(minBidMicros: number, maxBidMicros: number): number {
  return Math.min(maxBidMicros, defaultMaxBidMicros(minBidMicros));
}

/** The disk's storage rate a spot offer's price carries on top of its minimum bid (billed beside the bid). */
export function storageMicros(offer: Pick<Offer, 'price_per_hour_micros' | 'min_bid_micros'>): number {
  return Math.max(0, offer.price_per_hour_micros - (offer.min_bid_micros ?? offer.price_per_hour_micros));
}

/** The highest bid the API accepts, USD per hour. */
export const MAX_BID_LIMIT_USD = 128;

/**
 * A typed maximum bid in µUSD per hour, or why it cannot be used: a number, above zero, at least
 * the offer's minimum bid (under it the instance would never run) and within the API's limit.
 */
export function parseMaxBid(text: string, minBidMicros: number): { ok: true; micros: number } | { ok: false; reason: string } {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) return { ok: false, reason: 'Enter a maximum bid in USD per hour.' };
  if (value > MAX_BID_LIMIT_USD) return { ok: false, reason: `A bid is at most $${MAX_BID_LIMIT_USD}/h.` };
  const micros = Math.round(value * 1e6);
  if (micros < minBidMicros) return { ok: false, reason: `Under the minimum bid of $${(minBidMicros / 1e6).toFixed(4)}/h the instance would never run.` };
  return { ok: true, micros };
}
