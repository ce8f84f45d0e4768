import { generateCatalog, listSimulatedOffers, type GeneratedCatalog } from './catalog.js';
import { GPU_SKUS } from './gpu-skus.js';

const allAvailable = (catalog: GeneratedCatalog) =>
  listSimulatedOffers(catalog, {
    vastRented: () => false,
    tensorDockAvailable: (locationId, v0Name) => catalog.tensordock.find((l) => l.id === locationId)?.gpus.find((g) => g.v0Name === v0Name)?.capacity ?? 0,
    blueLobsterSlotsLeft: (type, region) => catalog.bluelobster.find((t) => t.name === type)?.slots[region] ?? 0,
  });

describe('catalogue generation', () => {
  it('is deterministic from the seed and has exactly the requested size', () => {
    expect(generateCatalog(7, 300)).toEqual(generateCatalog(7, 300));
    expect(generateCatalog(7, 300).vastai[0]?.wire.id).not.toBe(generateCatalog(8, 300).vastai[0]?.wire.id);
    for (const size of [10, 300, 10_000]) expect(allAvailable(generateCatalog(1, size))).toHaveLength(size);
  });

  it('spells GPUs the way each vendor does and prices them from the published bands', () => {
    const catalog = generateCatalog(1, 2000);
    const vastNames = new Set(catalog.vastai.map((b) => b.wire.gpu_name));
    expect(vastNames).toContain('RTX 4090');
    expect(vastNames).toContain('Tesla V100');
    for (const { sku, wire } of catalog.vastai) {
      const [lo, hi] = sku.vast?.priceUsd ?? [0, 0];
      expect(wire.dph_total / wire.num_gpus).toBeGreaterThanOrEqual(lo * 0.95);
      expect(wire.dph_total / wire.num_gpus).toBeLessThanOrEqual(hi * 1.001);
      expect(wire.min_bid).toBeLessThan(wire.dph_total);
    }
    // Most hosts clear the 0.95 reliability floor adapters use; some do not.
    const reliable = catalog.vastai.filter((b) => b.wire.reliability2 >= 0.95).length / catalog.vastai.length;
    expect(reliable).toBeGreaterThan(0.6);
    expect(reliable).toBeLessThan(1);

    const tdGpus = catalog.tensordock.flatMap((l) => l.gpus);
    expect(tdGpus.find((g) => g.v0Name === 'geforcertx4090-pcie-24gb')?.displayName).toMatch(/^(NVIDIA GeForce RTX 4090 PCIe 24GB|geforcertx4090-pcie-24gb)$/);
    expect(tdGpus.some((g) => g.displayName === g.v0Name)).toBe(true);
    expect(catalog.tensordock.some((l) => l.tier === 4)).toBe(true);

    const rtx8000 = catalog.bluelobster.find((t) => t.name === 'v1_gpu_1x_8000');
    expect(rtx8000).toMatchObject({ priceCentsPerHour: 35, gpuModel: ['Quadro RTX 8000', 'RTX 8000'] });
    expect(catalog.bluelobster.filter((t) => t.gpuCount === 0).map((t) => t.name)).toEqual(['v1_cpu_small', 'v1_cpu_large']);
    expect(catalog.bluelobster.filter((t) => t.gpuCount > 0)).toHaveLength(17);
  });

  it('only uses known SKUs with nvidia-smi names', () => {
    const offers = allAvailable(generateCatalog(2, 500));
    const smiNames = new Set(GPU_SKUS.map((s) => s.smiName));
    for (const offer of offers) expect(smiNames.has(offer.smiName)).toBe(true);
  });
});
