import { roundPrice } from '../internal/money.js';
import { Prng } from '../internal/prng.js';
import { type SimulatedOffer } from '../model.js';
import { GPU_SKUS, type GpuSku } from './gpu-skus.js';

/** A Vast bundle as `GET /bundles/` returns it (providers.md §2.1.1), plus the SKU it was drawn from. */
export interface VastBundle {
  readonly sku: GpuSku;
  readonly wire: {
    readonly id: number;
    readonly machine_id: number;
    readonly gpu_name: string;
    readonly gpu_ram: number;
    readonly num_gpus: number;
    readonly dph_total: number;
    readonly min_bid: number;
    readonly geolocation: string;
    readonly reliability2: number;
    readonly rentable: boolean;
    readonly rented: boolean;
    readonly cuda_max_good: number;
    readonly gpu_total_ram: number;
    readonly compute_cap: number;
    readonly cpu_arch: string;
    readonly cpu_name: string;
    readonly cpu_cores_effective: number;
    readonly cpu_ram: number;
    readonly disk_space: number;
    readonly verified: boolean;
    readonly static_ip: boolean;
    readonly driver_version: string;
    readonly inet_down: number;
    readonly inet_up: number;
    readonly public_ipaddr: string;
    readonly direct_port_count: number;
    readonly dlperf: number;
    readonly dlperf_per_dphtotal: number;
    readonly score: number;
  };
}

export interface TensorDockGpu {
  readonly sku: GpuSku;
  readonly v0Name: string;
  readonly displayName: string;
  /** GPUs at the location when nothing is rented; the wire `max_count` shows what is left. */
  readonly capacity: number;
  readonly pricePerHrUsd: number;
  readonly resources: { readonly max_vcpus: number; readonly max_ram_gb: number; readonly max_storage_gb: number };
  readonly networkFeatures: {
    readonly dedicated_ip_available: boolean;
    readonly port_forwarding_available: boolean;
    readonly network_storage_available: boolean;
  };
  readonly pricing: { readonly per_vcpu_hr: number; readonly per_gb_ram_hr: number; readonly per_gb_storage_hr: number };
}

export interface TensorDockLocation {
  readonly id: string;
  readonly city: string;
  readonly stateprovince: string;
  readonly country: string;
  readonly tier: number;
  readonly gpus: readonly TensorDockGpu[];
}

export interface BlueLobsterRegion {
  readonly name: string;
  readonly description: string;
  readonly location: { readonly city: string; readonly state: string; readonly country: string };
}

export interface BlueLobsterType {
  readonly name: string;
  readonly sku: GpuSku | null;
  readonly gpuCount: number;
  readonly priceCentsPerHour: number;
  readonly description: string;
  readonly gpuModel: string | readonly string[] | null;
  readonly specs: { readonly vcpus: number; readonly memory_gib: number; readonly storage_gib: number };
  /** Launch slots per region when nothing is rented; regions with 0 slots are not advertised. */
  readonly slots: Readonly<Record<string, number>>;
}

export interface GeneratedCatalog {
  readonly vastai: readonly VastBundle[];
  readonly tensordock: readonly TensorDockLocation[];
  readonly bluelobster: readonly BlueLobsterType[];
}

export const BLUE_LOBSTER_REGIONS: readonly BlueLobsterRegion[] = [
  { name: 'igl', description: 'Wilmington', location: { city: 'Wilmington', state: 'DE', country: 'USA' } },
  { name: 'phl', description: 'Philadelphia', location: { city: 'Philadelphia', state: 'PA', country: 'USA' } },
];

// Vast's geolocation forms, including the empty-region ", CN" and a bare "US" seen live.
const VAST_LOCATIONS: readonly (readonly [string, number])[] = [
  ['California, US', 6], ['Texas, US', 4], ['Ohio, US', 3], ['Washington, US', 2], ['Virginia, US', 2], ['US', 2],
  ['Quebec, CA', 3], ['Ontario, CA', 1], ['Spain, ES', 3], ['Germany, DE', 2], ['Poland, PL', 2], ['Sweden, SE', 1],
  ['Norway, NO', 1], ['Czechia, CZ', 1], [', CN', 3], ['Vietnam, VN', 2], ['India, IN', 1], ['Japan, JP', 1],
  ['Taiwan, TW', 1], ['Korea, KR', 1],
];

const VAST_CPUS: readonly string[] = [
  'AMD EPYC 7K62 48-Core Processor',
  'AMD EPYC 7543 32-Core Processor',
  'AMD EPYC 9354 32-Core Processor',
  'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
  'Intel(R) Xeon(R) Platinum 8480+',
  'AMD Ryzen 9 7950X 16-Core Processor',
  'AMD Ryzen Threadripper PRO 5975WX 32-Cores',
  'Intel(R) Core(TM) i9-14900K',
];

/** CUDA version a host's driver supports → that driver's version string. */
export const DRIVER_FOR_CUDA: Readonly<Record<string, string>> = {
  '12.2': '535.183.01',
  '12.4': '550.127.05',
  '12.6': '560.35.05',
  '12.7': '565.77',
  '12.8': '570.124.04',
  '12.9': '575.64.03',
  '13.0': '580.95.05',
};

// Relative deep-learning performance per GPU, only used to give bundles a plausible `dlperf`/`score`.
const DLPERF: Readonly<Record<string, number>> = {
  'RTX 5090': 105, 'RTX 5080': 62, 'RTX 5070 Ti': 52, 'RTX 5070': 40, 'RTX 5060 Ti': 28, 'RTX 4090': 82, 'RTX 4080S': 55,
  'RTX 3090': 42, 'RTX 3080': 33, 'RTX 2080 Ti': 22, 'RTX A4000': 24, 'RTX A5000': 34, 'RTX A6000': 44, 'RTX 6000Ada': 88,
  L40S: 90, L4: 25, A40: 42, 'A100 PCIE': 110, 'A100 SXM4': 125, 'H100 SXM': 260, 'H100 PCIE': 200, H200: 290, 'H200 NVL': 270, V100: 30,
};

const TENSORDOCK_SITES: readonly (readonly [string, string, string, number])[] = [
  ['Chubbuck', 'Idaho', 'United States', 1],
  ['Joplin', 'Missouri', 'United States', 2],
  ['Orlando', 'Florida', 'United States', 3],
  ['Manassas', 'Virginia', 'United States', 3],
  // Live data repeats the state as the city ("Texas, Texas, United States") and has tier 4.
  ['Texas', 'Texas', 'United States', 2],
  ['Dallas', 'Texas', 'United States', 4],
  ['Chicago', 'Illinois', 'United States', 3],
  ['Los Angeles', 'California', 'United States', 3],
  ['Amsterdam', 'North Holland', 'Netherlands', 3],
  ['Frankfurt', 'Hesse', 'Germany', 3],
  ['Toronto', 'Ontario', 'Canada', 2],
  ['London', 'England', 'United Kingdom', 4],
];

/** Default share of Blue Lobster in small catalogues, so its tiny inventory never dominates. */
const BLUE_LOBSTER_MAX_SHARE = 0.2;
const TENSORDOCK_SHARE = 0.25;

export function generateCatalog(seed: number, catalogSize: number): GeneratedCatalog {
  const rng = new Prng(seed, 'catalog');
  const bluelobster = generateBlueLobster(rng, Math.max(1, Math.floor(catalogSize * BLUE_LOBSTER_MAX_SHARE)));
  const blCount = bluelobster.reduce((n, t) => n + (t.sku ? Object.values(t.slots).filter((s) => s > 0).length : 0), 0);
  const tdTarget = Math.max(1, Math.round((catalogSize - blCount) * TENSORDOCK_SHARE));
  const tensordock = generateTensorDock(rng, tdTarget);
  const vastai = generateVast(rng, Math.max(1, catalogSize - blCount - tdTarget));
  return { vastai, tensordock, bluelobster };
}

function skewedPrice(rng: Prng, [lo, hi]: readonly [number, number]): number {
  // Marketplaces have many cheap listings and a long expensive tail.
  return lo + (hi - lo) * Math.pow(rng.float(), 1.7);
}

function publicIp(rng: Prng): string {
  return `${rng.int(23, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function generateVast(rng: Prng, count: number): VastBundle[] {
  const skus = GPU_SKUS.filter((s) => s.vast);
  const weights = skus.map((s) => [s, s.vast?.weight ?? 0] as const);
  const bundles: VastBundle[] = [];
  let nextId = 30_000_000 + rng.int(0, 400_000);
  for (let i = 0; i < count; i++) {
    const sku = rng.weighted(weights);
    const vast = sku.vast;
    if (!vast) continue;
    const datacenter = !sku.hasFan;
    const numGpus = rng.weighted<number>(datacenter ? [[1, 4], [2, 2], [4, 2], [8, 3]] : [[1, 10], [2, 3], [4, 2], [8, 1]]);
    const perGpu = skewedPrice(rng, vast.priceUsd);
    const dphTotal = Math.max(0.01, roundPrice(perGpu * numGpus * (numGpus > 1 ? 0.97 : 1)));
    const blackwell = sku.computeCap === '12.0';
    const cuda = blackwell ? rng.pick(['12.8', '12.9', '13.0']) : rng.pick(['12.2', '12.4', '12.6', '12.7', '12.8', '12.9']);
    const dlperf = roundPrice((DLPERF[sku.model] ?? 30) * numGpus * rng.range(0.9, 1.05), 2);
    nextId += rng.int(1, 997);
    bundles.push({
      sku,
      wire: {
        id: nextId,
        machine_id: rng.int(1000, 60000),
        gpu_name: vast.gpuName,
        gpu_ram: sku.memoryMiB,
        num_gpus: numGpus,
        dph_total: dphTotal,
        min_bid: roundPrice(dphTotal * rng.range(0.45, 0.8)),
        geolocation: rng.weighted(VAST_LOCATIONS),
        // Most hosts are reliable; a tail sits under the 0.95 floor adapters default to.
        reliability2: Number((1 - Math.pow(rng.float(), 3) * 0.15).toFixed(7)),
        rentable: true,
        rented: false,
        cuda_max_good: Number(cuda),
        gpu_total_ram: sku.memoryMiB * numGpus,
        compute_cap: Math.round(Number(sku.computeCap) * 100),
        cpu_arch: 'amd64',
        cpu_name: rng.pick(VAST_CPUS),
        cpu_cores_effective: rng.int(4, 16) * numGpus,
        cpu_ram: rng.pick([32, 64, 128, 256, 512]) * 1024,
        disk_space: roundPrice(rng.range(40, 2000), 1),
        verified: rng.chance(0.85),
        static_ip: rng.chance(0.4),
        driver_version: DRIVER_FOR_CUDA[cuda] ?? '570.124.04',
        inet_down: roundPrice(rng.range(100, 5000), 1),
        inet_up: roundPrice(rng.range(50, 4000), 1),
        public_ipaddr: publicIp(rng),
        direct_port_count: rng.pick([0, 20, 100, 500]),
        dlperf,
        dlperf_per_dphtotal: roundPrice(dlperf / dphTotal, 2),
        score: roundPrice((dlperf / dphTotal) * rng.range(0.8, 1), 2),
      },
    });
  }
  return bundles;
}

function generateTensorDock(rng: Prng, target: number): TensorDockLocation[] {
  const skus = GPU_SKUS.filter((s) => s.tensordock);
  const locations: TensorDockLocation[] = [];
  let entries = 0;
  for (let i = 0; entries < target; i++) {
    const site = TENSORDOCK_SITES[i % TENSORDOCK_SITES.length] ?? TENSORDOCK_SITES[0];
    if (!site) break;
    const [city, stateprovince, country, baseTier] = site;
    const perLocation = Math.min(target - entries, rng.int(2, 6));
    const chosen: GpuSku[] = [];
    const pool = [...skus];
    while (chosen.length < perLocation && pool.length > 0) {
      const sku = rng.weighted(pool.map((s) => [s, s.tensordock?.weight ?? 1] as const));
      chosen.push(sku);
      pool.splice(pool.indexOf(sku), 1);
    }
    const pricing = {
      per_vcpu_hr: rng.pick([0.003, 0.004, 0.005]),
      per_gb_ram_hr: rng.pick([0.0015, 0.002, 0.0025]),
      per_gb_storage_hr: rng.pick([0.00005, 0.00007, 0.0001]),
    };
    const gpus = chosen.map((sku): TensorDockGpu => {
      const td = sku.tensordock ?? { v0Name: 'unknown', displayName: 'unknown', weight: 1, priceUsd: [1, 1] as const };
      return {
        sku,
        v0Name: td.v0Name,
        // Live inventory sometimes carries the raw v0 name as displayName (`a40-pcie-48gb`).
        displayName: rng.chance(0.08) ? td.v0Name : td.displayName,
        capacity: rng.weighted<number>([[1, 2], [2, 3], [4, 4], [8, 2]]),
        pricePerHrUsd: roundPrice(rng.range(td.priceUsd[0], td.priceUsd[1])),
        resources: { max_vcpus: rng.pick([16, 32, 56, 64, 128]), max_ram_gb: rng.int(64, 1024), max_storage_gb: rng.int(2000, 30200) },
        networkFeatures: {
          dedicated_ip_available: rng.chance(0.9),
          port_forwarding_available: rng.chance(0.9),
          network_storage_available: rng.chance(0.3),
        },
        pricing,
      };
    });
    locations.push({ id: rng.uuid(), city, stateprovince, country, tier: i < TENSORDOCK_SITES.length ? baseTier : rng.int(1, 4), gpus });
    entries += gpus.length;
  }
  return locations;
}

function generateBlueLobster(rng: Prng, maxOffers: number): BlueLobsterType[] {
  const types: BlueLobsterType[] = [];
  let advertised = 0;
  for (const sku of GPU_SKUS) {
    const bl = sku.bluelobster;
    if (!bl) continue;
    for (const count of bl.counts) {
      const single = count === 1;
      // Capacity is tiny and volatile: the RTX 5090 had exactly one slot, and phl is usually empty.
      let igl = bl.typeSuffix === '5090' ? (single ? 1 : 0) : single ? rng.weighted<number>([[0, 1], [1, 3], [2, 2], [3, 1]]) : rng.int(0, 2);
      let phl = rng.chance(0.15) && bl.typeSuffix !== '5090' ? 1 : 0;
      if (advertised >= maxOffers) igl = phl = 0;
      else if (advertised + (igl > 0 ? 1 : 0) + (phl > 0 ? 1 : 0) > maxOffers) phl = 0;
      advertised += (igl > 0 ? 1 : 0) + (phl > 0 ? 1 : 0);
      const firstName = typeof bl.gpuModel === 'string' ? bl.gpuModel : (bl.gpuModel[0] ?? sku.model);
      types.push({
        name: `${bl.generation}_gpu_${count}x_${bl.typeSuffix}`,
        sku,
        gpuCount: count,
        priceCentsPerHour: bl.centsPerGpu * count,
        description: `${count}x ${firstName.replace(/^Quadro /, '')}`,
        gpuModel: bl.gpuModel,
        specs: { vcpus: 4 * count, memory_gib: 32 * count, storage_gib: 250 * count },
        slots: { igl, phl },
      });
    }
  }
  // CPU-only types are listed too (adapters must skip `gpus: 0`).
  types.push(
    { name: 'v1_cpu_small', sku: null, gpuCount: 0, priceCentsPerHour: 3, description: 'Small CPU instance', gpuModel: null, specs: { vcpus: 1, memory_gib: 8, storage_gib: 250 }, slots: { igl: 5, phl: 0 } },
    { name: 'v1_cpu_large', sku: null, gpuCount: 0, priceCentsPerHour: 12, description: 'Large CPU instance', gpuModel: null, specs: { vcpus: 8, memory_gib: 32, storage_gib: 250 }, slots: { igl: 3, phl: 0 } },
  );
  return types;
}

/** Formats a TensorDock location the way the neutral offer shows it. */
export function tensorDockLocationName(location: TensorDockLocation): string {
  return `${location.city}, ${location.stateprovince}, ${location.country}`;
}

export function blueLobsterLocationName(region: BlueLobsterRegion): string {
  return [region.location.city, region.location.state, region.location.country].filter((p) => p !== '').join(', ');
}

/** Availability the catalogue view needs from the live state. */
export interface CatalogAvailability {
  vastRented(bundleId: number): boolean;
  tensorDockAvailable(locationId: string, v0Name: string): number;
  blueLobsterSlotsLeft(typeName: string, region: string): number;
}

/** Flattens the vendor catalogues into one offer list (the simulator's `catalog()`). */
export function listSimulatedOffers(catalog: GeneratedCatalog, availability: CatalogAvailability): SimulatedOffer[] {
  const offers: SimulatedOffer[] = [];
  for (const { sku, wire } of catalog.vastai) {
    offers.push({
      vendor: 'vastai', vendorOfferId: String(wire.id), variant: null, rawGpuName: wire.gpu_name, gpuModel: sku.model, smiName: sku.smiName,
      gpuCount: wire.num_gpus, vramMiB: wire.gpu_ram, pricePerHourUsd: wire.dph_total, location: wire.geolocation,
      available: !availability.vastRented(wire.id),
    });
  }
  for (const location of catalog.tensordock) {
    for (const gpu of location.gpus) {
      const left = availability.tensorDockAvailable(location.id, gpu.v0Name);
      offers.push({
        vendor: 'tensordock', vendorOfferId: location.id, variant: gpu.v0Name, rawGpuName: gpu.displayName, gpuModel: gpu.sku.model,
        smiName: gpu.sku.smiName, gpuCount: left, vramMiB: gpu.sku.memoryMiB, pricePerHourUsd: gpu.pricePerHrUsd,
        location: tensorDockLocationName(location), available: left > 0,
      });
    }
  }
  for (const type of catalog.bluelobster) {
    if (!type.sku || type.gpuCount === 0) continue;
    for (const region of BLUE_LOBSTER_REGIONS) {
      if ((type.slots[region.name] ?? 0) <= 0) continue;
      const raw = typeof type.gpuModel === 'string' ? type.gpuModel : (type.gpuModel?.[0] ?? type.sku.model);
      offers.push({
        vendor: 'bluelobster', vendorOfferId: type.name, variant: region.name, rawGpuName: raw, gpuModel: type.sku.model,
        smiName: type.sku.smiName, gpuCount: type.gpuCount, vramMiB: type.sku.memoryMiB, pricePerHourUsd: type.priceCentsPerHour / 100,
        location: blueLobsterLocationName(region), available: availability.blueLobsterSlotsLeft(type.name, region.name) > 0,
      });
    }
  }
  return offers;
}
