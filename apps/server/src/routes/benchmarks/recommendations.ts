import { type Request, type Response, type Router } from 'express';

import { recommendOffers } from '@gpu-shopper/bench';
import { recommendationsQuerySchema } from '@gpu-shopper/contract';
import { bidFor, defaultMaxBid, offerStorageRate, usdToMicros, type Offer, type OfferFilter } from '@gpu-shopper/core';

import { type AppDeps } from '../../deps.js';
import { evidenceToDto } from '../../http/benchmark-mappers.js';
import { offerToDto, providerStatusToDto } from '../../http/mappers.js';
import { validate } from '../../http/validate.js';

/**
 * `GET /api/v1/recommendations?model=&min_tps=` (and `/api/v1/benchmarks/recommendations`): the
 * offers a user can rent now, each joined with the median benchmark throughput of its canonical SKU
 * (at the offer's provider when measured there, else at any provider) and ranked by
 *   estimated $ per million tokens = offer price per hour / (tokens/s × 3600) × 1 000 000,
 * with the evidence (samples, age, providers, scope). SKUs without a benchmark of the model are
 * listed as `unmeasured`, never estimated.
 */
export function registerRecommendations(router: Router, deps: AppDeps): void {
  const handler = async (req: Request, res: Response) => {
    const query = validate(recommendationsQuerySchema, req.query, 'query');
    const filter: OfferFilter = {
      ...(query.provider ? { provider: query.provider } : {}),
      ...(query.gpu ? { gpu: query.gpu } : {}),
      ...(query.max_price !== undefined ? { maxPricePerHourMicros: usdToMicros(query.max_price) } : {}),
      sort: 'price',
      pricing: query.pricing ?? 'on-demand',
    };
    const [inventory, results] = await Promise.all([deps.inventory.query(filter), deps.benchmarks.repositories.results.list({ model: query.model })]);
    const now = deps.clock.now();
    // Spot offers are ranked at the bid a spot session places by default, not at their minimum bid:
    // what renting one would actually cost per hour, storage included.
    const offers = query.pricing === 'spot' ? inventory.offers.map((offer) => ({ ...offer, pricePerHourMicros: defaultBidPrice(offer) })) : inventory.offers;
    const rows = recommendOffers(offers, results, { model: query.model, ...(query.min_tps !== undefined ? { minTps: query.min_tps } : {}), now });
    const counts = { recommended: 0, below_min_tps: 0, unmeasured: 0 };
    for (const row of rows) counts[row.status]++;
    res.json({
      model: query.model,
      min_tps: query.min_tps ?? null,
      pricing: query.pricing ?? 'on-demand',
      generated_at: now.toISOString(),
      recommendations: rows.slice(0, query.limit ?? rows.length).map((row) => ({
        offer: offerToDto(row.offer),
        status: row.status,
        expected_tokens_per_second: row.expectedTokensPerSecond,
        estimated_cost_per_million_tokens: row.estimatedCostPerMillionTokensUsd,
        evidence: row.evidence ? { ...evidenceToDto(row.evidence), scope: row.evidence.scope } : null,
        reason: row.reason,
      })),
      counts,
      providers: inventory.providers.map(providerStatusToDto),
    });
  };
  router.get('/api/v1/recommendations', handler);
  router.get('/api/v1/benchmarks/recommendations', handler);
}

/** What a spot session on `offer` bills per hour with the default bid: the minimum bid plus the margin, plus storage. */
function defaultBidPrice(offer: Offer): number {
  const minBid = offer.minBidPerHourMicros;
  if (minBid === null || minBid === undefined) return offer.pricePerHourMicros;
  return bidFor(minBid, defaultMaxBid(minBid)) + offerStorageRate(offer);
}
