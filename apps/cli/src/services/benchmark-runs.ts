import type { BenchmarkRun, GpuShopper } from '@gpu-shopper/client';

import { runProgress } from './benchmarks.js';

/** Follows a run until it is completed, failed or cancelled; progress lines go to `note` (stderr). */
export async function watchRun(client: GpuShopper, id: string, options: { pollIntervalMs: number; timeoutMs: number; note: (text: string) => void }): Promise<BenchmarkRun> {
  const started = Date.now();
  let last = '';
  return client.benchmarks.runs.waitUntilDone(id, {
    pollIntervalMs: options.pollIntervalMs,
    timeoutMs: options.timeoutMs,
    onProgress: (run) => {
      const line = `${run.status}: ${runProgress(run)}, spent $${run.spent.toFixed(4)}`;
      if (line !== last) options.note(`[${Math.round((Date.now() - started) / 1000)}s] ${line}`);
      last = line;
    },
  });
}
