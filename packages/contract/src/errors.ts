import { z } from 'zod';

/**
 * The stable machine codes of the API. Clients branch on `code`, never on messages. The HTTP status
 * of each is fixed here, so the server, the SDK and the CLI agree on it.
 */
export const API_ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  OFFER_NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  IDEMPOTENCY_CONFLICT: 409,
  CONCURRENT_UPDATE: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  BUDGET_EXCEEDED: 422,
  SAFETY_LIMIT_EXCEEDED: 422,
  UNSUPPORTED_BY_PROVIDER: 422,
  OFFER_UNAVAILABLE: 422,
  RATE_LIMITED: 429,
  PROVIDER_ERROR: 502,
  PROVIDER_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export const API_ERROR_CODES = Object.keys(API_ERROR_STATUS) as ApiErrorCode[];
export const apiErrorCodeSchema = z.enum(API_ERROR_CODES as [ApiErrorCode, ...ApiErrorCode[]]);

export const errorDetailSchema = z.object({
  path: z.string().meta({ description: 'The offending field, e.g. `reservation_hours` or `query.min_vram`' }),
  message: z.string(),
});

/** The one error envelope of every non-2xx answer. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: apiErrorCodeSchema,
      message: z.string(),
      request_id: z.string(),
      details: z.array(errorDetailSchema).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
