import { type NextFunction, type Request, type Response } from 'express';

import { checkCredentials, type AuthOptions } from '../../auth/authenticate.js';
import { protectedModeRefusal } from '../../auth/protected-mode.js';
import { type AppDeps } from '../../deps.js';
import { BodyCache, negotiateCoding, noneMatch, readyRepresentation } from '../../http/body-cache.js';
import { CLIENT_REQUEST_ID } from '../../http/request-id.js';

const PATH = '/api/v1/inventory';
/** The metric label the full stack gives this route (routeLabel), so both lanes count as one series. */
const ROUTE = PATH;

/**
 * The inventory's serialized answers, shared by the route (which builds them) and the cache-hit
 * lane (which only serves them): the bodies per (normalised query, inventory version), and which
 * raw query strings the route has validated into which normalised query.
 */
export class InventoryAnswers {
  readonly bodies = new BodyCache();
  private readonly queries = new Map<string, string>();

  constructor(private readonly maxQueries = 1024) {}

  /** Records that the raw query string `search` validated into the cache key `key`. */
  remember(search: string, key: string): void {
    // Bounded: anyone can send any query string. Past the bound the memo starts over, and a
    // forgotten query only costs one trip through the full stack to be learnt again.
    if (this.queries.size >= this.maxQueries) this.queries.clear();
    this.queries.set(search, key);
  }

  /** The cache key of a raw query string the route validated before, if any. */
  keyOf(search: string): string | undefined {
    return this.queries.get(search);
  }
}

/**
 * Serves a repeated inventory query from the cached bytes before the rest of the middleware stack
 * runs: the answer only changes when a catalogue does, and the stack (request-id context, body
 * parser, two routers, the query's schema validation) cost more than writing the bytes.
 *
 * Only a request the full stack would answer with exactly these bytes is served here: a GET of the
 * exact path whose raw query string the route already validated into a cached entry of the current
 * inventory version, whose credentials `checkCredentials` accepts (the same check, consumer keys
 * included — a revoked key is refused at once) and, in protected mode, whose Host and Origin the
 * guard accepts. Anything else — a refusal, a new query, a stale version, a compressed form not
 * made yet, a template query — goes to the full stack, which answers and counts it as always.
 * The request id, the access-log line and the request metrics are those of the full stack.
 */
export function inventoryCacheHits(deps: AppDeps, answers: InventoryAnswers, auth: AuthOptions) {
  const protectedMode = !deps.adminToken;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET') return next();
    const url = req.url;
    const mark = url.indexOf('?');
    if ((mark === -1 ? url : url.slice(0, mark)) !== PATH) return next();
    const started = performance.now();
    const key = answers.keyOf(mark === -1 ? '' : url.slice(mark + 1));
    if (key === undefined) return next();
    const entry = answers.bodies.get(deps.inventory.version(), key);
    if (!entry) return next();
    const coding = negotiateCoding(req.headers['accept-encoding']);
    const representation = readyRepresentation(entry, coding);
    if (!representation) return next();
    if (protectedMode && protectedModeRefusal(req) !== null) return next();
    void checkCredentials(auth, req).then(
      (checked) => {
        if ('refusal' in checked || res.headersSent) return next();
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : deps.ids.next('request');
        const notModified = !noneMatch(req.headers['if-none-match'], representation.etag);
        if (notModified) res.writeHead(304, [...representation.headers304, 'x-request-id', requestId]).end();
        else res.writeHead(200, [...representation.headers200, 'x-request-id', requestId]).end(representation.bytes);
        const status = notModified ? 304 : 200;
        const seconds = (performance.now() - started) / 1000;
        deps.metrics.httpRequests.inc({ method: 'GET', route: ROUTE, status: String(status) });
        deps.metrics.httpDuration.observe({ method: 'GET', route: ROUTE }, seconds);
        deps.logger.debug('http request', { requestId, method: 'GET', route: ROUTE, status, durationMs: Math.round(seconds * 1000) });
      },
      // A storage error while checking a key: the full stack checks again and answers with the envelope.
      () => next(),
    );
  };
}
