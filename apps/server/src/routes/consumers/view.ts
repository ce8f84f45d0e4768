import { budgetPeriodStart, type Consumer } from '@gpu-shopper/core';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { consumerToDto } from '../../http/mappers.js';

/** A consumer with its keys, budget and spending this month, as the API shows it. */
export async function consumerView(deps: AppDeps, consumer: Consumer) {
  const keys = await deps.repositories.apiKeys.listByConsumer(consumer.id);
  const budget = await deps.repositories.budgets.get(consumer.id);
  const spent = budget ? await deps.repositories.costs.spentMicros({ consumerId: consumer.id, from: budgetPeriodStart(deps.clock.now()) }) : 0;
  return consumerToDto(consumer, keys, budget, spent);
}

export async function loadConsumer(deps: AppDeps, id: string): Promise<Consumer> {
  const consumer = id.length <= 64 ? await deps.repositories.consumers.get(id) : undefined;
  if (!consumer) throw new ApiError('NOT_FOUND', `consumer ${id.slice(0, 64)} not found`);
  return consumer;
}
