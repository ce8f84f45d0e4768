import { applyAliases, type FieldAlias } from '@gpu-shopper/contract';
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

/**
 * `validate` after renaming the original API's field names (`additional_hours`) to ours; an alias
 * given beside its canonical field with a different value is a 400 naming both.
 */
export function validateWithAliases<S extends z.ZodType>(schema: S, aliases: readonly FieldAlias[], value: unknown, where: 'body' | 'query'): z.infer<S> {
  const renamed = applyAliases(value, aliases);
  if (renamed.conflicts.length > 0) {
    const details = renamed.conflicts.map((c) => ({ path: `${where}.${c.alias}`, message: `an alias of ${c.canonical}, given with a different value: give only one of them` }));
    throw new ApiError('VALIDATION_FAILED', `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  return validate(schema, renamed.value, where);
}
