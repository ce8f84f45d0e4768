import { type z } from 'zod';

import { Err, Ok, ProviderSchemaError, type Result } from '@gpu-shopper/core';

import { type HttpResponse, type ProviderHttpClient } from './http-client.js';

/**
 * Validates a vendor body against its contract. Anything else — HTML, truncated JSON, a field that
 * changed type — is a schema error that names the first problems, never a silently empty result.
 */
export function parseBody<S extends z.ZodType>(
  client: ProviderHttpClient,
  operation: string,
  response: HttpResponse,
  schema: S,
): Result<z.infer<S>, ProviderSchemaError> {
  if (response.json === undefined) {
    return Err(
      new ProviderSchemaError(`expected JSON, got: ${client.snippet(response.text) || 'an empty body'}`, client.context(operation, response.status)),
    );
  }
  const parsed = schema.safeParse(response.json);
  if (parsed.success) return Ok(parsed.data);
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return Err(new ProviderSchemaError(`response does not match the contract (${issues})`, client.context(operation, response.status)));
}
