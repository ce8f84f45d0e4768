import { type Router } from 'express';

import { parseBenchmarkResultJson } from '@gpu-shopper/bench';
import { type BenchmarkResult } from '@gpu-shopper/core';

import { requireAdmin } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { benchmarkResultToDto } from '../../http/benchmark-mappers.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * `POST /api/v1/benchmarks` (admin): stores a submitted result after the full parser (shape, ranges,
 * unit cross-checks). Admin only because submitted results feed everyone's rankings and
 * recommendations. With `Idempotency-Key`, a repeat returns the first stored result instead of a duplicate.
 */
/** The one check of a submitted result, shared by submit and validate: a 400 naming each problem. */
function parseSubmission(deps: AppDeps, body: unknown, dedupeKey: string | null): BenchmarkResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('VALIDATION_FAILED', 'invalid body: a benchmark result JSON object is required', [{ path: 'body', message: 'expected an object' }]);
  }
  const parsed = parseBenchmarkResultJson(body, { id: deps.ids.next('benchmarkResult'), source: 'submitted', now: deps.clock.now(), dedupeKey });
  if (!parsed.ok) {
    const details = (parsed.err.context.issues ?? []).slice(0, 20).map((i) => ({ path: i.path ? `body.${i.path}` : 'body', message: i.message }));
    throw new ApiError('VALIDATION_FAILED', parsed.err.message, details);
  }
  return parsed.val;
}

/**
 * `POST /api/v1/benchmarks/validate` (admin): the result as `POST /benchmarks` would store it, after
 * the same checks, and nothing stored — what `benchmark-loader --dry-run` asks, so a dry run never
 * calls valid a file the real load rejects.
 */
export function registerBenchmarksValidate(router: Router, deps: AppDeps): void {
  router.post('/api/v1/benchmarks/validate', async (req, res) => {
    requireAdmin(res);
    res.json(benchmarkResultToDto(parseSubmission(deps, req.body, null)));
  });
}

export function registerBenchmarksSubmit(router: Router, deps: AppDeps): void {
  router.post('/api/v1/benchmarks', async (req, res) => {
    requireAdmin(res);
    const keyHeader = req.get('idempotency-key');
    if (keyHeader !== undefined && !IDEMPOTENCY_KEY.test(keyHeader)) {
      throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [{ path: 'headers.idempotency-key', message: 'invalid' }]);
    }
    const dedupeKey = keyHeader ? `submitted:${keyHeader}` : null;
    if (dedupeKey) {
      const existing = await deps.benchmarks.repositories.results.findByDedupeKey(dedupeKey);
      if (existing) {
        res.status(201).set('idempotent-replayed', 'true').json(benchmarkResultToDto(existing));
        return;
      }
    }
    const parsed = parseSubmission(deps, req.body, dedupeKey);
    const stored = await deps.benchmarks.repositories.results.insert(parsed);
    if (!stored.ok) {
      // Two concurrent submissions with one key: the loser answers with the winner's result.
      const raced = dedupeKey ? await deps.benchmarks.repositories.results.findByDedupeKey(dedupeKey) : undefined;
      if (raced) {
        res.status(201).set('idempotent-replayed', 'true').json(benchmarkResultToDto(raced));
        return;
      }
      throw stored.err;
    }
    deps.logger.info('benchmark submitted', { requestId: res.locals.requestId, benchmarkId: stored.val.id, model: stored.val.model.name, gpuSku: stored.val.gpuSku, invalid: stored.val.invalidReasons });
    res.status(201).json(benchmarkResultToDto(stored.val));
  });
}
