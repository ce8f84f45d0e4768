export {
  GPU_CATALOG,
  findGpuSku,
  matchesGpuQuery,
  resolveGpu,
  type GpuResolution,
  type GpuSegment,
  type GpuSku,
  type ResolveGpuOptions,
} from './gpu-catalog.js';
