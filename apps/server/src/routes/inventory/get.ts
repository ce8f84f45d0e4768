import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { offerToDto } from '../../http/mappers.js';

/** `GET /api/v1/inventory/:id`: one offer from the cached catalogues. */
export function registerInventoryGet(router: Router, deps: AppDeps): void {
  router.get('/api/v1/inventory/:id', async (req, res) => {
    const found = await deps.inventory.getOffer(req.params.id);
    if (!found) throw new ApiError('OFFER_NOT_FOUND', `offer ${req.params.id.slice(0, 200)} not found (offers come and go: list the inventory again)`);
    res.json(offerToDto(found.offer));
  });
}
