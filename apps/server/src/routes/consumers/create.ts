import { type Router } from 'express';

import { REQUEST_ALIASES, createConsumerRequestSchema } from '@gpu-shopper/contract';
import { budgetPeriodStart, usdToMicros } from '@gpu-shopper/core';

import { generateApiKey } from '../../auth/api-keys.js';
import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { validateWithAliases } from '../../http/validate.js';
import { consumerView } from './view.js';

/** `POST /api/v1/consumers` (admin): creates the consumer and its first API key, shown once. */
export function registerConsumersCreate(router: Router, deps: AppDeps): void {
  router.post('/api/v1/consumers', async (req, res) => {
    requireAdmin(res);
    const body = validateWithAliases(createConsumerRequestSchema, REQUEST_ALIASES.createConsumer, req.body, 'body');
    const now = deps.clock.now();
    const created = await deps.repositories.consumers.create({ id: body.id, name: body.name ?? body.id, createdAt: now, disabledAt: null });
    if (!created.ok) throw created.err;
    const key = generateApiKey();
    const stored = await deps.repositories.apiKeys.create({
      id: deps.ids.next('apiKey'),
      consumerId: body.id,
      prefix: key.prefix,
      keyHash: key.hash,
      createdAt: now,
      revokedAt: null,
      lastUsedAt: null,
    });
    if (!stored.ok) throw stored.err;
    if (body.monthly_budget !== undefined) {
      await deps.repositories.budgets.upsert({ consumerId: body.id, monthlyLimitMicros: usdToMicros(body.monthly_budget), periodStart: budgetPeriodStart(now), alertsSent: [], updatedAt: now });
    }
    deps.logger.info('consumer created', { requestId: res.locals.requestId, consumerId: body.id, keyId: stored.val.id });
    res.status(201).json({ consumer: await consumerView(deps, created.val), api_key: key.key });
  });
}
