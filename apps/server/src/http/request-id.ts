import { type NextFunction, type Request, type Response } from 'express';

import { type IdGenerator } from '@gpu-shopper/core';

import { runWithRequestId } from '../observability/request-context.js';

/** A caller's X-Request-ID is echoed only when it is this sane: it ends up in logs and headers. */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Every request gets an id (the caller's X-Request-ID when it is sane), echoed in the response and logs. */
export function requestIdMiddleware(ids: IdGenerator) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given && CLIENT_REQUEST_ID.test(given) ? given : ids.next('request');
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    // Everything the request causes (services, the saga it starts) logs with its id.
    runWithRequestId(requestId, next);
  };
}

export function requestIdOf(res: Response): string {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : 'unknown';
}
