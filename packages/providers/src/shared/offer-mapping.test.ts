import { gpuFields } from './offer-mapping.js';

describe('gpuFields', () => {
  it('resolves a name once per (name, memory): the same name with another memory is another card', () => {
    const a40 = gpuFields('A100 PCIE', 40);
    const a80 = gpuFields('A100 PCIE', 80);
    const open = gpuFields('A100 PCIE');
    expect([a40.gpuType, a80.gpuType]).toEqual(['A100 40GB PCIe', 'A100 80GB PCIe']);
    expect(open.gpuKnown).toBe(false);
    // Asked again, the same answers (from the memo), for every call order.
    expect(gpuFields('A100 PCIE')).toEqual(open);
    expect(gpuFields('A100 PCIE', 80)).toEqual(a80);
    expect(gpuFields('A100 PCIE', 40)).toEqual(a40);
    expect(gpuFields('A100 PCIE', 0)).toEqual(open);
  });

  it('keeps the raw name of an unknown card and tidies its type', () => {
    expect(gpuFields('Mystery  GPU 9000')).toMatchObject({ gpuName: 'Mystery  GPU 9000', gpuKnown: false });
  });
});
