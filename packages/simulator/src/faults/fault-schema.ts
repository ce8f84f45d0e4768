import { z } from 'zod';

import { OPERATIONS, VENDOR_NAMES, VENDOR_OPERATIONS, type Operation, type VendorName } from '../model.js';

/**
 * The fault model. Every fault names a `kind` and optionally narrows where it fires (`vendor`,
 * `operation`, `instanceId`); `count` limits how many times it fires (unlimited when absent) and
 * `probability` makes each match fire only sometimes, rolled on the seeded fault stream.
 */
const base = {
  vendor: z.enum(VENDOR_NAMES).optional(),
  operation: z.enum(OPERATIONS).optional(),
  /** Vendor instance id: HTTP faults then fire only for requests about it; SSH faults only on its node. */
  instanceId: z.string().min(1).optional(),
  count: z.number().int().min(1).optional(),
  probability: z.number().gt(0).max(1).optional(),
};

const malformedModes = ['truncated', 'html', 'not_json', 'schema_drift', 'empty'] as const;

export const faultSpecSchema = z.discriminatedUnion('kind', [
  // --- vendor HTTP faults: answered instead of the real handler --------------------------------
  z.object({ ...base, kind: z.literal('http_error'), status: z.number().int().min(400).max(599), body: z.unknown().optional(), retryAfterSec: z.number().int().min(0).optional() }).strict(),
  z.object({ ...base, kind: z.literal('rate_limit'), retryAfterSec: z.number().int().min(0).optional(), omitRetryAfter: z.boolean().optional() }).strict(),
  z.object({ ...base, kind: z.literal('unauthorized'), status: z.union([z.literal(401), z.literal(403)]).optional() }).strict(),
  // `bytesPerSecond`: the body then leaves in 16 KB pieces at that rate, as over a link of that
  // bandwidth (on loopback a body otherwise arrives as fast as it can be copied).
  z.object({ ...base, kind: z.literal('delay'), delayMs: z.number().int().min(0).max(600_000), bytesPerSecond: z.number().int().min(1024).optional() }).strict(),
  z.object({ ...base, kind: z.literal('hang') }).strict(),
  z.object({ ...base, kind: z.literal('drop_connection') }).strict(),
  z.object({ ...base, kind: z.literal('malformed'), mode: z.enum(malformedModes).optional() }).strict(),
  z.object({ ...base, kind: z.literal('error_body_200'), message: z.string().optional(), embeddedStatus: z.number().int().min(400).max(599).optional(), instanceCreated: z.boolean().optional() }).strict(),
  z.object({ ...base, kind: z.literal('empty_list_5xx'), status: z.number().int().min(500).max(599).optional() }).strict(),
  z.object({ ...base, kind: z.literal('create_then_fail'), mode: z.enum(['error', 'drop', 'hang']).optional(), status: z.number().int().min(400).max(599).optional() }).strict(),
  // Vast documents a taken offer under 404 (3603) and 410 (3907) as well as 400.
  z.object({ ...base, kind: z.literal('stale_offer'), offerId: z.string().min(1).optional(), status: z.union([z.literal(400), z.literal(404), z.literal(410)]).optional() }).strict(),
  z.object({ ...base, kind: z.literal('destroy_fail'), status: z.number().int().min(400).max(599).optional() }).strict(),
  z.object({ ...base, kind: z.literal('destroy_ignored') }).strict(),
  z.object({ ...base, kind: z.literal('task_failed'), message: z.string().optional(), instanceExists: z.boolean().optional() }).strict(),
  z.object({ ...base, kind: z.literal('task_stuck'), instanceExists: z.boolean().optional() }).strict(),
  z.object({ ...base, kind: z.literal('task_cancelled'), message: z.string().optional() }).strict(),
  // TensorDock lists in three envelopes: {data:{instances}} (default), {data:[…]} (flat) and the
  // getting-started page's {data:{type:"list",attributes:{instances}}}.
  z.object({ ...base, kind: z.literal('alternate_envelope'), envelope: z.enum(['flat', 'getting_started']).optional() }).strict(),
  // --- instance faults: the vendor takes the instance away ---------------------------------------
  z.object({ ...base, kind: z.literal('vanish'), afterMs: z.number().int().min(0).optional() }).strict(),
  z.object({ ...base, kind: z.literal('instance_stopped'), afterMs: z.number().int().min(0).optional(), vendorStatus: z.string().min(1).optional() }).strict(),
  // --- SSH node faults ---------------------------------------------------------------------------
  z.object({ ...base, kind: z.literal('ssh_refused') }).strict(),
  z.object({ ...base, kind: z.literal('ssh_hang') }).strict(),
  z.object({ ...base, kind: z.literal('ssh_auth_fail') }).strict(),
  z.object({ ...base, kind: z.literal('nvidia_smi_fail'), mode: z.enum(['no_driver', 'nvml_mismatch', 'no_devices']).optional() }).strict(),
  z.object({ ...base, kind: z.literal('oom'), processes: z.array(z.string().min(1)).min(1).optional() }).strict(),
  z.object({ ...base, kind: z.literal('dpkg_locked') }).strict(),
  z.object({ ...base, kind: z.literal('disk_full') }).strict(),
]);

/** A fault as callers describe it (JSON body of `POST /_sim/faults`, or `control.injectFault`). */
export type FaultSpec = z.input<typeof faultSpecSchema>;
export type FaultKind = FaultSpec['kind'];

/** An injected fault with its id and how often it has fired. */
export type ActiveFault = FaultSpec & {
  readonly id: string;
  /** Fires left; null means unlimited until cleared. */
  readonly remaining: number | null;
  readonly fired: number;
};

export const HTTP_FAULT_KINDS = [
  'http_error', 'rate_limit', 'unauthorized', 'delay', 'hang', 'drop_connection', 'malformed', 'error_body_200',
  'empty_list_5xx', 'create_then_fail', 'stale_offer', 'destroy_fail', 'destroy_ignored', 'task_failed', 'task_stuck',
  'task_cancelled', 'alternate_envelope',
] as const satisfies readonly FaultKind[];
export const INSTANCE_FAULT_KINDS = ['vanish', 'instance_stopped'] as const satisfies readonly FaultKind[];
export const SSH_FAULT_KINDS = ['ssh_refused', 'ssh_hang', 'ssh_auth_fail', 'nvidia_smi_fail', 'oom', 'dpkg_locked', 'disk_full'] as const satisfies readonly FaultKind[];

/** Operations a kind can apply to; absent means "any operation of the vendor". */
export const KIND_OPERATIONS: Partial<Record<FaultKind, readonly Operation[]>> = {
  error_body_200: ['createInstance'],
  empty_list_5xx: ['listInstances', 'listOffers'],
  create_then_fail: ['createInstance'],
  stale_offer: ['createInstance'],
  destroy_fail: ['destroyInstance'],
  destroy_ignored: ['destroyInstance'],
  task_failed: ['createInstance'],
  task_stuck: ['createInstance'],
  task_cancelled: ['createInstance'],
  alternate_envelope: ['listInstances'],
};

/** Vendors a kind exists for, where the vendor has a real form of it; absent means every vendor. */
export const KIND_VENDORS: Partial<Record<FaultKind, readonly VendorName[]>> = {
  // Blue Lobster has no documented 200-with-error body; its failures come as a FAILED task.
  error_body_200: ['vastai', 'tensordock'],
  task_failed: ['bluelobster'],
  task_stuck: ['bluelobster'],
  task_cancelled: ['bluelobster'],
  alternate_envelope: ['tensordock'],
};

export class FaultValidationError extends Error {
  override readonly name = 'FaultValidationError';
}

/** Validates and normalises a fault description; throws FaultValidationError with a readable message. */
export function parseFaultSpec(input: unknown): FaultSpec {
  const parsed = faultSpecSchema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
    throw new FaultValidationError(`invalid fault: ${detail}`);
  }
  const fault = parsed.data;
  const kindOps = KIND_OPERATIONS[fault.kind];
  if (fault.operation && kindOps && !kindOps.includes(fault.operation)) {
    throw new FaultValidationError(`invalid fault: kind "${fault.kind}" applies to ${kindOps.join(' or ')}, not ${fault.operation}`);
  }
  const isHttp = (HTTP_FAULT_KINDS as readonly string[]).includes(fault.kind);
  if (fault.operation && !isHttp) {
    throw new FaultValidationError(`invalid fault: kind "${fault.kind}" is not tied to an API operation; drop "operation"`);
  }
  const kindVendors = KIND_VENDORS[fault.kind];
  if (fault.vendor && kindVendors && !kindVendors.includes(fault.vendor)) {
    throw new FaultValidationError(`invalid fault: kind "${fault.kind}" exists only for ${kindVendors.join(', ')}`);
  }
  if (fault.vendor && fault.operation && !VENDOR_OPERATIONS[fault.vendor].includes(fault.operation)) {
    throw new FaultValidationError(`invalid fault: ${fault.vendor} has no operation ${fault.operation} (it has ${VENDOR_OPERATIONS[fault.vendor].join(', ')})`);
  }
  return fault;
}
