import { z } from 'zod';

/** Timestamps on the wire: ISO 8601 UTC (`2026-02-02T14:00:00.000Z`). */
export const timestampSchema = z.iso.datetime().meta({ description: 'ISO 8601 timestamp, UTC' });

/** Dollars with up to six decimals, for humans and scripts; every amount also comes in exact µUSD. */
export const usdSchema = z.number().meta({ description: 'US dollars' });
export const microsSchema = z.number().int().meta({ description: 'Exact amount in micro-USD (1 USD = 1,000,000)' });

export const PROVIDERS = ['vastai', 'tensordock', 'bluelobster'] as const;
export const providerSchema = z.enum(PROVIDERS);

/** Query-string helpers: values arrive as strings; empty means absent. */
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
/**
 * A numeric filter within the range where it means something (default: not negative), so a filter
 * that can never match is a 400 naming the parameter, not an empty or unfiltered 200.
 */
export const queryNumber = (range: { min?: number; max?: number } = {}) => {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  return z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .refine(Number.isFinite, 'must be a number')
      .refine((v) => v >= min && v <= max, max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be from ${min} to ${max}`)
      .optional(),
  );
};
export const queryInteger = (range: { min?: number; max?: number } = {}) => {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  return z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int('must be a whole number')
      .refine((v) => v >= min && v <= max, max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be from ${min} to ${max}`)
      .optional(),
  );
};
export const queryString = () => z.preprocess(emptyToUndefined, z.string().trim().min(1).max(200).optional());

/** Cursor pagination shared by every list endpoint. */
export const paginationQuerySchema = z.object({
  limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(500).optional()),
  cursor: queryString(),
});
