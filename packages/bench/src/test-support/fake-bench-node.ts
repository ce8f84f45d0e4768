import fs from 'node:fs';
import path from 'node:path';

import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { OLLAMA_BENCH_SCRIPT_MARKER } from '../script.js';

export type NodeBehaviour =
  | { readonly kind: 'ok'; readonly gpuName?: string; readonly tps?: number }
  | { readonly kind: 'fail'; readonly message: string }
  | { readonly kind: 'crash' };

/** The script's real output on this machine (see script.test.ts), trimmed to three requests. */
const SAMPLE = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, 'fixtures', 'script-result.json'), 'utf8')) as Record<string, unknown> & {
  hardware: Record<string, unknown>;
  results: Record<string, unknown>;
};

/**
 * A FakeRemoteExec that answers the runner's commands the way a node running the real script
 * would: mkdir, the detached start (prints a PID), and polls that report RUNNING (with a heartbeat)
 * `pollsUntilDone` times before the script finishes — writing result.json (or a failure marker, or
 * nothing for a crash). Behaviour is chosen per attempt directory by `behaviour(dir)`.
 */
export class FakeBenchNode extends FakeRemoteExec {
  readonly started: { dir: string; command: string }[] = [];
  readonly polls = new Map<string, number>();
  onPoll: ((dir: string, count: number) => void) | undefined;
  onMkdir: ((dir: string) => void) | undefined;

  constructor(
    private readonly behaviour: (dir: string, startIndex: number) => NodeBehaviour = () => ({ kind: 'ok' }),
    private readonly pollsUntilDone = 2,
  ) {
    super();
    this.on(/^mkdir -p /, (command) => {
      this.onMkdir?.(dirOf(command));
      return {};
    });
    this.on(/nohup bash \.\/ollama-bench\.sh/, (command) => {
      const dir = dirOf(command);
      const script = this.files.get(`127.0.0.1:${dir}/ollama-bench.sh`);
      if (!script || Buffer.from(script).toString('utf8').split('\n')[1] !== OLLAMA_BENCH_SCRIPT_MARKER) {
        return { exitCode: 127, stdout: '', stderr: 'bash: ./ollama-bench.sh: No such file or directory' };
      }
      this.started.push({ dir, command });
      return { stdout: `${4000 + this.started.length}\n` };
    });
    this.on(/kill -0 /, (command) => {
      const dir = dirOf(command);
      const count = (this.polls.get(dir) ?? 0) + 1;
      this.polls.set(dir, count);
      this.onPoll?.(dir, count);
      if (count < this.pollsUntilDone) return { stdout: `RUNNING\n${1_770_000_000 + count} throughput\n` };
      const index = this.started.findIndex((s) => s.dir === dir);
      const behaviour = this.behaviour(dir, index);
      switch (behaviour.kind) {
        case 'ok':
          this.files.set(`127.0.0.1:${dir}/result.json`, Buffer.from(JSON.stringify(sampleResult(behaviour.gpuName, behaviour.tps))));
          return { stdout: 'DONE\n' };
        case 'fail':
          return { stdout: `FAILED\nexit_code=5 phase=pull message=${behaviour.message}\n` };
        case 'crash':
          return { stdout: 'DEAD\n' };
      }
    });
  }
}

/** The `cd '<dir>'` every runner command starts with. */
function dirOf(command: string): string {
  const match = /^(?:cd|mkdir -p) '([^']+)'/.exec(command);
  if (!match?.[1]) throw new Error(`no directory in '${command}'`);
  return match[1];
}

export function sampleResult(gpuName = 'NVIDIA GeForce RTX 4090', tps?: number): Record<string, unknown> {
  const sample = structuredClone(SAMPLE);
  sample.hardware.gpu_name = gpuName;
  if (tps !== undefined) {
    // Keep the figures consistent with each other (the parser checks units).
    const scale = tps / (sample.results.avg_tokens_per_second as number);
    for (const key of ['avg', 'min', 'max', 'p50', 'p95', 'p99']) sample.results[`${key}_tokens_per_second`] = (sample.results[`${key}_tokens_per_second`] as number) * scale;
    sample.results.end_to_end_tokens_per_second = (sample.results.end_to_end_tokens_per_second as number) * scale;
  }
  return sample;
}
