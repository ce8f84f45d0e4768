import { z } from 'zod';

/**
 * The vendors' response shapes as their own references and real traffic show them (see
 * test/fixtures/real/SOURCES), written independently of the adapters' schemas. Both the real
 * fixtures and the simulator's answers are checked against them, so the simulator cannot drift
 * from reality unnoticed — and the simulator itself never imports them (it imports nothing of ours).
 * Only the fields that identify a shape are required; everything else may vary.
 */

// ---- Vast.ai ----
export const vastInstanceShape = z.looseObject({
  id: z.number().int(),
  actual_status: z.string().nullable(),
  label: z.string().nullable().optional(),
  ssh_host: z.string().nullable().optional(),
  ssh_port: z.number().int().nullable().optional(),
  machine_id: z.number().int().optional(),
  start_date: z.number().nullable().optional(),
  // Documented as a list in one example and a map of bindings (entries may be null) in another.
  ports: z
    .union([z.array(z.number()), z.record(z.string(), z.array(z.looseObject({ HostPort: z.union([z.string(), z.number()]) })).nullable())])
    .nullable()
    .optional(),
});
export const vastInstanceReadShape = z.looseObject({ instances: vastInstanceShape.nullable() });
export const vastInstancePageShape = z.looseObject({
  instances: z.array(vastInstanceShape).max(25),
  next_token: z.string().min(1).nullable(),
  total_instances: z.number().int().optional(),
});
export const vastOffersShape = z.looseObject({
  offers: z.array(
    z.looseObject({ id: z.number().int(), machine_id: z.number().int(), gpu_name: z.string(), gpu_ram: z.number(), num_gpus: z.number().int(), dph_total: z.number() }),
  ),
});
export const vastNoSuchAskShape = z.looseObject({
  success: z.literal(false),
  error: z.string(),
  msg: z.string().regex(/no_such_ask/),
  ask_id: z.union([z.number(), z.string()]),
});
export const vastRateLimitedShape = z.looseObject({ detail: z.string() });

// ---- TensorDock ----
const tensorDockAttributes = z.looseObject({ name: z.string(), status: z.string() });
const tensorDockItem = z.looseObject({ type: z.string(), id: z.string().min(1), attributes: tensorDockAttributes });
/** The reference's `data.instances` or the getting-started page's `data.attributes.instances`; items are JSON:API. */
export const tensorDockListShape = z.union([
  z.looseObject({ data: z.looseObject({ instances: z.array(tensorDockItem) }) }),
  z.looseObject({ data: z.looseObject({ type: z.literal('list'), attributes: z.looseObject({ instances: z.array(tensorDockItem) }) }) }),
]);
const portForwardList = z.array(z.looseObject({ internal_port: z.number(), external_port: z.number() }));
/** Flat (the reference's Get Instance) or JSON:API wrapped. */
export const tensorDockInstanceShape = z.union([
  z.looseObject({ id: z.string().min(1), name: z.string(), status: z.string(), portForwards: z.union([portForwardList, z.record(z.string(), z.number())]).optional() }),
  z.looseObject({ data: tensorDockItem }),
]);
export const tensorDockDeleteShape = z.looseObject({ data: z.looseObject({ type: z.literal('success') }) });

// ---- Blue Lobster ----
export const BLUE_LOBSTER_TASK_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export const blueLobsterTaskShape = z.looseObject({
  task_id: z.string().min(1),
  status: z.enum(BLUE_LOBSTER_TASK_STATUSES),
  message: z.string().nullable().optional(),
  params: z.looseObject({}).nullable().optional(),
});
export const blueLobsterQueuedShape = z.looseObject({ task_id: z.string().min(1), status: z.literal('PENDING') });
export const blueLobsterInstanceShape = z.looseObject({
  uuid: z.string().min(1),
  name: z.string(),
  ip_address: z.string().nullable(),
  power_status: z.string().nullable().optional(),
  created_at: z.string().optional(),
});
export const blueLobsterListShape = z.array(blueLobsterInstanceShape);
