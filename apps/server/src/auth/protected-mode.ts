import { type NextFunction, type Request, type Response } from 'express';

import { ApiError } from '../http/api-error.js';

/**
 * Protected mode (no admin token) trusts a local request without credentials as admin. "Local" is
 * only what the socket says, and a socket from loopback may carry a request a web page made: DNS
 * rebinding points `attacker.example` at 127.0.0.1, and a local forward proxy connects from
 * loopback for anyone. So in protected mode every request must name a loopback host, and a
 * browser request must come from a loopback origin; anything else is refused before it is read.
 */
export function protectedModeGuard() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const refusal = protectedModeRefusal(req);
    if (refusal !== null) throw new ApiError('FORBIDDEN', refusal);
    next();
  };
}

/** Why protected mode refuses `req` (its Host or Origin is not loopback), or null when it may be read. */
export function protectedModeRefusal(req: Request): string | null {
  const host = req.get('host');
  if (!host || !isLoopbackHost(host)) {
    return `protected mode serves only requests addressed to this machine (Host localhost, 127.0.0.1 or [::1]); Host ${host ? `'${truncate(host)}'` : 'missing'} is refused, because a page on another site could otherwise act as admin here. Set GPU_SHOPPER_ADMIN_TOKEN to serve other names.`;
  }
  const origin = req.get('origin');
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    return `protected mode refuses requests from web pages of other sites (Origin '${truncate(origin)}'); only pages served from localhost, 127.0.0.1 or [::1] may call this server.`;
  }
  return null;
}

/** `localhost`, any `127.x.y.z` and `[::1]`, each with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match?.[1]) return false;
  const name = match[1].toLowerCase();
  if (name === 'localhost' || name === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) && name.split('.').every((part) => Number(part) <= 255);
}

/** An `Origin` header of a page served from loopback over http(s). `null` (sandboxed, file:) is not. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && isLoopbackHost(url.host);
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
