import { z } from 'zod';

/** Wire shapes of the TensorDock v2 API, as documented in the provider contract. */

const gpuSchema = z.object({
  v0Name: z.string().min(1),
  displayName: z.string().nullish(),
  max_count: z.number().int().nonnegative(),
  /** GPU-only price; vCPU, RAM and storage are billed on top (see `pricing`). */
  price_per_hr: z.number().nonnegative(),
  pricing: z
    .object({ per_vcpu_hr: z.number().nullish(), per_gb_ram_hr: z.number().nullish(), per_gb_storage_hr: z.number().nullish() })
    .nullish(),
});

const locationSchema = z.object({
  id: z.string().min(1),
  city: z.string().nullish(),
  stateprovince: z.string().nullish(),
  country: z.string().nullish(),
  tier: z.number().nullish(),
  gpus: z.array(gpuSchema).nullish(),
});
export type TensorDockLocation = z.infer<typeof locationSchema>;

/** `null`, `{}`, `{"data":{}}` and `{"data":{"locations":null}}` are an empty catalogue; other shapes are errors. */
export const locationsResponseSchema = z
  .object({ data: z.object({ locations: z.array(locationSchema).nullish() }).nullish() })
  .nullable();

export const createResponseSchema = z.object({
  data: z.object({ id: z.string(), status: z.string().nullish(), name: z.string().nullish() }),
});

/** An error hidden in a 200: `{"status": 400, "error": "No available nodes found"}`. */
export const embeddedErrorSchema = z.object({ status: z.number().int().min(400), error: z.string().nullish() });

/** Validation failures come back as a JSON array of `{code, message, path}`. */
export const validationErrorsSchema = z.array(z.object({ message: z.string() }).loose()).min(1);

const portForwardSchema = z.object({ internal_port: z.number().int(), external_port: z.number().int() }).loose();

export const instanceSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string().nullish(),
  ipAddress: z.string().nullish(),
  portForwards: z.array(portForwardSchema).nullish(),
  rateHourly: z.number().nullish(),
  price_per_hour: z.number().nullish(),
  created_at: z.string().nullish(),
});
export type TensorDockInstance = z.infer<typeof instanceSchema>;

/** The list comes in two envelopes: `{"data":[…]}` or `{"data":{"instances":[…]}}`. */
export const instanceListResponseSchema = z.object({
  data: z.union([z.array(instanceSchema), z.object({ instances: z.array(instanceSchema) })]),
});
