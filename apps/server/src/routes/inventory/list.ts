import { type Router } from 'express';

import { REQUEST_ALIASES, inventoryQuerySchema } from '@gpu-shopper/contract';
import { usdToMicros, type OfferFilter } from '@gpu-shopper/core';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { offerToDto, providerStatusToDto } from '../../http/mappers.js';
import { validateWithAliases } from '../../http/validate.js';

/** `GET /api/v1/inventory`: every provider's offers, filtered locally and sorted, with per-provider status. */
export function registerInventoryList(router: Router, deps: AppDeps): void {
  router.get('/api/v1/inventory', async (req, res) => {
    const query = validateWithAliases(inventoryQuerySchema, REQUEST_ALIASES.inventoryQuery, req.query, 'query');
    const gpu = query.gpu ?? query.gpu_type;
    if (query.min_cuda !== undefined && !/^\d+(\.\d+)?$/.test(query.min_cuda)) {
      throw new ApiError('VALIDATION_FAILED', 'invalid query: min_cuda must be a version like 12.4', [{ path: 'query.min_cuda', message: 'a version like 12.4' }]);
    }
    const filter: OfferFilter = {
      ...(query.provider ? { provider: query.provider } : {}),
      ...(gpu ? { gpu } : {}),
      ...(query.min_vram !== undefined ? { minVramGb: query.min_vram } : {}),
      ...(query.max_price !== undefined ? { maxPricePerHourMicros: usdToMicros(query.max_price) } : {}),
      ...(query.min_gpus !== undefined ? { minGpus: query.min_gpus } : {}),
      ...(query.min_cuda !== undefined ? { minCudaVersion: query.min_cuda } : {}),
      ...(query.template_hash_id ? { templateHashId: query.template_hash_id } : {}),
      ...(query.location ? { location: query.location } : {}),
      ...(query.min_reliability !== undefined ? { minReliability: query.min_reliability } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
    };
    const answer = await deps.inventory.query(filter);
    const offers = answer.offers.slice(0, query.limit ?? answer.offers.length);
    res.json({ offers: offers.map(offerToDto), count: offers.length, providers: answer.providers.map(providerStatusToDto) });
  });
}
