import { type Router } from 'express';

import { buildOpenApiDocument } from '@gpu-shopper/contract';

import { type AppDeps } from '../../deps.js';

/** `GET /openapi.json`: generated from the same schemas that validate requests. */
export function registerOpenApi(router: Router, deps: AppDeps): void {
  const document = buildOpenApiDocument(deps.version);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
}
