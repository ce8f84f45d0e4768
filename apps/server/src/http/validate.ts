import { type z } from 'zod';

import { ApiError } from './api-error.js';

/** Parses `value` with `schema` or throws a 400 naming each bad field (`body.reservation_hours`). */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.slice(0, 20).map((issue) => {
    const field = issue.path.join('.');
    const unknownKeys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return { path: field ? `${where}.${field}` : where, message: `${issue.message}${unknownKeys}` };
  });
  throw new ApiError('VALIDATION_FAILED', `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
