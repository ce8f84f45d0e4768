import { resolveGpu, type BenchmarkResult } from '@gpu-shopper/core';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';

/** A GPU named by a caller (`RTX4090`, `rtx 4090`) as the canonical SKU results are stored under; unknown names pass through. */
export function gpuSkuOf(name: string): string {
  const resolved = resolveGpu(name);
  return resolved.known ? resolved.sku.id : name;
}

/** Every valid result of a model (optionally at one provider): the input of the rankings. */
export async function resultsForModel(deps: AppDeps, model: string, provider: string | undefined): Promise<BenchmarkResult[]> {
  return deps.benchmarks.repositories.results.list({ model, ...(provider ? { provider } : {}) });
}

export function noBenchmarks(model: string, provider: string | undefined, extra = ''): ApiError {
  return new ApiError('NOT_FOUND', `no valid benchmark of '${model}'${provider ? ` at ${provider}` : ''}${extra}`);
}
