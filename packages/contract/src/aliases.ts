/**
 * Field names of the original GPU Shopper API, accepted beside ours so that scripts written against
 * it keep working. Ours stay canonical (they alone appear in the schemas and the OpenAPI document);
 * an alias is renamed to its canonical field before validation, so every rule still applies.
 */
export interface FieldAlias {
  /** The accepted name (`additional_hours`). */
  readonly alias: string;
  /** The canonical field it stands for (`hours`). */
  readonly canonical: string;
  /** How the value differs, when it does (documented). */
  readonly note?: string;
  /** Converts the alias's value into the canonical field's meaning. */
  readonly convert?: (value: unknown) => unknown;
}

/** `YYYY-MM-DD` exclusive end → the inclusive last day (the day before); anything else is left to validation. */
function exclusiveEndToInclusive(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const day = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return value;
  return new Date(day.getTime() - 86_400_000).toISOString().slice(0, 10);
}

export const REQUEST_ALIASES = {
  /** POST /api/v1/sessions */
  createSession: [{ alias: 'idle_threshold_minutes', canonical: 'idle_timeout' }],
  /** POST /api/v1/sessions/:id/extend */
  extendSession: [{ alias: 'additional_hours', canonical: 'hours' }],
  /** GET /api/v1/costs and /api/v1/costs/summary */
  costQuery: [
    { alias: 'start_date', canonical: 'start' },
    { alias: 'end_date', canonical: 'end', note: 'exclusive (the day after the last day), as in the original API', convert: exclusiveEndToInclusive },
  ],
  /** GET /api/v1/inventory (`gpu_type` is a documented query field of its own) */
  inventoryQuery: [
    { alias: 'min_gpu_count', canonical: 'min_gpus' },
    { alias: 'gpu_count', canonical: 'min_gpus', note: 'a minimum, as in the original API' },
  ],
  /** POST /api/v1/consumers */
  createConsumer: [{ alias: 'monthly_limit', canonical: 'monthly_budget' }],
  /** PUT /api/v1/consumers/:id/budget */
  setBudget: [{ alias: 'monthly_budget', canonical: 'monthly_limit' }],
} as const satisfies Record<string, readonly FieldAlias[]>;

export interface AliasResult {
  readonly value: unknown;
  /** `alias` given together with its canonical field (or another alias of it) with a different value. */
  readonly conflicts: readonly { readonly alias: string; readonly canonical: string }[];
}

/**
 * Renames the aliases of a body or query object to their canonical fields. A canonical field wins
 * when both carry the same value; different values are a conflict (the caller answers 400). Values
 * that are not plain objects pass through for validation to reject.
 */
export function applyAliases(value: unknown, aliases: readonly FieldAlias[]): AliasResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { value, conflicts: [] };
  const input = value as Record<string, unknown>;
  if (!aliases.some((a) => Object.hasOwn(input, a.alias))) return { value, conflicts: [] };
  const output: Record<string, unknown> = { ...input };
  const conflicts: { alias: string; canonical: string }[] = [];
  for (const { alias, canonical, convert } of aliases) {
    if (!Object.hasOwn(input, alias)) continue;
    const converted = convert ? convert(input[alias]) : input[alias];
    delete output[alias];
    if (Object.hasOwn(output, canonical) && output[canonical] !== converted) conflicts.push({ alias, canonical });
    else output[canonical] = converted;
  }
  return { value: output, conflicts };
}

/** One line per alias, for documentation (`additional_hours` → `hours`). */
export function describeAliases(aliases: readonly FieldAlias[]): string {
  return aliases.map((a) => `\`${a.alias}\` → \`${a.canonical}\`${a.note ? ` (${a.note})` : ''}`).join(', ');
}
