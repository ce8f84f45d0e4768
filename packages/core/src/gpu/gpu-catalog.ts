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

export type GpuSegment = 'consumer' | 'workstation' | 'datacenter';

export interface GpuSku {
  /** Canonical display name, unique across the catalogue. */
  id: string;
  /** SKUs that differ only in memory size or form factor share a family (`A100`, `RTX 3080`). */
  family: string;
  /** Per GPU, not per board or per node. */
  vramGb: number;
  segment: GpuSegment;
  architecture: string;
}

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

type FormFactor = 'pcie' | 'sxm' | 'nvl';

interface CatalogEntry {
  readonly sku: GpuSku;
  /** Set only in families where form factor is different hardware. */
  readonly formFactor?: FormFactor;
  /** Set where a memory-type token is the only thing telling SKUs apart (nvidia-smi's "H100 80GB HBM3"). */
  readonly memoryType?: string;
  /** The SKU a bare family name means when nothing else narrows it (see the catalogue notes). */
  readonly isFamilyDefault?: boolean;
  /** Other memory figures vendors print for this same hardware ("B200 192GB", "GH200 480GB"). */
  readonly otherNamedVramGb?: readonly number[];
}

interface EntryOptions {
  family?: string;
  formFactor?: FormFactor;
  memoryType?: string;
  isFamilyDefault?: boolean;
  otherNamedVramGb?: readonly number[];
}

function entry(
  id: string,
  vramGb: number,
  segment: GpuSegment,
  architecture: string,
  options: EntryOptions = {},
): CatalogEntry {
  const { family = id, ...rest } = options;
  return { sku: Object.freeze({ id, family, vramGb, segment, architecture }), ...rest };
}

const BLACKWELL = 'Blackwell';
const ADA = 'Ada Lovelace';
const AMPERE = 'Ampere';
const TURING = 'Turing';
const VOLTA = 'Volta';
const PASCAL = 'Pascal';
const HOPPER = 'Hopper';

/*
 * Catalogue notes (decisions a reader would otherwise have to reverse-engineer):
 * - Where NVIDIA sells one name in two memory sizes, the SKU whose official name carries no
 *   memory figure is the family default: "RTX 3080" is the 10GB card (the 12GB one is sold as
 *   "RTX 3080 12GB"), "RTX A2000" the 6GB one. The 4060 Ti, 5060 Ti and V100 launched both sizes
 *   under one name, so a bare name stays unknown unless memory is given.
 * - A100 names that give memory but not form factor resolve to the memory-level SKUs
 *   "A100 40GB" / "A100 80GB": a real, distinct catalogue entry meaning "form factor not stated".
 *   A query for "A100 80GB PCIe" does not match them, so a PCIe-only search never shows an
 *   offer that might be SXM.
 * - A bare "H200" is the SXM part (nvidia-smi calls it "NVIDIA H200"; the NVL always says NVL).
 *   A bare "H100" stays unknown: PCIe, SXM and NVL are all sold as "H100".
 * - "RTX 6000"/"RTX 8000" without "Ada" are the Turing Quadro cards, which is what the bare name
 *   denotes; the Ada card is always written with "Ada".
 * - V100 is split by memory only, not SXM2 vs PCIe, since vendors rarely say which.
 * - RTX PRO 6000 Workstation, Server and Max-Q editions are one SKU: same chip and 96GB, only the
 *   power limit and cooler differ.
 */
const CATALOG_ENTRIES: readonly CatalogEntry[] = [
  // Consumer, Blackwell
  entry('RTX 5090', 32, 'consumer', BLACKWELL),
  entry('RTX 5090 D', 32, 'consumer', BLACKWELL),
  entry('RTX 5080', 16, 'consumer', BLACKWELL),
  entry('RTX 5070 Ti', 16, 'consumer', BLACKWELL),
  entry('RTX 5070', 12, 'consumer', BLACKWELL),
  entry('RTX 5060 Ti 8GB', 8, 'consumer', BLACKWELL, { family: 'RTX 5060 Ti' }),
  entry('RTX 5060 Ti 16GB', 16, 'consumer', BLACKWELL, { family: 'RTX 5060 Ti' }),
  entry('RTX 5060', 8, 'consumer', BLACKWELL),
  // Consumer, Ada Lovelace
  entry('RTX 4090', 24, 'consumer', ADA),
  entry('RTX 4090 D', 24, 'consumer', ADA),
  entry('RTX 4080 SUPER', 16, 'consumer', ADA),
  entry('RTX 4080', 16, 'consumer', ADA),
  entry('RTX 4070 Ti SUPER', 16, 'consumer', ADA),
  entry('RTX 4070 Ti', 12, 'consumer', ADA),
  entry('RTX 4070 SUPER', 12, 'consumer', ADA),
  entry('RTX 4070', 12, 'consumer', ADA),
  entry('RTX 4060 Ti 8GB', 8, 'consumer', ADA, { family: 'RTX 4060 Ti' }),
  entry('RTX 4060 Ti 16GB', 16, 'consumer', ADA, { family: 'RTX 4060 Ti' }),
  entry('RTX 4060', 8, 'consumer', ADA),
  // Consumer, Ampere
  entry('RTX 3090 Ti', 24, 'consumer', AMPERE),
  entry('RTX 3090', 24, 'consumer', AMPERE),
  entry('RTX 3080 Ti', 12, 'consumer', AMPERE),
  entry('RTX 3080', 10, 'consumer', AMPERE, { isFamilyDefault: true }),
  entry('RTX 3080 12GB', 12, 'consumer', AMPERE, { family: 'RTX 3080' }),
  entry('RTX 3070 Ti', 8, 'consumer', AMPERE),
  entry('RTX 3070', 8, 'consumer', AMPERE),
  entry('RTX 3060 Ti', 8, 'consumer', AMPERE),
  entry('RTX 3060', 12, 'consumer', AMPERE),
  // Consumer, Turing and older
  entry('TITAN RTX', 24, 'consumer', TURING),
  entry('RTX 2080 Ti', 11, 'consumer', TURING),
  entry('RTX 2080 SUPER', 8, 'consumer', TURING),
  entry('RTX 2080', 8, 'consumer', TURING),
  entry('RTX 2070 SUPER', 8, 'consumer', TURING),
  entry('RTX 2070', 8, 'consumer', TURING),
  entry('RTX 2060 SUPER', 8, 'consumer', TURING),
  entry('RTX 2060', 6, 'consumer', TURING),
  entry('TITAN V', 12, 'consumer', VOLTA),
  entry('GTX 1080 Ti', 11, 'consumer', PASCAL),
  entry('GTX 1080', 8, 'consumer', PASCAL),
  entry('GTX 1070 Ti', 8, 'consumer', PASCAL),
  entry('GTX 1070', 8, 'consumer', PASCAL),
  // Workstation
  entry('RTX PRO 6000', 96, 'workstation', BLACKWELL),
  entry('RTX 6000 Ada', 48, 'workstation', ADA),
  entry('RTX 5000 Ada', 32, 'workstation', ADA),
  entry('RTX 4500 Ada', 24, 'workstation', ADA),
  entry('RTX 4000 Ada', 20, 'workstation', ADA),
  entry('RTX 4000 SFF Ada', 20, 'workstation', ADA),
  entry('RTX 2000 Ada', 16, 'workstation', ADA),
  entry('RTX A6000', 48, 'workstation', AMPERE),
  entry('RTX A5500', 24, 'workstation', AMPERE),
  entry('RTX A5000', 24, 'workstation', AMPERE),
  entry('RTX A4500', 20, 'workstation', AMPERE),
  entry('RTX A4000', 16, 'workstation', AMPERE),
  entry('RTX A2000', 6, 'workstation', AMPERE, { isFamilyDefault: true }),
  entry('RTX A2000 12GB', 12, 'workstation', AMPERE, { family: 'RTX A2000' }),
  entry('Quadro RTX 8000', 48, 'workstation', TURING),
  entry('Quadro RTX 6000', 24, 'workstation', TURING),
  entry('Quadro RTX 5000', 16, 'workstation', TURING),
  entry('Quadro RTX 4000', 8, 'workstation', TURING),
  // Datacenter, Blackwell and Hopper
  entry('B200', 180, 'datacenter', BLACKWELL, { otherNamedVramGb: [192] }),
  entry('GH200', 96, 'datacenter', HOPPER, { isFamilyDefault: true, otherNamedVramGb: [480] }),
  entry('GH200 144GB', 144, 'datacenter', HOPPER, { family: 'GH200', otherNamedVramGb: [624] }),
  entry('H200 SXM', 141, 'datacenter', HOPPER, { family: 'H200', formFactor: 'sxm', isFamilyDefault: true }),
  entry('H200 NVL', 141, 'datacenter', HOPPER, { family: 'H200', formFactor: 'nvl' }),
  entry('H100 SXM', 80, 'datacenter', HOPPER, { family: 'H100', formFactor: 'sxm', memoryType: 'hbm3' }),
  entry('H100 PCIe', 80, 'datacenter', HOPPER, { family: 'H100', formFactor: 'pcie', memoryType: 'hbm2e' }),
  entry('H100 NVL', 94, 'datacenter', HOPPER, { family: 'H100', formFactor: 'nvl', memoryType: 'hbm3' }),
  // Datacenter, Ada Lovelace
  entry('L40S', 48, 'datacenter', ADA),
  entry('L40', 48, 'datacenter', ADA),
  entry('L4', 24, 'datacenter', ADA),
  // Datacenter, Ampere
  entry('A100 80GB SXM', 80, 'datacenter', AMPERE, { family: 'A100', formFactor: 'sxm' }),
  entry('A100 80GB PCIe', 80, 'datacenter', AMPERE, { family: 'A100', formFactor: 'pcie' }),
  entry('A100 40GB SXM', 40, 'datacenter', AMPERE, { family: 'A100', formFactor: 'sxm' }),
  entry('A100 40GB PCIe', 40, 'datacenter', AMPERE, { family: 'A100', formFactor: 'pcie' }),
  entry('A100 80GB', 80, 'datacenter', AMPERE, { family: 'A100' }),
  entry('A100 40GB', 40, 'datacenter', AMPERE, { family: 'A100' }),
  entry('A40', 48, 'datacenter', AMPERE),
  entry('A30', 24, 'datacenter', AMPERE),
  entry('A10', 24, 'datacenter', AMPERE),
  entry('A10G', 24, 'datacenter', AMPERE),
  entry('A16', 16, 'datacenter', AMPERE),
  entry('A2', 16, 'datacenter', AMPERE),
  // Datacenter, Turing and Volta
  entry('T4', 16, 'datacenter', TURING),
  entry('V100 32GB', 32, 'datacenter', VOLTA, { family: 'V100' }),
  entry('V100 16GB', 16, 'datacenter', VOLTA, { family: 'V100' }),
  entry('V100S', 32, 'datacenter', VOLTA),
];

/**
 * Vendor spellings the generic reading cannot reach: Vast abbreviates SUPER to "S" and names the
 * RTX PRO 6000 editions "WS"/"S". Each is a whole-name key, so "L40S" is untouched.
 */
const FAMILY_ALIASES: readonly (readonly [spelling: string, family: string])[] = [
  ['RTX 4080S', 'RTX 4080 SUPER'],
  ['RTX 4070S', 'RTX 4070 SUPER'],
  ['RTX 4070S Ti', 'RTX 4070 Ti SUPER'],
  ['RTX 4070 Ti S', 'RTX 4070 Ti SUPER'],
  ['RTX 2080S', 'RTX 2080 SUPER'],
  ['RTX 2070S', 'RTX 2070 SUPER'],
  ['RTX 2060S', 'RTX 2060 SUPER'],
  ['RTX PRO 6000 WS', 'RTX PRO 6000'],
  ['RTX PRO 6000 S', 'RTX PRO 6000'],
  ['RTX PRO 6000 Max-Q', 'RTX PRO 6000'],
];

export const GPU_CATALOG: readonly GpuSku[] = Object.freeze(CATALOG_ENTRIES.map((catalogEntry) => catalogEntry.sku));

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
