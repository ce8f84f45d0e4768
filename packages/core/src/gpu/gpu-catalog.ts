/**
 * The canonical GPU catalogue. Each vendor spells the same card differently ("RTX 4090",
 * "geforcertx4090-pcie-24gb", "NVIDIA GeForce RTX 4090"), and prices are only comparable once they
 * land on one SKU. The opposite mistake costs money too: an RTX 4090 D is not an RTX 4090 and an
 * H100 PCIe is not an H100 SXM, so resolution compares whole model names after normalisation and
 * never uses substring matching.
 *
 * How a raw name is read (see `parseGpuName`):
 * - case-folded; punctuation, spaces, dashes and underscores collapse; glued vendor words are
 *   split ("geforcertx4090" → "geforce rtx 4090");
 * - memory ("80GB", "24 GB", "144G"), memory type ("HBM3", "GDDR6X") and form factor ("PCIe",
 *   "SXM4", "HGX", "NVL") are read out as attributes;
 * - vendor words (NVIDIA, GeForce, Tesla, Quadro, and a leading RTX/GTX/Q) and marketing noise
 *   ("Generation", "Edition", "Blackwell") are dropped; what is left, with spaces removed, is the
 *   model key ("3080ti", "a100", "6000ada") and must equal a family's key exactly.
 *
 * Then the attributes pick a SKU within the family (see `resolveInFamily`). Form factor only
 * matters for families where it is different hardware (A100, H100, H200); a memory size the
 * family does not have makes the name unknown rather than rounding it to the nearest SKU.
 */

import { CATALOG_ENTRIES, FAMILY_ALIASES, GPU_CATALOG, type CatalogEntry, type FormFactor, type GpuSku } from './gpu-skus.js';

export { GPU_CATALOG, type GpuSegment, type GpuSku } from './gpu-skus.js';

export type GpuResolution =
  | { known: true; sku: GpuSku; rawName: string }
  | { known: false; rawName: string; normalizedName: string };

export interface ResolveGpuOptions {
  /**
   * Per-GPU memory from a structured vendor field (Vast's `gpu_ram` in GB, say). Only used to
   * choose between SKUs the name leaves open ("A100 PCIE", "RTX 4060 Ti"); it never overrides
   * memory written in the name, and a value that fits none of the candidates is ignored, because
   * vendors report usable rather than nominal memory and the name is the more reliable signal.
   */
  vramGb?: number;
}

// ---------------------------------------------------------------------------------------------
// Name parsing

/** Dropped wherever they appear: they never tell two cards apart. */
const VENDOR_TOKENS = new Set(['nvidia', 'geforce', 'tesla', 'quadro']);
/** Dropped only at the start, so "TITAN RTX" keeps its RTX. "q" is Vast's "Q RTX 8000". */
const LEADING_TOKENS = new Set(['rtx', 'gtx', 'q']);
/** Marketing words that vendors add or omit for the same hardware. */
const NOISE_TOKENS = new Set([
  'gpu',
  'graphics',
  'card',
  'generation',
  'edition',
  'workstation',
  'server',
  'lovelace',
  'blackwell',
  'tensor',
  'core',
  'nvlink',
  'lhr',
]);

const GLUED_VENDOR_WORDS = /(nvidia|geforce|tesla|quadro|rtx|gtx)/g;
const MEMORY_TYPE = /(?<![a-z0-9])(hbm|gddr) ?(\d)(e|x)?(?![a-z0-9])/g;
const MEMORY_SIZE = /(?<![a-z0-9])(\d{1,4}) ?(?:gb|gib|g)(?![a-z0-9])/g;
const FORM_NVL = /(?<![a-z0-9])nvl(?![a-z0-9])/g;
const FORM_SXM = /(?<![a-z0-9])(?:sxm\d?|hgx|dgx)(?![a-z0-9])/g;
// "PCIe 4.0" and "PCIe Gen4" arrive as "pcie 4 0" and "pcie gen4" once punctuation is spaces.
const FORM_PCIE = /(?<![a-z0-9])(?:pcie|pci e|pci express)(?: (?:gen ?)?\d(?: 0)?)?(?![a-z0-9])/g;

interface ParsedGpuName {
  /** Vendor words, attributes and noise removed, spaces removed: "3080ti", "a100". */
  modelKey: string;
  /** Everything but vendor words and noise, spaces removed; compares names we cannot resolve. */
  wholeKey: string;
  memoryGb?: number;
  formFactor?: FormFactor;
  memoryType?: string;
}

function spacedLowerCase(raw: string): string {
  const spaced = raw.toLowerCase().replace(/[^a-z0-9]+/g, ' ').replace(GLUED_VENDOR_WORDS, ' $1 ');
  return ` ${spaced.replace(/ +/g, ' ').trim()} `;
}

function keyOf(text: string): string {
  const tokens = text
    .split(' ')
    .filter((token) => token !== '' && !VENDOR_TOKENS.has(token) && !NOISE_TOKENS.has(token));
  let start = 0;
  while (start < tokens.length && LEADING_TOKENS.has(tokens[start] ?? '')) start += 1;
  return tokens.slice(start).join('');
}

function parseGpuName(raw: string): ParsedGpuName {
  let text = spacedLowerCase(raw);
  const wholeKey = keyOf(text);

  let memoryType: string | undefined;
  text = text.replace(MEMORY_TYPE, (_match, kind: string, generation: string, suffix: string | undefined) => {
    memoryType ??= `${kind}${generation}${suffix ?? ''}`;
    return ' ';
  });

  let memoryGb: number | undefined;
  text = text.replace(MEMORY_SIZE, (_match, size: string) => {
    memoryGb ??= Number(size);
    return ' ';
  });

  // The H100 NVL and H200 NVL are physically PCIe cards, so NVL wins when both are written.
  const formFactors = new Set<FormFactor>();
  for (const [pattern, formFactor] of [
    [FORM_NVL, 'nvl'],
    [FORM_SXM, 'sxm'],
    [FORM_PCIE, 'pcie'],
  ] as const) {
    text = text.replace(pattern, () => {
      formFactors.add(formFactor);
      return ' ';
    });
  }
  const formFactor = (['nvl', 'sxm', 'pcie'] as const).find((candidate) => formFactors.has(candidate));

  return { modelKey: keyOf(text), wholeKey, memoryGb, formFactor, memoryType };
}

// ---------------------------------------------------------------------------------------------
// Family index

interface FamilyIndexEntry {
  readonly family: string;
  readonly entries: readonly CatalogEntry[];
  /** True for A100/H100/H200, where form factor tells SKUs apart; elsewhere "PCIe" is ignored. */
  readonly formFactorMatters: boolean;
}

function buildFamilyIndex(): ReadonlyMap<string, FamilyIndexEntry> {
  const entriesByFamily = new Map<string, CatalogEntry[]>();
  for (const catalogEntry of CATALOG_ENTRIES) {
    const members = entriesByFamily.get(catalogEntry.sku.family) ?? [];
    members.push(catalogEntry);
    entriesByFamily.set(catalogEntry.sku.family, members);
  }

  const index = new Map<string, FamilyIndexEntry>();
  const addKey = (spelling: string, family: FamilyIndexEntry): void => {
    const key = parseGpuName(spelling).modelKey;
    const existing = index.get(key);
    // Two families reading as one key would silently merge different hardware: fail at load.
    if (key === '' || (existing !== undefined && existing.family !== family.family)) {
      const owner = existing?.family ?? 'nothing';
      throw new Error(`GPU catalogue: "${spelling}" gives model key "${key}", already used by ${owner}`);
    }
    index.set(key, family);
  };

  const families = new Map<string, FamilyIndexEntry>();
  for (const [family, entries] of entriesByFamily) {
    const formFactorMatters = entries.some((member) => member.formFactor !== undefined);
    const indexEntry = { family, entries, formFactorMatters };
    families.set(family, indexEntry);
    addKey(family, indexEntry);
  }
  for (const [spelling, family] of FAMILY_ALIASES) {
    const indexEntry = families.get(family);
    if (indexEntry === undefined) throw new Error(`GPU catalogue: alias "${spelling}" names unknown family ${family}`);
    addKey(spelling, indexEntry);
  }
  return index;
}

const FAMILY_INDEX = buildFamilyIndex();
const SKU_BY_ID: ReadonlyMap<string, GpuSku> = new Map(GPU_CATALOG.map((sku) => [sku.id, sku]));

/** A memory-level SKU ("A100 80GB") in a family where the others carry a form factor. */
function isFormFactorUnstated(family: FamilyIndexEntry, catalogEntry: CatalogEntry): boolean {
  return family.formFactorMatters && catalogEntry.formFactor === undefined;
}

/** Whether the SKU could be what the parsed name describes; unstated attributes constrain nothing. */
function isConsistent(family: FamilyIndexEntry, catalogEntry: CatalogEntry, parsed: ParsedGpuName): boolean {
  if (
    parsed.memoryGb !== undefined &&
    parsed.memoryGb !== catalogEntry.sku.vramGb &&
    !(catalogEntry.otherNamedVramGb ?? []).includes(parsed.memoryGb)
  ) {
    return false;
  }
  if (family.formFactorMatters && parsed.formFactor !== undefined && parsed.formFactor !== catalogEntry.formFactor) {
    return false;
  }
  const typeKnownBothSides = parsed.memoryType !== undefined && catalogEntry.memoryType !== undefined;
  return !typeKnownBothSides || parsed.memoryType === catalogEntry.memoryType;
}

const HINT_TOLERANCE_FRACTION = 0.1;

function narrowByVramHint(candidates: readonly CatalogEntry[], vramGb: number | undefined): readonly CatalogEntry[] {
  if (vramGb === undefined || !Number.isFinite(vramGb) || vramGb <= 0) return candidates;
  const distance = (candidate: CatalogEntry): number => Math.abs(candidate.sku.vramGb - vramGb);
  const near = candidates.filter(
    (candidate) => distance(candidate) <= Math.max(1, candidate.sku.vramGb * HINT_TOLERANCE_FRACTION),
  );
  if (near.length === 0) return candidates;
  const best = Math.min(...near.map(distance));
  return near.filter((candidate) => distance(candidate) === best);
}

function resolveInFamily(
  family: FamilyIndexEntry,
  parsed: ParsedGpuName,
  options: ResolveGpuOptions,
): GpuSku | undefined {
  let candidates: readonly CatalogEntry[] = family.entries.filter(
    (member) => !isFormFactorUnstated(family, member) && isConsistent(family, member, parsed),
  );
  if (candidates.length > 1) candidates = narrowByVramHint(candidates, options.vramGb);
  const [only, ...others] = candidates;
  if (only === undefined) return undefined;
  if (others.length === 0) return only.sku;

  // Memory known, form factor not: the memory-level SKU says exactly that much and no more.
  const sizes = new Set(candidates.map((candidate) => candidate.sku.vramGb));
  if (sizes.size === 1) {
    const memoryLevel = family.entries.find(
      (member) =>
        isFormFactorUnstated(family, member) && sizes.has(member.sku.vramGb) && isConsistent(family, member, parsed),
    );
    if (memoryLevel !== undefined) return memoryLevel.sku;
  }

  const defaults = candidates.filter((candidate) => candidate.isFamilyDefault === true);
  return defaults.length === 1 ? defaults[0]?.sku : undefined;
}

// ---------------------------------------------------------------------------------------------
// Display names for unknown GPUs

const DISPLAY_WORDS: ReadonlyMap<string, string> = new Map([
  ['pcie', 'PCIe'],
  ['ti', 'Ti'],
  ['super', 'SUPER'],
  ['ada', 'Ada'],
  ['rtx', 'RTX'],
  ['gtx', 'GTX'],
  ['nvl', 'NVL'],
]);
/** Unlike the matching key, the display keeps "Quadro": for an unknown card it is part of the name. */
const DISPLAY_DROPPED_WORDS = new Set(['nvidia', 'geforce', 'tesla']);
const GLUED_VENDOR_PREFIX = /^(?:nvidia|geforce|tesla)+(?=.)/i;

function displayToken(token: string): string {
  // Tokens with capitals already carry the vendor's casing; only all-lower-case ones need help.
  if (token !== token.toLowerCase()) return token;
  const memory = /^(\d+)(gb|gib|g)$/.exec(token);
  if (memory !== null) return `${memory[1] ?? ''}GB`;
  const word = DISPLAY_WORDS.get(token);
  if (word !== undefined) return word;
  return /\d/.test(token) ? token.toUpperCase() : token;
}

/** "NVIDIA Radeon Mystery 9000" → "Radeon Mystery 9000": vendor words gone, casing kept. */
function tidyDisplayName(raw: string): string {
  const tokens = raw
    .replace(/[™®]/g, '')
    .split(/[\s_-]+/)
    .filter((token) => token !== '' && !DISPLAY_DROPPED_WORDS.has(token.toLowerCase()))
    .map((token) => displayToken(token.replace(GLUED_VENDOR_PREFIX, '')));
  return tokens.length > 0 ? tokens.join(' ') : raw.trim().replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Public functions

/**
 * Maps a vendor's GPU name to its canonical SKU. Names that do not resolve to exactly one SKU
 * (a card not in the catalogue, a memory size the family never had, or a name that leaves the
 * SKU open, like "A100 PCIE" without memory) come back `known: false` with a tidied name, so
 * callers keep the offer and can flag it instead of losing it.
 */
export function resolveGpu(rawName: string, options: ResolveGpuOptions = {}): GpuResolution {
  const parsed = parseGpuName(rawName);
  const family = FAMILY_INDEX.get(parsed.modelKey);
  const sku = family === undefined ? undefined : resolveInFamily(family, parsed, options);
  if (sku !== undefined) return { known: true, sku, rawName };
  return { known: false, rawName, normalizedName: tidyDisplayName(rawName) };
}

/** Exact lookup by canonical id; aliases are `resolveGpu`'s job. */
export function findGpuSku(id: string): GpuSku | undefined {
  return SKU_BY_ID.get(id);
}

/**
 * Every SKU in the family the name could denote: one for a resolved name, several for a name
 * that stops short ("A100 PCIE"), none when the family is unknown or the attributes contradict it.
 */
function possibleSkus(parsed: ParsedGpuName, family: FamilyIndexEntry | undefined): readonly GpuSku[] {
  if (family === undefined) return [];
  return family.entries.filter((member) => isConsistent(family, member, parsed)).map((member) => member.sku);
}

/**
 * The inventory `--gpu` filter. The query is read as constraints, as specific as it is written:
 * - a family name (`A100`, `H100`, `RTX 3080`) matches every SKU of the family;
 * - memory without form factor (`A100 80GB`) matches that family's 80GB SKUs, including the
 *   memory-level `A100 80GB`;
 * - a fully specified name (`H100 SXM`, `RTX4090`) matches that SKU only; `RTX 4090 D` is its own
 *   family, so `RTX 4090` never matches it.
 * The candidate matches only if every SKU it could be satisfies the query, so an offer named
 * "A100 PCIE" matches `A100` and `A100 PCIe` but not `A100 80GB`. When the query names nothing
 * in the catalogue, names are compared after normalisation ("Foo X1" = "foo-x1").
 * An empty or whitespace-only query is no filter and matches everything.
 */
/**
 * Answers for (query, name) pairs already seen. The catalogue is static, so an answer never changes;
 * the inventory asks the same few pairs for thousands of offers on every query. Bounded: cleared
 * when full (the working set is a few hundred pairs).
 */
const MATCH_CACHE = new Map<string, boolean>();
const MATCH_CACHE_LIMIT = 10_000;

export function matchesGpuQuery(query: string, skuIdOrName: string): boolean {
  const key = `${query}\u0000${skuIdOrName}`;
  const known = MATCH_CACHE.get(key);
  if (known !== undefined) return known;
  const answer = matchesGpuQueryUncached(query, skuIdOrName);
  if (MATCH_CACHE.size >= MATCH_CACHE_LIMIT) MATCH_CACHE.clear();
  MATCH_CACHE.set(key, answer);
  return answer;
}

function matchesGpuQueryUncached(query: string, skuIdOrName: string): boolean {
  if (query.trim() === '') return true;

  const parsedQuery = parseGpuName(query);
  const queryFamily = FAMILY_INDEX.get(parsedQuery.modelKey);
  const wanted = new Set(possibleSkus(parsedQuery, queryFamily));
  if (wanted.size === 0) {
    const candidateKey = parseGpuName(skuIdOrName).wholeKey;
    return parsedQuery.wholeKey !== '' && parsedQuery.wholeKey === candidateKey;
  }

  const resolved = resolveGpu(skuIdOrName);
  let candidates: readonly GpuSku[];
  if (resolved.known) {
    candidates = [resolved.sku];
  } else {
    const parsedCandidate = parseGpuName(skuIdOrName);
    candidates = possibleSkus(parsedCandidate, FAMILY_INDEX.get(parsedCandidate.modelKey));
  }
  return candidates.length > 0 && candidates.every((sku) => wanted.has(sku));
}
