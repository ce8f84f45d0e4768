/**
 * The GPU models the simulated vendors rent out, with each vendor's raw naming and price band.
 *
 * Prices come from the published benchmark results (bench-ssh-ops.md §A.11: Vast, TensorDock and
 * Blue Lobster rows) and, for datacenter cards those rows lack, from typical marketplace prices.
 * Memory sizes are what nvidia-smi reports as memory.total (MiB), slightly under nominal for some
 * consumer cards (Vast's `gpu_ram` 32607 for an RTX 5090 is the live value).
 */
export interface GpuSku {
  /** Canonical short model name, the normalised form adapters produce ("RTX 4090"). */
  readonly model: string;
  /** The name nvidia-smi prints on the node. */
  readonly smiName: string;
  readonly memoryMiB: number;
  readonly powerLimitW: number;
  readonly idlePowerW: number;
  readonly computeCap: string;
  /** Consumer cards report `Default` compute mode with a fan; datacenter cards are passive. */
  readonly hasFan: boolean;
  readonly vast?: { readonly gpuName: string; readonly weight: number; readonly priceUsd: readonly [number, number] };
  readonly tensordock?: {
    readonly v0Name: string;
    readonly displayName: string;
    readonly weight: number;
    readonly priceUsd: readonly [number, number];
  };
  readonly bluelobster?: {
    /** `gpu_model` on the wire: a string, or an array whose first element is the marketing name. */
    readonly gpuModel: string | readonly string[];
    readonly typeSuffix: string;
    readonly generation: 'v1' | 'v2';
    readonly centsPerGpu: number;
    readonly counts: readonly number[];
  };
}

export const GPU_SKUS: readonly GpuSku[] = [
  {
    model: 'RTX 5090', smiName: 'NVIDIA GeForce RTX 5090', memoryMiB: 32607, powerLimitW: 575, idlePowerW: 21.37, computeCap: '12.0', hasFan: true,
    vast: { gpuName: 'RTX 5090', weight: 7, priceUsd: [0.2, 0.45] },
    tensordock: { v0Name: 'geforcertx5090-pcie-32gb', displayName: 'NVIDIA GeForce RTX 5090 PCIe 32GB', weight: 1, priceUsd: [0.5, 0.58] },
    bluelobster: { gpuModel: 'RTX 5090', typeSuffix: '5090', generation: 'v2', centsPerGpu: 75, counts: [1, 2] },
  },
  {
    model: 'RTX 5080', smiName: 'NVIDIA GeForce RTX 5080', memoryMiB: 16303, powerLimitW: 360, idlePowerW: 12.8, computeCap: '12.0', hasFan: true,
    vast: { gpuName: 'RTX 5080', weight: 4, priceUsd: [0.11, 0.17] },
  },
  {
    model: 'RTX 5070 Ti', smiName: 'NVIDIA GeForce RTX 5070 Ti', memoryMiB: 16303, powerLimitW: 300, idlePowerW: 10.9, computeCap: '12.0', hasFan: true,
    vast: { gpuName: 'RTX 5070 Ti', weight: 4, priceUsd: [0.07, 0.12] },
  },
  {
    model: 'RTX 5070', smiName: 'NVIDIA GeForce RTX 5070', memoryMiB: 12227, powerLimitW: 250, idlePowerW: 9.6, computeCap: '12.0', hasFan: true,
    vast: { gpuName: 'RTX 5070', weight: 3, priceUsd: [0.08, 0.18] },
  },
  {
    model: 'RTX 5060 Ti', smiName: 'NVIDIA GeForce RTX 5060 Ti', memoryMiB: 16311, powerLimitW: 180, idlePowerW: 6.2, computeCap: '12.0', hasFan: true,
    vast: { gpuName: 'RTX 5060 Ti', weight: 5, priceUsd: [0.055, 0.15] },
  },
  {
    model: 'RTX 4090', smiName: 'NVIDIA GeForce RTX 4090', memoryMiB: 24564, powerLimitW: 450, idlePowerW: 17.42, computeCap: '8.9', hasFan: true,
    vast: { gpuName: 'RTX 4090', weight: 10, priceUsd: [0.14, 0.54] },
    tensordock: { v0Name: 'geforcertx4090-pcie-24gb', displayName: 'NVIDIA GeForce RTX 4090 PCIe 24GB', weight: 4, priceUsd: [0.377, 0.44] },
  },
  {
    model: 'RTX 4080S', smiName: 'NVIDIA GeForce RTX 4080 SUPER', memoryMiB: 16376, powerLimitW: 320, idlePowerW: 11.5, computeCap: '8.9', hasFan: true,
    vast: { gpuName: 'RTX 4080S', weight: 2, priceUsd: [0.1, 0.2] },
  },
  {
    model: 'RTX 3090', smiName: 'NVIDIA GeForce RTX 3090', memoryMiB: 24576, powerLimitW: 350, idlePowerW: 22.1, computeCap: '8.6', hasFan: true,
    vast: { gpuName: 'RTX 3090', weight: 10, priceUsd: [0.076, 0.2] },
    tensordock: { v0Name: 'geforcertx3090-pcie-24gb', displayName: 'NVIDIA GeForce RTX 3090 PCIe 24GB', weight: 3, priceUsd: [0.2, 0.22] },
  },
  {
    model: 'RTX 3080', smiName: 'NVIDIA GeForce RTX 3080', memoryMiB: 10240, powerLimitW: 320, idlePowerW: 19.3, computeCap: '8.6', hasFan: true,
    vast: { gpuName: 'RTX 3080', weight: 2, priceUsd: [0.05, 0.1] },
  },
  {
    model: 'RTX 2080 Ti', smiName: 'NVIDIA GeForce RTX 2080 Ti', memoryMiB: 11264, powerLimitW: 250, idlePowerW: 14.6, computeCap: '7.5', hasFan: true,
    vast: { gpuName: 'RTX 2080 Ti', weight: 1, priceUsd: [0.06, 0.12] },
    bluelobster: { gpuModel: 'RTX 2080 Ti', typeSuffix: '2080ti', generation: 'v1', centsPerGpu: 15, counts: [1, 2, 4, 8] },
  },
  {
    model: 'RTX A4000', smiName: 'NVIDIA RTX A4000', memoryMiB: 16376, powerLimitW: 140, idlePowerW: 8.9, computeCap: '8.6', hasFan: true,
    vast: { gpuName: 'RTX A4000', weight: 2, priceUsd: [0.08, 0.15] },
    tensordock: { v0Name: 'rtxa4000-pcie-16gb', displayName: 'NVIDIA RTX A4000 PCIe 16GB', weight: 1, priceUsd: [0.15, 0.2] },
    bluelobster: { gpuModel: 'RTX A4000', typeSuffix: 'a4000', generation: 'v1', centsPerGpu: 20, counts: [1, 2, 4, 8] },
  },
  {
    model: 'RTX A5000', smiName: 'NVIDIA RTX A5000', memoryMiB: 24564, powerLimitW: 230, idlePowerW: 27.1, computeCap: '8.6', hasFan: true,
    vast: { gpuName: 'RTX A5000', weight: 2, priceUsd: [0.15, 0.25] },
    tensordock: { v0Name: 'rtxa5000-pcie-24gb', displayName: 'NVIDIA RTX A5000 PCIe 24GB', weight: 1, priceUsd: [0.25, 0.3] },
    bluelobster: { gpuModel: 'RTX A5000', typeSuffix: 'a5000', generation: 'v1', centsPerGpu: 30, counts: [1, 2, 4] },
  },
  {
    model: 'RTX A6000', smiName: 'NVIDIA RTX A6000', memoryMiB: 49140, powerLimitW: 300, idlePowerW: 23.4, computeCap: '8.6', hasFan: true,
    vast: { gpuName: 'RTX A6000', weight: 3, priceUsd: [0.35, 0.55] },
    tensordock: { v0Name: 'rtxa6000-pcie-48gb', displayName: 'NVIDIA RTX A6000 PCIe 48GB', weight: 2, priceUsd: [0.4, 0.45] },
    bluelobster: { gpuModel: 'RTX A6000', typeSuffix: 'a6000', generation: 'v1', centsPerGpu: 55, counts: [1, 2] },
  },
  {
    model: 'RTX 8000', smiName: 'Quadro RTX 8000', memoryMiB: 49152, powerLimitW: 260, idlePowerW: 16.8, computeCap: '7.5', hasFan: true,
    bluelobster: { gpuModel: ['Quadro RTX 8000', 'RTX 8000'], typeSuffix: '8000', generation: 'v1', centsPerGpu: 35, counts: [1, 2] },
  },
  {
    model: 'RTX 6000Ada', smiName: 'NVIDIA RTX 6000 Ada Generation', memoryMiB: 49140, powerLimitW: 300, idlePowerW: 19.9, computeCap: '8.9', hasFan: true,
    vast: { gpuName: 'RTX 6000Ada', weight: 2, priceUsd: [0.6, 0.9] },
    tensordock: { v0Name: 'rtx6000ada-pcie-48gb', displayName: 'NVIDIA RTX 6000 Ada PCIe 48GB', weight: 1, priceUsd: [0.7, 0.8] },
  },
  {
    model: 'L40S', smiName: 'NVIDIA L40S', memoryMiB: 46068, powerLimitW: 350, idlePowerW: 32.5, computeCap: '8.9', hasFan: false,
    vast: { gpuName: 'L40S', weight: 2, priceUsd: [0.5, 0.9] },
    tensordock: { v0Name: 'l40s-pcie-48gb', displayName: 'NVIDIA L40S PCIe 48GB', weight: 1, priceUsd: [0.85, 0.95] },
  },
  {
    model: 'L4', smiName: 'NVIDIA L4', memoryMiB: 23034, powerLimitW: 72, idlePowerW: 16.1, computeCap: '8.9', hasFan: false,
    vast: { gpuName: 'L4', weight: 1, priceUsd: [0.15, 0.3] },
  },
  {
    model: 'A40', smiName: 'NVIDIA A40', memoryMiB: 46068, powerLimitW: 300, idlePowerW: 30.2, computeCap: '8.6', hasFan: false,
    vast: { gpuName: 'A40', weight: 1, priceUsd: [0.3, 0.45] },
    tensordock: { v0Name: 'a40-pcie-48gb', displayName: 'NVIDIA A40 PCIe 48GB', weight: 1, priceUsd: [0.42, 0.48] },
  },
  {
    model: 'A100 PCIE', smiName: 'NVIDIA A100 80GB PCIe', memoryMiB: 81920, powerLimitW: 300, idlePowerW: 44.3, computeCap: '8.0', hasFan: false,
    vast: { gpuName: 'A100 PCIE', weight: 2, priceUsd: [0.33, 1.2] },
    tensordock: { v0Name: 'a100-pcie-80gb', displayName: 'NVIDIA A100 PCIe 80GB', weight: 1, priceUsd: [1.1, 1.3] },
  },
  {
    model: 'A100 SXM4', smiName: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, powerLimitW: 400, idlePowerW: 58.9, computeCap: '8.0', hasFan: false,
    vast: { gpuName: 'A100 SXM4', weight: 3, priceUsd: [0.6, 1.4] },
  },
  {
    model: 'H100 SXM', smiName: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, powerLimitW: 700, idlePowerW: 71.23, computeCap: '9.0', hasFan: false,
    vast: { gpuName: 'H100 SXM', weight: 3, priceUsd: [1.6, 2.6] },
    tensordock: { v0Name: 'h100-sxm5-80gb', displayName: 'NVIDIA H100 SXM5 80GB', weight: 1, priceUsd: [2.2, 2.4] },
  },
  {
    model: 'H100 PCIE', smiName: 'NVIDIA H100 PCIe', memoryMiB: 81559, powerLimitW: 350, idlePowerW: 48.7, computeCap: '9.0', hasFan: false,
    vast: { gpuName: 'H100 PCIE', weight: 1, priceUsd: [1.5, 2.2] },
  },
  {
    model: 'H200', smiName: 'NVIDIA H200', memoryMiB: 143771, powerLimitW: 700, idlePowerW: 76.4, computeCap: '9.0', hasFan: false,
    vast: { gpuName: 'H200', weight: 1, priceUsd: [2.3, 3.5] },
  },
  {
    model: 'H200 NVL', smiName: 'NVIDIA H200 NVL', memoryMiB: 143771, powerLimitW: 600, idlePowerW: 62.5, computeCap: '9.0', hasFan: false,
    vast: { gpuName: 'H200 NVL', weight: 1, priceUsd: [2.0, 2.8] },
  },
  {
    // Vast still prints the Tesla prefix for V100s, which adapters must strip.
    model: 'V100', smiName: 'Tesla V100-SXM2-16GB', memoryMiB: 16384, powerLimitW: 300, idlePowerW: 24.9, computeCap: '7.0', hasFan: false,
    vast: { gpuName: 'Tesla V100', weight: 1, priceUsd: [0.1, 0.25] },
  },
];

export function findSku(model: string): GpuSku | undefined {
  return GPU_SKUS.find((sku) => sku.model === model);
}
