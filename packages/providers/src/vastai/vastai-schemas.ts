import { z } from 'zod';

/** Wire shapes of the Vast.ai v0 API, as documented in the provider contract. Unknown fields are ignored. */

export const vastBundleSchema = z.object({
  id: z.number().int(),
  machine_id: z.number().int().nullish(),
  gpu_name: z.string(),
  /** Per-GPU memory in MB, a little under nominal (32607 for a 32 GB card). */
  gpu_ram: z.number(),
  num_gpus: z.number().int().positive(),
  /** USD per hour for the whole bundle. */
  dph_total: z.number().nonnegative(),
  geolocation: z.string().nullish(),
  reliability2: z.number().nullish(),
  rentable: z.boolean().nullish(),
  rented: z.boolean().nullish(),
  cuda_max_good: z.number().nullish(),
});
export type VastBundle = z.infer<typeof vastBundleSchema>;

export const vastBundlesResponseSchema = z.object({ offers: z.array(vastBundleSchema) });

/** `PUT /asks/{id}/`: `new_contract` is the instance id; > 0 means created even when `success` is false. */
export const vastCreateResponseSchema = z.object({
  success: z.boolean().nullish(),
  new_contract: z.number().int().nullish(),
  error: z.string().nullish(),
  msg: z.string().nullish(),
});

const portBindingSchema = z.object({ HostIp: z.string().nullish(), HostPort: z.union([z.string(), z.number()]).nullish() });

export const vastInstanceSchema = z.object({
  id: z.number().int(),
  label: z.string().nullish(),
  actual_status: z.string().nullish(),
  ssh_host: z.string().nullish(),
  ssh_port: z.number().int().nullish(),
  public_ipaddr: z.string().nullish(),
  ports: z.record(z.string(), z.array(portBindingSchema).nullish()).nullish(),
  dph_total: z.number().nullish(),
  start_date: z.number().nullish(),
});
export type VastInstance = z.infer<typeof vastInstanceSchema>;

/** `GET /instances/{id}/` wraps one object under the plural key; `null` means the instance is gone. */
export const vastInstanceResponseSchema = z.object({ instances: vastInstanceSchema.nullable() });

/** `GET /instances/`: a null list is not "no instances" — it fails the schema (invariant 5). */
export const vastInstanceListResponseSchema = z.object({ instances: z.array(vastInstanceSchema) });
