import { type Response } from 'express';

import { type Session } from '@gpu-shopper/core';

import { principalOf } from '../auth/authenticate.js';
import { type AppDeps } from '../deps.js';
import { ApiError } from '../http/api-error.js';

/**
 * The session a request may see: another consumer's session is answered exactly like a missing
 * one (404), so ids cannot be probed.
 */
export async function loadSession(deps: AppDeps, res: Response, id: string): Promise<Session> {
  const session = id.length <= 64 ? await deps.repositories.sessions.get(id) : undefined;
  const principal = principalOf(res);
  if (!session || (principal.role === 'consumer' && session.consumerId !== principal.consumerId)) {
    throw new ApiError('SESSION_NOT_FOUND', `session ${id.slice(0, 64)} not found`);
  }
  return session;
}
