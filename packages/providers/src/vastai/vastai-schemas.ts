import { z } from 'zod';

/**
 * Wire shapes of the Vast.ai API. Only the fields the adapter reads are validated, and only as
 * strictly as it needs: Vast's own examples disagree on the shape of fields we do not use (`ports`
 * is a list in one, a map with null entries in another), and rejecting a running instance over
 * one of them would hide it. Unknown fields are ignored.
 */

/**
 * One search result. The adapter checks bundles in place with the same verdicts (`isVastBundle`,
 * vastai-bundles.ts, held to this schema by its tests) rather than parsing a copy of each.
 */
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
  dph_base: z.number().nullish(),
  /** USD per GB per month of disk. */
  storage_cost: z.number().nullish(),
  /** The lowest bid accepted for an interruptible rental, USD per hour (also present on on-demand results). */
  min_bid: z.number().nullish(),
});
export type VastBundle = z.infer<typeof vastBundleSchema>;

/** A list of bundles; the vendor's reference example shows a single bundle object, read as a list of one. */
export const vastBundlesResponseSchema = z.object({
  offers: z.union([z.array(vastBundleSchema), vastBundleSchema.transform((bundle) => [bundle])]),
});

/** `PUT /asks/{id}/`: `new_contract` is the instance id; > 0 means created even when `success` is false. */
export const vastCreateResponseSchema = z.object({
  success: z.boolean().nullish(),
  new_contract: z.number().int().nullish(),
  error: z.string().nullish(),
  msg: z.string().nullish(),
});

export const vastInstanceSchema = z.object({
  id: z.number().int(),
  label: z.string().nullish(),
  actual_status: z.string().nullish(),
  /** What the owner asked for (running, stopped, frozen): `running` with a stopped container means Vast stopped it, not us. */
  intended_status: z.string().nullish(),
  ssh_host: z.string().nullish(),
  ssh_port: z.number().int().nullish(),
  public_ipaddr: z.string().nullish(),
  /** Not read: a list of ports, a map of bindings, or a map with null entries, depending on the instance. */
  ports: z.unknown().optional(),
  machine_id: z.number().int().nullish(),
  dph_total: z.number().nullish(),
  start_date: z.number().nullish(),
  /** USD per GB per month of disk, as on offers: what a stopped instance still bills, with disk_space (GB). */
  storage_cost: z.number().nullish(),
  disk_space: z.number().nullish(),
});
export type VastInstance = z.infer<typeof vastInstanceSchema>;

/** `GET /instances/{id}/` wraps one object under the plural key; `null` means the instance is gone. */
export const vastInstanceResponseSchema = z.object({ instances: vastInstanceSchema.nullable() });

/**
 * `GET /api/v1/instances/` (v0's list is deprecated): pages of at most 25, `next_token` until the
 * last page. A null list is not "no instances" — it fails the schema (invariant 5).
 */
export const vastInstancePageSchema = z.object({ instances: z.array(vastInstanceSchema), next_token: z.string().min(1).nullish() });

/** `GET /users/current/`: the account; `credit` is the balance in USD. */
export const vastUserSchema = z.object({ credit: z.number() });

/**
 * `GET /template/` (rows under `templates`, as the official CLI reads them). Only what a template
 * listing shows is validated; `extra_filters` is a JSON document in a string (an object is also read).
 */
export const vastTemplateSchema = z.object({
  id: z.number().int(),
  hash_id: z.string().min(1),
  name: z.string().nullish(),
  image: z.string().nullish(),
  tag: z.string().nullish(),
  env: z.string().nullish(),
  onstart: z.string().nullish(),
  runtype: z.string().nullish(),
  args_str: z.string().nullish(),
  use_ssh: z.boolean().nullish(),
  ssh_direct: z.boolean().nullish(),
  recommended: z.boolean().nullish(),
  recommended_disk_space: z.number().nullish(),
  extra_filters: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  creator_id: z.number().nullish(),
  created_at: z.number().nullish(),
  count_created: z.number().nullish(),
});
export type VastTemplate = z.infer<typeof vastTemplateSchema>;

export const vastTemplatesResponseSchema = z.object({ templates: z.array(vastTemplateSchema) });
