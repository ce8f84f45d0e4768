import { GPU_CATALOG, findGpuSku, matchesGpuQuery, resolveGpu, type GpuResolution } from './gpu-catalog.js';

function resolvedId(rawName: string, vramGb?: number): string | undefined {
  const resolution = resolveGpu(rawName, vramGb === undefined ? {} : { vramGb });
  return resolution.known ? resolution.sku.id : undefined;
}

describe('resolveGpu', () => {
  it('resolves the four common RTX 4090 spellings to one SKU', () => {
    const ids = ['RTX4090', 'RTX 4090', 'GeForce RTX 4090', 'NVIDIA GeForce RTX 4090'].map((name) => resolvedId(name));
    expect(ids).toEqual(['RTX 4090', 'RTX 4090', 'RTX 4090', 'RTX 4090']);
  });

  it('returns the very SKU object from the catalogue and echoes the raw name', () => {
    const resolution = resolveGpu('  nvidia geforce rtx 4090  ');
    expect(resolution).toEqual({ known: true, sku: findGpuSku('RTX 4090'), rawName: '  nvidia geforce rtx 4090  ' });
    expect(resolution.known && GPU_CATALOG.includes(resolution.sku)).toBe(true);
  });

  it('keeps H100 SXM, H100 PCIe and H100 NVL apart under several spellings each', () => {
    const sxm = ['H100 SXM', 'NVIDIA H100 80GB HBM3', 'H100 SXM5 80GB', 'h100-sxm5-80gb', 'HGX H100', 'H100_SXM'];
    const pcie = ['H100 PCIe', 'NVIDIA H100 PCIe', 'H100 PCIE', 'h100-pcie-80gb', 'H100 80GB HBM2e', 'H100 PCI-E'];
    const nvl = ['H100 NVL', 'NVIDIA H100 NVL', 'H100 NVL 94GB', 'H100 94GB'];
    expect(sxm.map((name) => resolvedId(name))).toEqual(sxm.map(() => 'H100 SXM'));
    expect(pcie.map((name) => resolvedId(name))).toEqual(pcie.map(() => 'H100 PCIe'));
    expect(nvl.map((name) => resolvedId(name))).toEqual(nvl.map(() => 'H100 NVL'));
  });

  it('leaves a bare H100 (or H100 80GB) unresolved rather than guessing SXM or PCIe', () => {
    expect(resolveGpu('H100')).toEqual({ known: false, rawName: 'H100', normalizedName: 'H100' });
    expect(resolvedId('NVIDIA H100 80GB')).toBeUndefined();
  });

  test.each([
    ['RTX 3080', 'RTX 3080'],
    ['NVIDIA GeForce RTX 3080', 'RTX 3080'],
    ['RTX 3080 Ti', 'RTX 3080 Ti'],
    ['RTX 3080Ti', 'RTX 3080 Ti'],
    ['NVIDIA GeForce RTX 3080 Ti', 'RTX 3080 Ti'],
    ['geforcertx3080ti-pcie-12gb', 'RTX 3080 Ti'],
    ['RTX 3080 12GB', 'RTX 3080 12GB'],
    ['RTX 4090 D', 'RTX 4090 D'],
    ['RTX 4090D', 'RTX 4090 D'],
    ['NVIDIA GeForce RTX 4090 D', 'RTX 4090 D'],
    ['RTX 4090', 'RTX 4090'],
  ])('does not merge near-identical names: %s → %s', (rawName, expectedId) => {
    expect(resolvedId(rawName)).toBe(expectedId);
  });

  test.each([
    'NVIDIA Radeon Mystery 9000',
    'Foo X1',
    'RTX 4090 48GB', // modded cards are different hardware, not a 24GB 4090
    'RTX 3060 Laptop GPU',
    'A100X',
    'RTX 6000 Blackwell Ultra',
    '',
  ])('flags %j as unknown and keeps the raw name', (rawName) => {
    const resolution = resolveGpu(rawName);
    expect(resolution.known).toBe(false);
    expect(resolution.rawName).toBe(rawName);
  });

  test.each([
    ['NVIDIA Radeon Mystery 9000', 'Radeon Mystery 9000'],
    ['Foo X1', 'Foo X1'],
    ['geforcertx9999-pcie-24gb', 'RTX9999 PCIe 24GB'],
    ['  NVIDIA   GeForce_RTX 9999  ', 'RTX 9999'],
    ['Quadro P4000', 'Quadro P4000'],
    ['NVIDIA', 'NVIDIA'],
  ])('gives unknown %j the tidy display name %j', (rawName, normalizedName) => {
    expect(resolveGpu(rawName)).toEqual<GpuResolution>({ known: false, rawName, normalizedName });
  });

  // Spellings seen from Vast, TensorDock (v0 slugs), Blue Lobster, nvidia-smi and marketing pages.
  test.each([
    ['RTX_4090', 'RTX 4090'],
    ['rtx 4090', 'RTX 4090'],
    ['NVIDIA GeForce RTX 4090 24GB', 'RTX 4090'],
    ['GeForce RTX 4090 PCIe 24GB', 'RTX 4090'],
    ['geforcertx4090-pcie-24gb', 'RTX 4090'],
    ['NVIDIA GeForce RTX 4090 (24 GB GDDR6X)', 'RTX 4090'],
    ['NVIDIA GeForce RTX 5090', 'RTX 5090'],
    ['RTX 5060 Ti 16GB', 'RTX 5060 Ti 16GB'],
    ['GeForce RTX 5060 Ti 8GB', 'RTX 5060 Ti 8GB'],
    ['RTX 4060 Ti 16GB', 'RTX 4060 Ti 16GB'],
    ['RTX 4070S Ti', 'RTX 4070 Ti SUPER'],
    ['NVIDIA GeForce RTX 4070 Ti SUPER', 'RTX 4070 Ti SUPER'],
    ['RTX 4070 SUPER', 'RTX 4070 SUPER'],
    ['RTX 4080S', 'RTX 4080 SUPER'],
    ['GeForce RTX 3060 LHR', 'RTX 3060'],
    ['geforcertx3070ti-pcie-8gb', 'RTX 3070 Ti'],
    ['NVIDIA GeForce GTX 1080 Ti', 'GTX 1080 Ti'],
    ['GTX1080Ti', 'GTX 1080 Ti'],
    ['NVIDIA TITAN RTX', 'TITAN RTX'],
    ['NVIDIA RTX A4000', 'RTX A4000'],
    ['rtxa6000-pcie-48gb', 'RTX A6000'],
    ['A5000', 'RTX A5000'],
    ['NVIDIA RTX 6000 Ada Generation', 'RTX 6000 Ada'],
    ['RTX 6000Ada', 'RTX 6000 Ada'],
    ['RTX 4000Ada', 'RTX 4000 Ada'],
    ['NVIDIA RTX 4000 SFF Ada Generation', 'RTX 4000 SFF Ada'],
    ['Quadro RTX 8000', 'Quadro RTX 8000'],
    ['RTX 8000', 'Quadro RTX 8000'],
    ['Q RTX 6000', 'Quadro RTX 6000'],
    ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 'RTX PRO 6000'],
    ['RTX PRO 6000 WS', 'RTX PRO 6000'],
    ['NVIDIA A100 80GB PCIe', 'A100 80GB PCIe'],
    ['NVIDIA A100-SXM4-80GB', 'A100 80GB SXM'],
    ['NVIDIA A100-PCIE-40GB', 'A100 40GB PCIe'],
    ['a100-sxm4-40gb', 'A100 40GB SXM'],
    ['NVIDIA A100 80GB', 'A100 80GB'],
    ['A100 40GB', 'A100 40GB'],
    ['NVIDIA H200', 'H200 SXM'],
    ['NVIDIA H200 NVL', 'H200 NVL'],
    ['NVIDIA H200 141GB HBM3e', 'H200 SXM'],
    ['NVIDIA GH200 480GB', 'GH200'],
    ['NVIDIA GH200 144G HBM3e', 'GH200 144GB'],
    ['NVIDIA B200', 'B200'],
    ['Tesla V100-SXM2-32GB', 'V100 32GB'],
    ['Tesla V100-PCIE-16GB', 'V100 16GB'],
    ['Tesla V100S-PCIE-32GB', 'V100S'],
    ['Tesla T4', 'T4'],
    ['NVIDIA L40S', 'L40S'],
    ['L40', 'L40'],
    ['NVIDIA L4', 'L4'],
    ['NVIDIA A10G', 'A10G'],
    ['NVIDIA A10', 'A10'],
    ['NVIDIA A40', 'A40'],
    ['NVIDIA A30', 'A30'],
    ['NVIDIA A16', 'A16'],
  ])('resolves %j to %s', (rawName, expectedId) => {
    expect(resolvedId(rawName)).toBe(expectedId);
  });

  it('leaves names that stop short of one SKU unknown without a memory hint', () => {
    expect(resolvedId('A100 PCIE')).toBeUndefined();
    expect(resolvedId('A100 SXM4')).toBeUndefined();
    expect(resolvedId('RTX 4060 Ti')).toBeUndefined();
    expect(resolvedId('Tesla V100')).toBeUndefined();
  });

  it('uses a vendor memory hint only to pick between SKUs the name leaves open', () => {
    expect(resolvedId('A100 PCIE', 80)).toBe('A100 80GB PCIe');
    expect(resolvedId('A100 SXM4', 39.4)).toBe('A100 40GB SXM');
    expect(resolvedId('A100', 79.6)).toBe('A100 80GB');
    expect(resolvedId('RTX 4060 Ti', 16)).toBe('RTX 4060 Ti 16GB');
    expect(resolvedId('RTX 3080', 12)).toBe('RTX 3080 12GB');
    expect(resolvedId('Tesla V100', 32)).toBe('V100 32GB');
    // Memory written in the name beats the hint; a hint that fits nothing is ignored.
    expect(resolvedId('A100 40GB PCIe', 80)).toBe('A100 40GB PCIe');
    expect(resolvedId('RTX 4090', 48)).toBe('RTX 4090');
    expect(resolvedId('RTX 4060 Ti', 48)).toBeUndefined();
  });
});

describe('findGpuSku', () => {
  it('finds by exact canonical id only', () => {
    expect(findGpuSku('H100 SXM')).toMatchObject({ id: 'H100 SXM', family: 'H100', vramGb: 80, segment: 'datacenter' });
    expect(findGpuSku('RTX4090')).toBeUndefined();
    expect(findGpuSku('rtx 4090')).toBeUndefined();
  });
});

describe('GPU_CATALOG', () => {
  const segments = new Set(['consumer', 'workstation', 'datacenter']);
  const architectures = new Set(['Pascal', 'Volta', 'Turing', 'Ampere', 'Ada Lovelace', 'Hopper', 'Blackwell']);

  it('has unique ids', () => {
    const ids = GPU_CATALOG.map((sku) => sku.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each(GPU_CATALOG.map((sku) => [sku.id, sku] as const))('%s is well-formed and resolves to itself', (id, sku) => {
    expect(Number.isInteger(sku.vramGb) && sku.vramGb > 0).toBe(true);
    expect(segments.has(sku.segment)).toBe(true);
    expect(architectures.has(sku.architecture)).toBe(true);
    expect(findGpuSku(id)).toBe(sku);
    expect(resolveGpu(id)).toEqual({ known: true, sku, rawName: id });
    expect(resolvedId(`NVIDIA ${id.toLowerCase()}`)).toBe(id);
    expect(matchesGpuQuery(id, id)).toBe(true);
  });

  it('covers the required SKUs with their per-GPU memory', () => {
    const expectedVramGb: Record<string, number> = {
      'RTX 5090': 32,
      'RTX 5080': 16,
      'RTX 5070 Ti': 16,
      'RTX 5070': 12,
      'RTX 5060 Ti 8GB': 8,
      'RTX 5060 Ti 16GB': 16,
      'RTX 4090': 24,
      'RTX 4090 D': 24,
      'RTX 4080': 16,
      'RTX 4080 SUPER': 16,
      'RTX 4070 Ti': 12,
      'RTX 4070 Ti SUPER': 16,
      'RTX 4070': 12,
      'RTX 4070 SUPER': 12,
      'RTX 4060 Ti 8GB': 8,
      'RTX 4060 Ti 16GB': 16,
      'RTX 4060': 8,
      'RTX 3090': 24,
      'RTX 3090 Ti': 24,
      'RTX 3080': 10,
      'RTX 3080 12GB': 12,
      'RTX 3080 Ti': 12,
      'RTX 3070': 8,
      'RTX 3070 Ti': 8,
      'RTX 3060': 12,
      'RTX 3060 Ti': 8,
      'RTX 2080 Ti': 11,
      'RTX 2080': 8,
      'RTX 2070': 8,
      'GTX 1080 Ti': 11,
      'RTX A2000': 6,
      'RTX A4000': 16,
      'RTX A4500': 20,
      'RTX A5000': 24,
      'RTX A6000': 48,
      'RTX 4000 Ada': 20,
      'RTX 5000 Ada': 32,
      'RTX 6000 Ada': 48,
      'Quadro RTX 8000': 48,
      'Quadro RTX 6000': 24,
      'RTX PRO 6000': 96,
      'A100 40GB PCIe': 40,
      'A100 40GB SXM': 40,
      'A100 80GB PCIe': 80,
      'A100 80GB SXM': 80,
      'A100 40GB': 40,
      'A100 80GB': 80,
      'H100 PCIe': 80,
      'H100 SXM': 80,
      'H100 NVL': 94,
      'H200 SXM': 141,
      'H200 NVL': 141,
      L40S: 48,
      L40: 48,
      L4: 24,
      A10: 24,
      A10G: 24,
      A40: 48,
      A30: 24,
      A16: 16,
      T4: 16,
      'V100 16GB': 16,
      'V100 32GB': 32,
      B200: 180,
      GH200: 96,
    };
    const actual = Object.fromEntries(
      Object.keys(expectedVramGb).map((id) => [id, findGpuSku(id)?.vramGb]),
    );
    expect(actual).toEqual(expectedVramGb);
  });

  it('is frozen so callers cannot edit shared SKUs', () => {
    expect(Object.isFrozen(GPU_CATALOG)).toBe(true);
    expect(GPU_CATALOG.every((sku) => Object.isFrozen(sku))).toBe(true);
  });
});

describe('matchesGpuQuery', () => {
  test.each([
    // Exact SKU
    ['RTX4090', 'RTX 4090', true],
    ['RTX4090', 'RTX 4090 D', false],
    ['RTX 4090 D', 'RTX 4090', false],
    ['RTX 3080 Ti', 'RTX 3080', false],
    ['H100 SXM', 'NVIDIA H100 80GB HBM3', true],
    ['H100 SXM', 'H100 PCIe', false],
    ['A100 80GB PCIe', 'A100 80GB PCIe', true],
    ['A100 80GB PCIe', 'A100 80GB SXM', false],
    ['A100 80GB PCIe', 'A100 80GB', false], // might be SXM, so not shown to a PCIe-only search
    // Family
    ['A100', 'A100 40GB PCIe', true],
    ['A100', 'A100 80GB SXM', true],
    ['A100', 'A100 80GB', true],
    ['A100', 'A100 PCIE', true],
    ['A100', 'RTX A6000', false],
    ['A100', 'A10', false],
    ['H100', 'H100 NVL', true],
    ['H100', 'H100 PCIe', true],
    ['H100', 'H200 SXM', false],
    ['RTX 3080', 'RTX 3080 12GB', true],
    ['RTX 3080', 'RTX 3080 Ti', false],
    ['RTX 4060 Ti', 'RTX 4060 Ti 16GB', true],
    // Memory without form factor
    ['A100 80GB', 'A100 80GB PCIe', true],
    ['A100 80GB', 'NVIDIA A100-SXM4-80GB', true],
    ['A100 80GB', 'A100 80GB', true],
    ['A100 80GB', 'A100 40GB SXM', false],
    ['A100 80GB', 'A100 PCIE', false], // could be the 40GB card
    ['A100 PCIe', 'A100 PCIE', true],
    ['A100 PCIe', 'A100 40GB PCIe', true],
    ['A100 PCIe', 'A100 40GB SXM', false],
    ['H100 80GB', 'H100 SXM', true],
    ['H100 80GB', 'H100 NVL', false],
    // Unknown names compare normalised
    ['Foo X1', 'foo-x1', true],
    ['NVIDIA Foo X1', 'FOO_X1', true],
    ['Foo X1', 'Foo X2', false],
    ['Foo X1', 'RTX 4090', false],
    ['RTX 4090 48GB', 'rtx4090-48gb', true],
    ['RTX 4090', 'RTX 4090 48GB', false],
    // No filter
    ['', 'RTX 4090', true],
    ['   ', 'Foo X1', true],
  ])('query %j vs %j → %s', (query, candidate, expected) => {
    expect(matchesGpuQuery(query, candidate)).toBe(expected);
  });
});

describe('coverage of the GPUs the product documentation and published benchmarks name', () => {
  // Names as they appear in the product description and in the published benchmark results.
  const named = [
    'RTX4090', 'RTX 4090', 'A100', 'RTX 5090', 'RTX 5080', 'RTX 5070 Ti', 'RTX 5070', 'RTX 5060 Ti', 'RTX 3090',
    'RTX A6000', 'A100 80GB', 'H200 NVL', 'RTX 8000', 'RTX A4000', 'RTX A5000',
    'NVIDIA GeForce RTX 3090', 'NVIDIA A100 80GB PCIe', 'NVIDIA H200 NVL',
  ];

  test.each(named)('%p selects at least one catalogue SKU as an inventory query', (name) => {
    expect(GPU_CATALOG.some((sku) => matchesGpuQuery(name, sku.id))).toBe(true);
  });

  test.each(named.filter((n) => !['A100', 'RTX 5060 Ti'].includes(n)))('%p resolves to a known SKU', (name) => {
    expect(resolveGpu(name).known).toBe(true);
  });

  it('resolves a name that leaves the memory size open once the vendor gives the VRAM', () => {
    expect(resolveGpu('RTX 5060 Ti', { vramGb: 16 })).toMatchObject({ known: true, sku: { id: 'RTX 5060 Ti 16GB' } });
  });
});
