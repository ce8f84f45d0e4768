import { type VastBundle } from './vastai-schemas.js';

/**
 * The checks of `vastBundleSchema`, done in place: a listing carries thousands of bundles with
 * dozens of fields each, and a schema parse builds a copy of every one before the adapter reads
 * eight of them. Only the fields the adapter reads are checked (the schema's fields), exactly as
 * strictly as the schema checks them; the test suite holds the two to the same verdicts.
 */

type Check = (value: unknown) => boolean;

const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isInteger: Check = (value) => Number.isSafeInteger(value);
const nullish =
  (check: Check): Check =>
  (value) =>
    value === undefined || value === null || check(value);

const FIELDS: readonly (readonly [keyof VastBundle, Check, string])[] = [
  ['id', isInteger, 'an integer'],
  ['machine_id', nullish(isInteger), 'an integer or null'],
  ['gpu_name', (value) => typeof value === 'string', 'a string'],
  ['gpu_ram', isNumber, 'a number'],
  ['num_gpus', (value) => isInteger(value) && (value as number) > 0, 'a positive integer'],
  ['dph_total', (value) => isNumber(value) && (value as number) >= 0, 'a non-negative number'],
  ['geolocation', nullish((value) => typeof value === 'string'), 'a string or null'],
  ['reliability2', nullish(isNumber), 'a number or null'],
  ['rentable', nullish((value) => typeof value === 'boolean'), 'a boolean or null'],
  ['rented', nullish((value) => typeof value === 'boolean'), 'a boolean or null'],
  ['cuda_max_good', nullish(isNumber), 'a number or null'],
  ['dph_base', nullish(isNumber), 'a number or null'],
  ['storage_cost', nullish(isNumber), 'a number or null'],
  ['min_bid', nullish(isNumber), 'a number or null'],
];

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

/**
 * Whether `value` is a bundle the adapter can read; each problem goes to `issues` (as
 * `offers.3.gpu_name: expected a string, got null`) until it holds `maxIssues`.
 */
export function isVastBundle(value: unknown, path: string, issues: string[], maxIssues = 3): value is VastBundle {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (issues.length < maxIssues) issues.push(`${path}: expected a bundle object, got ${describe(value)}`);
    return false;
  }
  const record = value as Record<string, unknown>;
  let ok = true;
  for (const [field, check, expected] of FIELDS) {
    const fieldValue = record[field];
    if (check(fieldValue)) continue;
    ok = false;
    if (issues.length < maxIssues) issues.push(`${path}.${field}: expected ${expected}, got ${describe(fieldValue)}`);
  }
  return ok;
}

/**
 * The bundles of a whole search answer (`{"offers": [...]}`; the vendor's reference example shows a
 * single bundle under `offers`, read as a list of one), checked in place; or the first problems.
 */
export function readVastBundles(json: unknown): { ok: true; bundles: VastBundle[] } | { ok: false; issues: string[] } {
  const issues: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, issues: [`(root): expected an object, got ${describe(json)}`] };
  const offers = (json as { offers?: unknown }).offers;
  if (Array.isArray(offers)) {
    for (let i = 0; i < offers.length && issues.length < 3; i++) isVastBundle(offers[i], `offers.${i}`, issues);
    return issues.length === 0 ? { ok: true, bundles: offers as VastBundle[] } : { ok: false, issues };
  }
  if (typeof offers === 'object' && offers !== null) {
    return isVastBundle(offers, 'offers', issues) ? { ok: true, bundles: [offers] } : { ok: false, issues };
  }
  return { ok: false, issues: [`offers: expected a list of bundles, got ${describe(offers)}`] };
}
