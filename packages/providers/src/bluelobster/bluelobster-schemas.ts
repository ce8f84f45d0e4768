import { z } from 'zod';

/** Wire shapes of the Blue Lobster v1 API, as documented in the provider contract. */

const regionSchema = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  location: z.object({ city: z.string().nullish(), state: z.string().nullish(), country: z.string().nullish() }).nullish(),
});

export const availableItemSchema = z.object({
  id: z.string().min(1),
  instance_type: z.object({
    name: z.string().min(1),
    price_cents_per_hour: z.number().nonnegative(),
    specs: z.object({
      gpus: z.number().int().nonnegative(),
      /** A string or, for some types, a list of names of the same card. */
      gpu_model: z.union([z.string(), z.array(z.string()).min(1)]).nullish(),
    }),
  }),
  regions_with_capacity_available: z.array(regionSchema).nullish(),
});
export type BlueLobsterAvailableItem = z.infer<typeof availableItemSchema>;

export const availableResponseSchema = z.object({ data: z.array(availableItemSchema) });

/** Launch answers flat (no `data` envelope). */
export const launchResponseSchema = z.object({
  task_id: z.string(),
  vm_uuid: z.string().nullish(),
  assigned_ip: z.string().nullish(),
  status: z.string().nullish(),
});

export const taskResponseSchema = z.object({
  task_id: z.string().nullish(),
  status: z.string(),
  message: z.string().nullish(),
  params: z.object({ vm_uuid: z.string().nullish() }).loose().nullish(),
});

export const instanceSchema = z.object({
  uuid: z.string().min(1),
  name: z.string().nullish(),
  ip_address: z.string().nullish(),
  /** Often null on running VMs: a VM with an IP and no power status is running. */
  power_status: z.string().nullish(),
  price_cents_per_hour: z.number().nullish(),
  vm_username: z.string().nullish(),
  created_at: z.string().nullish(),
  /** Not part of the vendor contract (SSH is on port 22): honoured when present, e.g. behind a port forward. */
  ssh_port: z.number().int().min(1).max(65535).nullish(),
});
export type BlueLobsterInstance = z.infer<typeof instanceSchema>;

/** The list is a plain array, no envelope. */
export const instanceListSchema = z.array(instanceSchema);

/** The three error envelopes Blue Lobster uses. */
export const errorEnvelopeSchema = z.union([
  z.object({ detail: z.object({ error: z.string(), message: z.string().nullish() }) }),
  z.object({
    error: z.string(),
    message: z.string().nullish(),
    errors: z.array(z.object({ field: z.string().nullish(), message: z.string().nullish() })).nullish(),
  }),
]);
