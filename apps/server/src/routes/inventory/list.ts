import { type Router } from 'express';

import { REQUEST_ALIASES, inventoryQuerySchema } from '@gpu-shopper/contract';
import { offerSatisfiesTemplate, usdToMicros, type OfferFilter, type VendorTemplate } from '@gpu-shopper/core';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { sendCachedBody } from '../../http/body-cache.js';
import { offerToDto, providerStatusToDto } from '../../http/mappers.js';
import { validateWithAliases } from '../../http/validate.js';
import { type InventoryAnswers } from './cache-hits.js';

/**
 * `GET /api/v1/inventory`: every provider's offers, filtered locally and sorted, with per-provider
 * status. The serialized answer is cached per (normalised query, inventory version) and served with
 * a strong ETag, compressed when the client asks: a repeated query costs a map lookup, not a filter,
 * a sort and a JSON.stringify of every matching offer. The raw query string is remembered with its
 * cache key, so the next identical request is a hit for `inventoryCacheHits`, before this route.
 */
export function registerInventoryList(router: Router, deps: AppDeps, answers: InventoryAnswers): void {
  const { bodies } = answers;
  router.get('/api/v1/inventory', async (req, res) => {
    const query = validateWithAliases(inventoryQuerySchema, REQUEST_ALIASES.inventoryQuery, req.query, 'query');
    const gpu = query.gpu ?? query.gpu_type;
    if (query.min_cuda !== undefined && !/^\d+(\.\d+)?$/.test(query.min_cuda)) {
      throw new ApiError('VALIDATION_FAILED', 'invalid query: min_cuda must be a version like 12.4', [{ path: 'query.min_cuda', message: 'a version like 12.4' }]);
    }
    // A template narrows the answer to its provider's hosts that meet its requirements; an unknown
    // hash is a 404 and a template of another provider than the one asked for a 400, never "every offer".
    let template: VendorTemplate | null = null;
    if (query.template_hash_id) {
      const found = await deps.templates.get(query.template_hash_id);
      if (!found.ok) {
        if (found.err.code === 'NOT_FOUND') throw new ApiError('NOT_FOUND', `template ${query.template_hash_id} not found (list them with GET /api/v1/templates)`);
        throw found.err;
      }
      template = found.val;
      if (query.provider && query.provider !== template.provider) {
        throw new ApiError('VALIDATION_FAILED', `template ${template.hashId} is a ${template.provider} template: it cannot narrow ${query.provider} offers`, [
          { path: 'query.template_hash_id', message: `only ${template.provider} offers can use it` },
        ]);
      }
    }
    const provider = template?.provider ?? query.provider;
    const filter: OfferFilter = {
      ...(provider ? { provider } : {}),
      ...(gpu ? { gpu } : {}),
      ...(query.min_vram !== undefined ? { minVramGb: query.min_vram } : {}),
      ...(query.max_price !== undefined ? { maxPricePerHourMicros: usdToMicros(query.max_price) } : {}),
      ...(query.min_gpus !== undefined ? { minGpus: query.min_gpus } : {}),
      ...(query.min_cuda !== undefined ? { minCudaVersion: query.min_cuda } : {}),
      ...(query.location ? { location: query.location } : {}),
      ...(query.min_reliability !== undefined ? { minReliability: query.min_reliability } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
      ...(query.pricing ? { pricing: query.pricing } : {}),
    };
    // Read before the query: an answer built while the data moved on is stored under the older
    // version, which the next request no longer asks for.
    const version = deps.inventory.version();
    // A template's requirements live in the template service, outside the inventory's version.
    const key = template === null ? JSON.stringify([filter, query.limit ?? null]) : null;
    if (key !== null) {
      const mark = req.originalUrl.indexOf('?');
      answers.remember(mark === -1 ? '' : req.originalUrl.slice(mark + 1), key);
    }
    const cached = key === null ? undefined : bodies.get(version, key);
    if (cached) return sendCachedBody(req, res, cached);
    const answer = await deps.inventory.query(filter);
    const matching = template === null ? answer.offers : answer.offers.filter((offer) => template !== null && offerSatisfiesTemplate(offer, template));
    const offers = matching.slice(0, query.limit ?? matching.length);
    const body = Buffer.from(JSON.stringify({ offers: offers.map(offerToDto), count: offers.length, providers: answer.providers.map(providerStatusToDto) }));
    if (key === null) {
      res.type('application/json').send(body);
      return;
    }
    return sendCachedBody(req, res, bodies.set(version, key, body));
  });
}
