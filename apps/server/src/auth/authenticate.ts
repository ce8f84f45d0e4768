import { type NextFunction, type Request, type Response } from 'express';

import { idempotencyScope, type Clock, type Repositories } from '@gpu-shopper/core';

import { ApiError } from '../http/api-error.js';
import { hashApiKey, secretsEqual } from './api-keys.js';
import { type AuthFailureLimiter } from './auth-failure-limiter.js';

export type Principal = { readonly role: 'admin' } | { readonly role: 'consumer'; readonly consumerId: string; readonly keyId: string };

export interface AuthOptions {
  /**
   * Without one the server is in protected mode: it binds loopback only, and a request with no
   * credentials from a loopback address acts as admin (a single-user laptop needs no token) — once
   * `protectedModeGuard` has refused foreign Host and Origin headers. Consumer keys still work, and
   * still act only for their consumer.
   */
  readonly adminToken: string | undefined;
  readonly repositories: Repositories;
  readonly clock: Clock;
  /** Called for every refused credential (metrics). */
  readonly onRejected?: (req: Request) => void;
  /** Blocks an address after repeated refused credentials. */
  readonly failureLimiter?: AuthFailureLimiter;
  /** TRUST_PROXY is set: `req.ip` is the client's address as the trusted proxy reports it. */
  readonly trustProxy?: boolean;
}

/**
 * `Authorization: Bearer <token>`: the admin token, or a consumer API key (looked up by its hash;
 * revoked keys and disabled consumers are refused). The principal is attached to `res.locals`.
 * Refused credentials count against the client's address (AuthFailureLimiter).
 */
export function authenticate(options: AuthOptions) {
  /**
   * A refused credential: 429 while the address is blocked (guessing gets slower, not confirmed),
   * else 401 and one more failure on its count. A valid credential is never blocked: behind a
   * proxy many users share one address, and one of them typing a wrong key must not lock out the rest.
   */
  const refuse = (req: Request, client: string, message: string): never => {
    options.onRejected?.(req);
    const blockedMs = options.failureLimiter?.blockedForMs(client) ?? 0;
    if (blockedMs > 0) {
      const seconds = Math.ceil(blockedMs / 1000);
      throw new ApiError('RATE_LIMITED', `too many refused credentials from this address; retry in ${seconds} s`, undefined, { 'retry-after': String(seconds) });
    }
    options.failureLimiter?.recordFailure(client);
    throw new ApiError('UNAUTHORIZED', message, undefined, { 'www-authenticate': 'Bearer' });
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const checked = await checkCredentials(options, req);
    if ('refusal' in checked) return refuse(req, checked.client, checked.refusal);
    res.locals.principal = checked.principal;
    next();
  };
}

/**
 * The principal `req`'s credentials stand for, or why they are refused — without counting the
 * refusal anywhere: `authenticate` does that, once per request, and the inventory's cache-hit lane
 * (which hands any refusal to the full stack) must not count it a second time.
 */
export async function checkCredentials(options: AuthOptions, req: Request): Promise<{ principal: Principal } | { refusal: string; client: string }> {
  // `req.ip` is the socket's address, or with TRUST_PROXY the client's as the named proxy reports it.
  // Read only for a refusal: with a proxy trusted it parses X-Forwarded-For, on every request.
  const client = (): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const header = req.get('authorization') ?? '';
  if (!options.adminToken && header === '' && isLocalRequest(req, options.trustProxy === true)) return { principal: ADMIN };
  const token = bearerToken(header);
  if (token === undefined) {
    const why = options.adminToken || isLocalRequest(req, options.trustProxy === true) ? 'send Authorization: Bearer <admin token or API key>' : 'requests that reached this server through a proxy or from another address need an API key';
    return { refusal: `missing bearer token: ${why}`, client: client() };
  }
  if (options.adminToken && secretsEqual(token, options.adminToken)) return { principal: ADMIN };
  const key = await options.repositories.apiKeys.findByHash(hashApiKey(token));
  const consumer = key && !key.revokedAt ? await options.repositories.consumers.get(key.consumerId) : undefined;
  if (!key || key.revokedAt || !consumer || consumer.disabledAt) return { refusal: 'invalid, revoked or unknown credentials', client: client() };
  await options.repositories.apiKeys.touch(key.id, options.clock.now());
  return { principal: { role: 'consumer', consumerId: key.consumerId, keyId: key.id } };
}

const ADMIN: Principal = Object.freeze({ role: 'admin' });

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive); undefined for anything else. */
export function bearerToken(header: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** Headers a proxy adds: a request carrying one was relayed, whatever address the socket shows. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'via'] as const;

/**
 * Protected mode's "local request": the client itself is on this machine. Behind a proxy the socket
 * is the proxy's, so loopback proves nothing: with TRUST_PROXY the real client address (`req.ip`)
 * decides, and without it a request that says it was relayed is not local.
 */
function isLocalRequest(req: Request, trustsProxy: boolean): boolean {
  if (!trustsProxy && PROXY_HEADERS.some((name) => req.get(name) !== undefined)) return false;
  return isLoopback(trustsProxy ? req.ip : req.socket.remoteAddress);
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (LOOPBACK_ADDRESSES.has(address) || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/**
 * Whether an unauthenticated route's caller is the admin (the admin token, or a local request in
 * protected mode), for answers that show the admin more. Never refuses and never counts failures.
 */
export function isAdminCaller(req: Request, options: Pick<AuthOptions, 'adminToken' | 'trustProxy'>): boolean {
  const header = req.get('authorization') ?? '';
  if (!options.adminToken) return header === '' && isLocalRequest(req, options.trustProxy === true);
  const token = bearerToken(header);
  return token !== undefined && secretsEqual(token, options.adminToken);
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new ApiError('UNAUTHORIZED', 'not authenticated');
  return principal;
}

/**
 * Whose share of a per-caller limit a request uses: the consumer's, or the admin's — the same
 * caller identity its idempotency keys are scoped by.
 */
export function callerKey(res: Response): string {
  return idempotencyScope(principalOf(res));
}

export function requireAdmin(res: Response): void {
  if (principalOf(res).role !== 'admin') throw new ApiError('FORBIDDEN', 'this endpoint needs the admin token');
}

/**
 * The consumer a request may act for: a consumer key acts for itself only (asking for another
 * consumer is refused); the admin acts for whoever it names.
 */
export function consumerScope(res: Response, requested: string | undefined): string | undefined {
  const principal = principalOf(res);
  if (principal.role === 'admin') return requested;
  if (requested !== undefined && requested !== principal.consumerId) {
    throw new ApiError('FORBIDDEN', `this API key belongs to consumer '${principal.consumerId}', not '${requested}'`);
  }
  return principal.consumerId;
}
