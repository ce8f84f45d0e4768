import { type Router } from 'express';

import { templateListQuerySchema } from '@gpu-shopper/contract';

import { type AppDeps } from '../../deps.js';
import { validate } from '../../http/validate.js';
import { templateToDto } from './template-dto.js';

/** `GET /api/v1/templates`: Vast.ai's recommended launch templates, filtered. */
export function registerTemplatesList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/templates', async (req, res) => {
    const query = validate(templateListQuerySchema, req.query, 'query');
    const listed = await deps.templates.list({
      ...(query.recommended !== undefined ? { recommended: query.recommended } : {}),
      ...(query.use_ssh !== undefined ? { useSsh: query.use_ssh } : {}),
      ...(query.name !== undefined ? { name: query.name } : {}),
      ...(query.image !== undefined ? { image: query.image } : {}),
    });
    if (!listed.ok) throw listed.err;
    res.json({ templates: listed.val.map(templateToDto), count: listed.val.length });
  });
}
