import { z } from 'zod';

import { providerNameSchema } from '../providers/provider-name.js';

export const OFFER_FAILURE_TYPES = [
  'offer_unavailable',
  'provider_error',
  'ssh_timeout',
  'ssh_auth_failed',
  'readiness_timeout',
  'instance_stopped',
  'instance_vanished',
  'provisioning_timeout',
  'unknown',
] as const;
export const offerFailureTypeSchema = z.enum(OFFER_FAILURE_TYPES);
export type OfferFailureType = z.infer<typeof offerFailureTypeSchema>;

/**
 * Failures on the provider's side, before the consumer could reach the node. The others (SSH
 * refused, readiness never reached, instance stopped or vanished) can be caused by the consumer
 * itself — it holds the node's key from the start — so each consumer counts for at most one of those
 * towards suppressing an offer for everyone.
 */
export const PROVIDER_SIDE_FAILURES: ReadonlySet<OfferFailureType> = new Set(['offer_unavailable', 'provider_error']);

/** One failed attempt to use an offer; repeated failures suppress the offer (and its host) for a while. */
export const offerFailureSchema = z.object({
  id: z.string().min(1),
  offerId: z.string().min(1),
  provider: providerNameSchema,
  gpuType: z.string().min(1),
  /** Host/machine identity when the provider exposes one, so retries can avoid a bad host. */
  hostId: z.string().nullable(),
  failureType: offerFailureTypeSchema,
  reason: z.string(),
  sessionId: z.string().nullable(),
  /** The consumer whose session failed (null: no session, or recorded before this was kept). */
  consumerId: z.string().nullable(),
  occurredAt: z.date(),
});
export type OfferFailure = z.infer<typeof offerFailureSchema>;
