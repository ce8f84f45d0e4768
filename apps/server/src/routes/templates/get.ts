import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { templateToDto } from './template-dto.js';

/** `GET /api/v1/templates/:hash_id`: one template, recommended or not. */
export function registerTemplatesGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/templates/:hash_id', async (req, res) => {
    const hashId = req.params.hash_id;
    const found = await deps.templates.get(hashId);
    if (!found.ok) {
      if (found.err.code === 'NOT_FOUND') throw new ApiError('NOT_FOUND', `template ${hashId.slice(0, 80)} not found (list them with GET /api/v1/templates)`);
      throw found.err;
    }
    res.json(templateToDto(found.val));
  });
}
