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

const portForwardSchema = z.object({ internal_port: z.coerce.number().int(), external_port: z.coerce.number().int() }).loose();

/**
 * The fields of one VM, wherever the envelope puts them. `portForwards` is a list of
 * `{internal_port, external_port}` in the vendor's reference and a map internal → external in
 * independent descriptions of the API: both are read.
 */
const instanceFieldsSchema = z.object({
  name: z.string().nullish(),
  status: z.string().nullish(),
  ipAddress: z.string().nullish(),
  portForwards: z.union([z.array(portForwardSchema), z.record(z.string(), z.coerce.number().int())]).nullish(),
  rateHourly: z.number().nullish(),
  price_per_hour: z.number().nullish(),
  created_at: z.string().nullish(),
});

/**
 * One VM, flat (`{id, name, status, …}`, as `GET /instances/{id}` answers) or JSON:API style
 * (`{type, id, attributes: {name, status, …}}`, as the listing does). Both become the flat form;
 * reading only the top level of a nested item would lose its name, and with it our label.
 */
export const instanceSchema = z
  .object({ id: z.string().min(1), attributes: instanceFieldsSchema.nullish() })
  .and(instanceFieldsSchema)
  .transform(({ attributes, ...flat }) => ({
    ...flat,
    ...Object.fromEntries(Object.entries(attributes ?? {}).filter(([, value]) => value !== undefined && value !== null)),
  }));
export type TensorDockInstance = z.infer<typeof instanceSchema>;

/** `GET /instances/{id}`: the VM itself, or wrapped as `{"data": {type, id, attributes}}`. */
export const instanceResponseSchema = z.union([z.object({ data: instanceSchema }).transform(({ data }) => data), instanceSchema]);

/**
 * The list comes in three envelopes: `{"data":[…]}`, `{"data":{"instances":[…]}}` (the vendor's
 * reference) and `{"data":{"attributes":{"instances":[…]}}}` (its getting-started page).
 */
export const instanceListResponseSchema = z
  .object({
    data: z.union([
      z.array(instanceSchema),
      z.object({ instances: z.array(instanceSchema) }),
      z.object({ attributes: z.object({ instances: z.array(instanceSchema) }) }),
    ]),
  })
  .transform(({ data }) => (Array.isArray(data) ? data : 'instances' in data ? data.instances : data.attributes.instances));
