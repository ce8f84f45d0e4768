/**
 * The GPU catalogue's data: every SKU the service knows, with the attributes that tell SKUs of one
 * family apart, and the vendor spellings the generic reading cannot reach. How a raw vendor name is
 * resolved to one of these is gpu-catalog.ts.
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

export type FormFactor = 'pcie' | 'sxm' | 'nvl';

export interface CatalogEntry {
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
export const CATALOG_ENTRIES: readonly CatalogEntry[] = [
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
export const FAMILY_ALIASES: readonly (readonly [spelling: string, family: string])[] = [
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
