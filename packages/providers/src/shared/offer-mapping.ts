import { resolveGpu, type Offer } from '@gpu-shopper/core';

type GpuFields = Pick<Offer, 'gpuType' | 'gpuName' | 'gpuKnown'>;

/**
 * Resolved names: a listing of thousands of offers names a few dozen GPUs, and resolving a name
 * (parse, family lookup, memory and form-factor checks) costs tens of microseconds — most of the
 * time spent mapping a listing after its body arrived. Bounded: a vendor could send any name.
 */
const resolved = new Map<string, Readonly<GpuFields>>();
const MAX_RESOLVED = 4096;

/** Canonical GPU fields of an offer from a vendor's raw name (and VRAM when the vendor states it). */
export function gpuFields(rawName: string, vramGb?: number): GpuFields {
  const vram = vramGb === undefined || vramGb <= 0 ? undefined : vramGb;
  const key = vram === undefined ? rawName : `${rawName}\u0000${vram}`;
  let fields = resolved.get(key);
  if (fields === undefined) {
    const resolution = resolveGpu(rawName, vram === undefined ? {} : { vramGb: vram });
    fields = Object.freeze(
      resolution.known ? { gpuType: resolution.sku.id, gpuName: rawName, gpuKnown: true } : { gpuType: resolution.normalizedName, gpuName: rawName, gpuKnown: false },
    );
    if (resolved.size >= MAX_RESOLVED) resolved.clear();
    resolved.set(key, fields);
  }
  return fields;
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
