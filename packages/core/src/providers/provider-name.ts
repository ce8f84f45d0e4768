import { z } from 'zod';

export const PROVIDER_NAMES = ['vastai', 'tensordock', 'bluelobster'] as const;
export const providerNameSchema = z.enum(PROVIDER_NAMES);
export type ProviderName = z.infer<typeof providerNameSchema>;

/**
 * What a provider can do beyond create/get/list/destroy. Requests that need a missing capability
 * (e.g. storage policy `preserve` without stop-without-destroy) are rejected when they are made.
 */
export const providerCapabilitiesSchema = z.object({
  /** Can stop an instance and keep its disk (storage policy `preserve`). */
  stopWithoutDestroy: z.boolean(),
  /** Offers vendor templates (Vast.ai's template hash ids). */
  templates: z.boolean(),
  /** The vendor itself detects idle instances. */
  idleDetection: z.boolean(),
  /** Create returns before the instance exists; its id may appear only later. */
  asyncCreate: z.boolean(),
});
export type ProviderCapabilities = z.infer<typeof providerCapabilitiesSchema>;
