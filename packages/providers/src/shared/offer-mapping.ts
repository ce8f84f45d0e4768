import { resolveGpu, type Offer } from '@gpu-shopper/core';

/** Canonical GPU fields of an offer from a vendor's raw name (and VRAM when the vendor states it). */
export function gpuFields(rawName: string, vramGb?: number): Pick<Offer, 'gpuType' | 'gpuName' | 'gpuKnown'> {
  const resolution = resolveGpu(rawName, vramGb === undefined || vramGb <= 0 ? {} : { vramGb });
  return resolution.known
    ? { gpuType: resolution.sku.id, gpuName: rawName, gpuKnown: true }
    : { gpuType: resolution.normalizedName, gpuName: rawName, gpuKnown: false };
}

/** "Texas, Texas, United States" → "Texas, United States"; empty parts dropped. */
export function joinLocation(parts: readonly (string | null | undefined)[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const trimmed = part?.trim();
    if (!trimmed || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    out.push(trimmed);
  }
  return out.join(', ');
}
