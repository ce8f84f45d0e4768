import http from 'node:http';

import { z } from 'zod';

import { FaultValidationError, type ActiveFault, type FaultSpec } from '../faults/fault-schema.js';
import { jsonReply, listen, parseJsonBody, readBody, sendReply, type HttpReply } from '../http/http-kit.js';
import { VENDOR_NAMES, type InstanceState, type RecordedRequest, type SimulatedInstance, type SimulatedOffer, type VendorName } from '../model.js';

export const INSTANCE_STATES = ['provisioning', 'running', 'stopped', 'destroyed', 'vanished', 'failed', 'preempted'] as const satisfies readonly InstanceState[];

/** The simulator's clock: its time, how far tests moved it ahead of real time, whether boots are held. */
export interface ClockState {
  readonly now: string;
  readonly advancedMs: number;
  readonly bootHeld: boolean;
}

/** Which instance to wait for (by id, or by label: the server's `gpushop-…` name) and for what. */
export interface InstanceWait {
  readonly vendor?: VendorName;
  readonly id?: string;
  readonly label?: string;
  /** Any of these states ends the wait. */
  readonly states: readonly InstanceState[];
  /** @default 10000 (at most 120000) */
  readonly timeoutMs?: number;
}

/** The instance did not reach the state in time (HTTP: 408); `instance` is its state then, if it exists. */
export class InstanceWaitTimeoutError extends Error {
  override readonly name = 'InstanceWaitTimeoutError';
  constructor(
    message: string,
    readonly instance: SimulatedInstance | undefined,
  ) {
    super(message);
  }
}

/** The simulator's ground truth and fault switches, as typed methods (same as `/_sim/*`). */
export interface SimulatorControl {
  /** Adds a fault; throws FaultValidationError (HTTP: 400) when the description is invalid. */
  injectFault(fault: FaultSpec): Promise<ActiveFault>;
  /** Removes one fault by id, or every fault; resolves to how many were removed. */
  clearFaults(id?: string): Promise<number>;
  faults(): Promise<ActiveFault[]>;
  /** Destroys every instance and node, clears faults and the request log; the catalogue is regenerated from the seed. */
  reset(): Promise<void>;
  /** Every instance ever created since start or the last reset, with its bill. */
  instances(): Promise<SimulatedInstance[]>;
  catalog(): Promise<SimulatedOffer[]>;
  /** Vendor API requests received, oldest first (bounded). */
  requests(): Promise<RecordedRequest[]>;
  /**
   * Another tenant outbids a running interruptible (bid) instance now: it stops as Vast stops it
   * and its bill ends. 404 when there is no such instance, 409 when it is not a running bid.
   */
  outbid(vendor: VendorName, id: string): Promise<{ ok: true; instance: SimulatedInstance } | { ok: false; status: 404 | 409; message: string }>;
  clock(): Promise<ClockState>;
  /** Moves the simulator's clock forward (boots, key propagation, dpkg locks, bills): no test sleeps. */
  advance(ms: number): Promise<ClockState>;
  /** Instances still booting, and those created later, stay `provisioning` until `releaseBoot()`. */
  holdBoot(): Promise<void>;
  /** Ends the boot hold; held instances whose boot time has passed boot now. Resolves to how many were held. */
  releaseBoot(): Promise<number>;
  /** Resolves once the instance exists and is in one of the states; InstanceWaitTimeoutError otherwise. */
  waitForInstance(wait: InstanceWait): Promise<SimulatedInstance>;
}

const resetBodySchema = z.union([z.undefined(), z.object({}).strict()]);
const advanceBodySchema = z.object({ ms: z.number().int().min(0).max(365 * 24 * 3_600_000) }).strict();
const waitQuerySchema = z
  .object({
    vendor: z.enum(VENDOR_NAMES).optional(),
    id: z.string().min(1).optional(),
    label: z.string().min(1).optional(),
    state: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(z.enum(INSTANCE_STATES)).min(1)),
    timeout_ms: z.coerce.number().int().min(0).max(120_000).optional(),
  })
  .strict()
  .refine((q) => q.id !== undefined || q.label !== undefined, { message: 'name the instance with id= or label=' });
const requestsQuerySchema = z.object({ vendor: z.enum(VENDOR_NAMES).optional() });

function badRequest(message: string): HttpReply {
  return jsonReply(400, { error: { code: 'BAD_REQUEST', message } });
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
}

/**
 * The HTTP control API on its own port: `GET /_sim/instances`, `GET /_sim/catalog`,
 * `GET|POST|DELETE /_sim/faults`, `DELETE /_sim/faults/{id}`, `POST /_sim/reset`,
 * `GET /_sim/requests[?vendor=]`, `GET /_sim/health`, `POST /_sim/instances/{vendor}/{id}/outbid`,
 * `GET /_sim/clock`, `POST /_sim/clock/advance`,
 * `POST|DELETE /_sim/holds/boot`, `GET /_sim/instances/wait?state=…&id=|label=[&vendor=&timeout_ms=]`.
 */
export async function startControlServer(
  control: SimulatorControl,
  urls: () => Readonly<Record<string, string>>,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const route = async (req: http.IncomingMessage): Promise<HttpReply> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const body = parseJsonBody(raw);
    if (body instanceof Error) return badRequest(`body is not valid JSON: ${body.message}`);
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';

    if (path === '/_sim/instances' && method === 'GET') return jsonReply(200, { instances: await control.instances() });
    if (path === '/_sim/catalog' && method === 'GET') return jsonReply(200, { offers: await control.catalog() });
    if (path === '/_sim/health' && method === 'GET') return jsonReply(200, { status: 'ok', simulation: true, urls: urls() });
    if (path === '/_sim/requests' && method === 'GET') {
      const query = requestsQuerySchema.safeParse(Object.fromEntries(url.searchParams.entries()));
      if (!query.success) return badRequest(`invalid query: ${zodMessage(query.error)}`);
      const all = await control.requests();
      return jsonReply(200, { requests: query.data.vendor ? all.filter((r) => r.vendor === query.data.vendor) : all });
    }
    if (path === '/_sim/faults') {
      if (method === 'GET') return jsonReply(200, { faults: await control.faults() });
      if (method === 'DELETE') return jsonReply(200, { cleared: await control.clearFaults() });
      if (method === 'POST') {
        if (body === undefined) return badRequest('invalid fault: a JSON body describing the fault is required, e.g. {"vendor":"vastai","operation":"createInstance","kind":"http_error","status":503}');
        try {
          return jsonReply(201, { fault: await control.injectFault(body as FaultSpec) });
        } catch (err) {
          if (err instanceof FaultValidationError) return badRequest(err.message);
          throw err;
        }
      }
    }
    const outbidMatch = /^\/_sim\/instances\/([^/]+)\/([^/]+)\/outbid$/.exec(path);
    if (outbidMatch && method === 'POST') {
      const vendor = z.enum(VENDOR_NAMES).safeParse(outbidMatch[1]);
      if (!vendor.success) return badRequest(`unknown vendor ${outbidMatch[1] ?? ''} (one of ${VENDOR_NAMES.join(', ')})`);
      const result = await control.outbid(vendor.data, decodeURIComponent(outbidMatch[2] ?? ''));
      if (result.ok) return jsonReply(200, { instance: result.instance });
      return jsonReply(result.status, { error: { code: result.status === 404 ? 'NOT_FOUND' : 'CONFLICT', message: result.message } });
    }
    const faultMatch = /^\/_sim\/faults\/([^/]+)$/.exec(path);
    if (faultMatch && method === 'DELETE') {
      const cleared = await control.clearFaults(decodeURIComponent(faultMatch[1] ?? ''));
      return cleared > 0 ? jsonReply(200, { cleared }) : jsonReply(404, { error: { code: 'NOT_FOUND', message: `no active fault ${faultMatch[1] ?? ''}` } });
    }
    if (path === '/_sim/clock' && method === 'GET') return jsonReply(200, await control.clock());
    if (path === '/_sim/clock/advance' && method === 'POST') {
      const parsed = advanceBodySchema.safeParse(body);
      if (!parsed.success) return badRequest(`invalid advance body: ${zodMessage(parsed.error)} (send {"ms": <whole milliseconds>})`);
      return jsonReply(200, await control.advance(parsed.data.ms));
    }
    if (path === '/_sim/holds/boot') {
      if (method === 'POST') {
        await control.holdBoot();
        return jsonReply(200, { held: true });
      }
      if (method === 'DELETE') return jsonReply(200, { held: false, released: await control.releaseBoot() });
    }
    if (path === '/_sim/instances/wait' && method === 'GET') {
      const query = waitQuerySchema.safeParse(Object.fromEntries(url.searchParams.entries()));
      if (!query.success) return badRequest(`invalid query: ${zodMessage(query.error)}`);
      const { vendor, id, label, state, timeout_ms: timeoutMs } = query.data;
      try {
        const instance = await control.waitForInstance({
          states: state,
          ...(vendor !== undefined ? { vendor } : {}),
          ...(id !== undefined ? { id } : {}),
          ...(label !== undefined ? { label } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        });
        return jsonReply(200, { instance });
      } catch (err) {
        if (err instanceof InstanceWaitTimeoutError) return jsonReply(408, { error: { code: 'TIMEOUT', message: err.message }, instance: err.instance ?? null });
        throw err;
      }
    }
    if (path === '/_sim/reset' && method === 'POST') {
      const parsed = resetBodySchema.safeParse(body);
      if (!parsed.success) return badRequest(`invalid reset body: ${zodMessage(parsed.error)} (send no body or {})`);
      await control.reset();
      return jsonReply(200, { ok: true });
    }
    const known =
      ['/_sim/instances', '/_sim/catalog', '/_sim/health', '/_sim/requests', '/_sim/faults', '/_sim/reset', '/_sim/clock', '/_sim/clock/advance', '/_sim/holds/boot', '/_sim/instances/wait'].includes(path) || faultMatch !== null || outbidMatch !== null;
    return known
      ? jsonReply(405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not supported on ${path}` } })
      : jsonReply(404, { error: { code: 'NOT_FOUND', message: `no control route ${method} ${path}` } });
  };

  const server = http.createServer((req, res) => {
    route(req)
      .then((reply) => sendReply(res, reply))
      .catch((err: unknown) => sendReply(res, jsonReply(500, { error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } })));
  });
  return listen(server, port);
}
