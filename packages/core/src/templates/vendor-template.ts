import { type Offer } from '../inventory/offer.js';
import { compareVersions } from '../inventory/offer-filter.js';
import { type ProviderName } from '../providers/provider-name.js';

/** Comparison operators of a template's host requirements (Vast's `extra_filters`). */
export const TEMPLATE_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin'] as const;
export type TemplateOperator = (typeof TEMPLATE_OPERATORS)[number];

/**
 * Host properties a requirement can name, in the offer's own terms. A vendor key with no neutral
 * counterpart stays `unmapped`: it is shown, and ignored when matching (the vendor's own matching
 * ignores properties a host does not report, so the permissive reading is the faithful one).
 */
export type TemplateProperty = 'cuda_version' | 'vram_mb_per_gpu' | 'vram_mb_total' | 'gpu_count' | 'gpu_name' | 'unmapped';

export interface TemplateRequirement {
  /** The vendor's key, as published (`cuda_max_good`, `gpu_total_ram`…). */
  readonly key: string;
  readonly property: TemplateProperty;
  readonly op: TemplateOperator;
  readonly value: unknown;
}

/** A vendor's launch template (Vast.ai's): an image plus defaults, referenced by its hash id. */
export interface VendorTemplate {
  readonly provider: ProviderName;
  readonly id: number;
  readonly hashId: string;
  readonly name: string;
  readonly image: string;
  readonly tag: string | null;
  /** Docker-flag style, as the vendor stores it (`-e KEY=value -p 8000:8000`). */
  readonly env: string | null;
  readonly onStart: string | null;
  readonly runtype: string | null;
  readonly argsStr: string | null;
  readonly useSsh: boolean;
  readonly sshDirect: boolean;
  readonly recommended: boolean;
  readonly recommendedDiskGb: number | null;
  /** The raw requirement document (a JSON string at Vast), kept for display. */
  readonly extraFilters: string | null;
  readonly requirements: readonly TemplateRequirement[];
  readonly creatorId: number | null;
  readonly createdAt: Date | null;
  readonly countCreated: number | null;
}

export interface TemplateFilter {
  readonly recommended?: boolean;
  readonly useSsh?: boolean;
  /** Case-insensitive substring of the name. */
  readonly name?: string;
  /** Case-insensitive substring of the image. */
  readonly image?: string;
}

export function filterTemplates(templates: readonly VendorTemplate[], filter: TemplateFilter): VendorTemplate[] {
  const name = filter.name?.toLowerCase();
  const image = filter.image?.toLowerCase();
  return templates.filter(
    (t) =>
      (filter.recommended === undefined || t.recommended === filter.recommended) &&
      (filter.useSsh === undefined || t.useSsh === filter.useSsh) &&
      (name === undefined || t.name.toLowerCase().includes(name)) &&
      (image === undefined || t.image.toLowerCase().includes(image)),
  );
}

/** The offer's value of a property; undefined when the offer does not know it (then the requirement is ignored). */
function offerValue(offer: Offer, property: TemplateProperty): number | string | undefined {
  switch (property) {
    case 'cuda_version':
      return offer.cudaVersion === null ? undefined : offer.cudaVersion;
    case 'vram_mb_per_gpu':
      // Offers carry whole GB; vendors publish MB a little under nominal (24564 for 24 GB). The
      // nominal figure is close enough for thresholds like "more than 21000 MB".
      return offer.vramGbPerGpu * 1024;
    case 'vram_mb_total':
      return offer.vramGbPerGpu * 1024 * offer.gpuCount;
    case 'gpu_count':
      return offer.gpuCount;
    case 'gpu_name':
      return offer.gpuName;
    case 'unmapped':
      return undefined;
  }
}

function compareValue(actual: number | string, expected: unknown, property: TemplateProperty): number | undefined {
  if (property === 'cuda_version') {
    const e = typeof expected === 'number' || typeof expected === 'string' ? String(expected) : '';
    return /^\d+(\.\d+)?$/.test(e) ? compareVersions(String(actual), e) : undefined;
  }
  if (typeof actual === 'number') {
    const e = typeof expected === 'number' ? expected : typeof expected === 'string' && expected.trim() !== '' ? Number(expected) : Number.NaN;
    return Number.isFinite(e) ? actual - e : undefined;
  }
  // Vast writes names with underscores for spaces in queries (`RTX_4090`).
  return typeof expected === 'string' && actual.toLowerCase() === expected.replace(/_/g, ' ').toLowerCase() ? 0 : undefined;
}

function satisfies(actual: number | string, requirement: TemplateRequirement): boolean {
  const { op, value, property } = requirement;
  const list = Array.isArray(value) ? value : [value];
  switch (op) {
    case 'eq':
      return compareValue(actual, value, property) === 0;
    case 'neq':
      return compareValue(actual, value, property) !== 0;
    case 'in':
      return list.some((v) => compareValue(actual, v, property) === 0);
    case 'notin':
      return !list.some((v) => compareValue(actual, v, property) === 0);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // An ordering that cannot be evaluated (a non-numeric value) fails: it cannot be shown to hold.
      const diff = compareValue(actual, value, property);
      if (diff === undefined) return false;
      return op === 'gt' ? diff > 0 : op === 'gte' ? diff >= 0 : op === 'lt' ? diff < 0 : diff <= 0;
    }
  }
}

/** The requirements the offer fails (empty: compatible). Offers of another provider fail outright. */
export function unmetTemplateRequirements(offer: Offer, template: VendorTemplate): TemplateRequirement[] | 'other_provider' {
  if (offer.provider !== template.provider) return 'other_provider';
  return template.requirements.filter((requirement) => {
    const actual = offerValue(offer, requirement.property);
    return actual !== undefined && !satisfies(actual, requirement);
  });
}

export function offerSatisfiesTemplate(offer: Offer, template: VendorTemplate): boolean {
  const unmet = unmetTemplateRequirements(offer, template);
  return unmet !== 'other_provider' && unmet.length === 0;
}

const OP_TEXT: Record<TemplateOperator, string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: 'in', notin: 'not in' };

/** `cuda_max_good ≥ 12.4`, for error messages. */
export function describeRequirement(requirement: TemplateRequirement): string {
  return `${requirement.key} ${OP_TEXT[requirement.op]} ${JSON.stringify(requirement.value)}`;
}
