import { type ValidationError } from '@gpu-shopper/core';

import { ApiError } from '../../http/api-error.js';

/** Scheduler field names (camelCase, `runTemplate.gpuTypes`) as the caller wrote them. */
const FIELD: Record<string, string> = { cronExpression: 'cron_expression', runTemplate: 'run_template', gpuTypes: 'gpu_types', maxBudgetMicros: 'max_budget', consumerId: 'consumer_id', maxAttemptsPerEntry: 'max_attempts_per_entry', durationSeconds: 'duration_seconds' };

export function scheduleValidationError(error: ValidationError): ApiError {
  const details = error.context.issues.map((i) => ({ path: `body.${i.path.split('.').map((p) => FIELD[p] ?? p).join('.')}`, message: i.message }));
  return new ApiError('VALIDATION_FAILED', error.message, details);
}

export function scheduleNotFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `benchmark schedule '${id}' not found`);
}
