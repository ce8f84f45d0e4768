/**
 * What a simulated node measures when the benchmark script runs on it: single-stream LLM decode
 * speed. Decoding one token reads every weight once, so decode tokens/s is bounded by memory
 * bandwidth ÷ model size; real llama.cpp/Ollama runs reach roughly half to two thirds of that bound
 * (RTX 4090, 1008 GB/s, llama3.1:8b Q4_K_M 4.9 GB → bound 206, measured ~130 tokens/s). So:
 *
 *   tokens/s = bandwidth (GB/s) ÷ model size (GB) × efficiency        (efficiency 0.62, ±4 % jitter)
 *   TTFT     = fixed overhead (35 ms) + prompt tokens ÷ prefill rate  (prefill ≈ 25 × decode)
 *
 * Bandwidths are the vendors' datasheet figures, keyed by the catalogue's canonical model name.
 */
export const MEMORY_BANDWIDTH_GBS: Readonly<Record<string, number>> = {
  'RTX 5090': 1792,
  'RTX 5080': 960,
  'RTX 5070 Ti': 896,
  'RTX 5070': 672,
  'RTX 5060 Ti': 448,
  'RTX 4090': 1008,
  'RTX 4080S': 736,
  'RTX 3090': 936,
  'RTX 3080': 760,
  'RTX 2080 Ti': 616,
  'RTX A4000': 448,
  'RTX A5000': 768,
  'RTX A6000': 768,
  'RTX 8000': 672,
  'RTX 6000Ada': 960,
  L40S: 864,
  L4: 300,
  A40: 696,
  'A100 PCIE': 1935,
  'A100 SXM4': 2039,
  'H100 SXM': 3350,
  'H100 PCIE': 2000,
  H200: 4800,
  'H200 NVL': 4800,
  V100: 900,
};

/** Fraction of the bandwidth bound a single stream reaches. */
export const DECODE_EFFICIENCY = 0.62;

export interface SimulatedModel {
  /** Size on disk (Q4_K_M) in GB (10^9 bytes), as `ollama list` reports it. */
  readonly sizeGb: number;
  /** Ollama's notation, e.g. "8.0B". */
  readonly parameterCount: string;
}

/** Sizes of the tags the published benchmarks use (Ollama library, default Q4_K_M quantisation). */
const KNOWN_MODELS: Readonly<Record<string, SimulatedModel>> = {
  'llama3.1:8b': { sizeGb: 4.92, parameterCount: '8.0B' },
  'llama3.1:70b': { sizeGb: 42.5, parameterCount: '70.6B' },
  'llama3.2:3b': { sizeGb: 2.02, parameterCount: '3.2B' },
  'qwen2:7b': { sizeGb: 4.43, parameterCount: '7.6B' },
  'qwen2.5:14b': { sizeGb: 8.99, parameterCount: '14.8B' },
  'deepseek-r1:7b': { sizeGb: 4.68, parameterCount: '7.6B' },
  'deepseek-r1:14b': { sizeGb: 8.99, parameterCount: '14.8B' },
  'deepseek-r1:32b': { sizeGb: 19.85, parameterCount: '32.8B' },
  'deepseek-r1:70b': { sizeGb: 42.52, parameterCount: '70.6B' },
  'mistral:7b': { sizeGb: 4.11, parameterCount: '7.2B' },
  'gemma2:9b': { sizeGb: 5.44, parameterCount: '9.2B' },
  'phi3:3.8b': { sizeGb: 2.18, parameterCount: '3.8B' },
};

/**
 * The model behind a tag: the known table, else the size suffix (`:13b` → 13 B parameters at
 * Q4_K_M's ~0.61 GB per billion). A tag with neither does not exist in this simulated library, so
 * its pull fails like Ollama's ("file does not exist").
 */
export function simulatedModel(tag: string): SimulatedModel | null {
  const known = KNOWN_MODELS[tag];
  if (known) return known;
  const match = /:(\d+(?:\.\d+)?)b\b/i.exec(tag);
  if (!match?.[1]) return null;
  const billions = Number(match[1]);
  if (!(billions > 0)) return null;
  return { sizeGb: Number((billions * 0.61).toFixed(2)), parameterCount: `${billions.toFixed(1)}B` };
}
