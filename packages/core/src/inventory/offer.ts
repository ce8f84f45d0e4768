import { z } from 'zod';

import { providerCapabilitiesSchema, providerNameSchema } from '../providers/provider-name.js';

/**
 * One rentable configuration at one provider, normalised. Never persisted: offers live in the
 * inventory cache. `gpuType` is the canonical SKU id when the raw name is known, otherwise the
 * tidied raw name with `gpuKnown: false` (kept and flagged, never dropped).
 */
export const offerSchema = z.object({
  /** Unified id used by the API and CLI (`vastai-12345`, `tensordock-<uuid>-<gpu>`…). */
  id: z.string().min(1),
  provider: providerNameSchema,
  /** The provider's own id for the offer (Vast bundle id, TensorDock location id…). */
  providerOfferId: z.string().min(1),
  gpuType: z.string().min(1),
  gpuName: z.string().min(1),
  gpuKnown: z.boolean(),
  gpuCount: z.number().int().positive(),
  vramGbPerGpu: z.number().nonnegative(),
  /** Total price of the offer (all its GPUs) per hour, in µUSD. */
  pricePerHourMicros: z.number().int().nonnegative(),
  location: z.string(),
  /** 0–1; null when the provider publishes none (then min-reliability filters exclude it). */
  reliability: z.number().min(0).max(1).nullable(),
  /** Highest CUDA version the host supports, `major.minor`; null when unknown. */
  cudaVersion: z.string().regex(/^\d+(\.\d+)?$/).nullable(),
  available: z.boolean(),
  fetchedAt: z.date(),
  capabilities: providerCapabilitiesSchema,
  /** Template hash ids the offer is known to support (Vast.ai); empty when not applicable. */
  templateHashIds: z.array(z.string()),
  /** True when the offer comes from the built-in simulator rather than a real vendor. */
  simulated: z.boolean(),
  /**
   * The physical host behind the offer when the vendor exposes one (Vast's machine id), so a retry
   * can avoid a host that just failed even under a different offer id. Optional: adapters that do
   * not know it leave it out.
   */
  hostId: z.string().min(1).nullable().optional(),
  /**
   * An interruptible (spot) offer: rented with a bid, and stopped when a higher bid takes the
   * machine (Vast.ai only). Absent means on-demand. Its `pricePerHourMicros` is the price at the
   * minimum bid.
   */
  interruptible: z.boolean().optional(),
  /** The lowest bid the vendor currently accepts for an interruptible offer, µUSD per hour; null when it states none. */
  minBidPerHourMicros: z.number().int().nonnegative().nullable().optional(),
});
export type Offer = z.infer<typeof offerSchema>;

/** Which pricing a listing asks for: on-demand only (the default), interruptible (spot) only, or both. */
export const OFFER_PRICINGS = ['on-demand', 'spot', 'any'] as const;
export const offerPricingSchema = z.enum(OFFER_PRICINGS);
export type OfferPricing = z.infer<typeof offerPricingSchema>;

/** Whether an offer belongs in a listing of `pricing`; an offer that says nothing is on-demand. */
export function offerMatchesPricing(offer: Pick<Offer, 'interruptible'>, pricing: OfferPricing = 'on-demand'): boolean {
  if (pricing === 'any') return true;
  return (offer.interruptible === true) === (pricing === 'spot');
}
