import { type Router } from 'express';

import { REQUEST_ALIASES, extendSessionRequestSchema } from '@gpu-shopper/contract';

import { principalOf } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { sessionToDto } from '../../http/mappers.js';
import { validateWithAliases } from '../../http/validate.js';
import { loadSession } from '../load-session.js';

/** `POST /api/v1/sessions/:id/extend`: 1–12 more hours, never past the hard maximum. */
export function registerSessionsExtend(router: Router, deps: AppDeps): void {
  router.post('/api/v1/sessions/:id/extend', async (req, res) => {
    const body = validateWithAliases(extendSessionRequestSchema, REQUEST_ALIASES.extendSession, req.body ?? {}, 'body');
    const session = await loadSession(deps, res, req.params.id);
    const extended = await deps.commands.extend(session.id, body.hours, principalOf(res).role === 'admin' ? 'admin' : 'api');
    if (!extended.ok) throw extended.err;
    const dto = sessionToDto(extended.val, deps.clock.now(), deps.mode === 'simulate');
    res.json({ session: dto, extended_by_hours: body.hours, session_id: dto.id, new_expires_at: dto.expires_at });
  });
}
