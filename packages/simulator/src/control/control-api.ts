import http from 'node:http';

import { z } from 'zod';

import { FaultValidationError, type ActiveFault, type FaultSpec } from '../faults/fault-schema.js';
import { jsonReply, listen, parseJsonBody, readBody, sendReply, type HttpReply } from '../http/http-kit.js';
import { VENDOR_NAMES, type RecordedRequest, type SimulatedInstance, type SimulatedOffer, type VendorName } from '../model.js';

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
}

const resetBodySchema = z.union([z.undefined(), z.object({}).strict()]);
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
 * `GET /_sim/requests[?vendor=]`, `GET /_sim/health`, `POST /_sim/instances/{vendor}/{id}/outbid`.
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
    if (path === '/_sim/reset' && method === 'POST') {
      const parsed = resetBodySchema.safeParse(body);
      if (!parsed.success) return badRequest(`invalid reset body: ${zodMessage(parsed.error)} (send no body or {})`);
      await control.reset();
      return jsonReply(200, { ok: true });
    }
    const known = ['/_sim/instances', '/_sim/catalog', '/_sim/health', '/_sim/requests', '/_sim/faults', '/_sim/reset'].includes(path) || faultMatch !== null || outbidMatch !== null;
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
