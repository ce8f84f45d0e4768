import fs from 'node:fs';
import path from 'node:path';

/**
 * The on-node benchmark script, shipped as a package asset (`assets/ollama-bench.sh`, listed in
 * `files`). `assets/` sits beside both `src/` and `dist/`, so the same relative path finds it from
 * the sources (tests) and from the build.
 */
export const OLLAMA_BENCH_SCRIPT_PATH = path.resolve(import.meta.dirname, '..', 'assets', 'ollama-bench.sh');

/** The script's second line: emulators (the simulator's fake nodes) recognise the script by it. */
export const OLLAMA_BENCH_SCRIPT_MARKER = '# gpu-shopper ollama benchmark v1';

/** `format` field of the result JSON the script writes. */
export const OLLAMA_BENCH_RESULT_FORMAT = 'gpu-shopper-ollama-bench/1';

/** The script's bytes, checked for the marker so a wrong or truncated file is never uploaded. */
export function loadOllamaBenchScript(file: string = OLLAMA_BENCH_SCRIPT_PATH): Uint8Array {
  const content = fs.readFileSync(file);
  const head = content.subarray(0, 200).toString('utf8').split('\n');
  if (head[1] !== OLLAMA_BENCH_SCRIPT_MARKER) {
    throw new Error(`${file} is not the benchmark script (its second line is not '${OLLAMA_BENCH_SCRIPT_MARKER}')`);
  }
  return new Uint8Array(content);
}

export interface OllamaBenchArgs {
  readonly model: string;
  /** Directory on the node for every file the script writes. */
  readonly outDir: string;
  readonly durationSeconds?: number;
  readonly maxTokens?: number;
  readonly warmup?: number;
  readonly ollamaUrl?: string;
  readonly sampleIntervalSeconds?: number;
  readonly ollamaTimeoutSeconds?: number;
  readonly gpuWaitSeconds?: number;
  readonly pullTimeoutSeconds?: number;
  readonly requestTimeoutSeconds?: number;
  readonly noInstall?: boolean;
}

/** POSIX single-quoting: safe for any model tag or path (a `'` becomes `'\''`). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The script's argument list (see the header of assets/ollama-bench.sh), each argument quoted. */
export function ollamaBenchArgs(args: OllamaBenchArgs): string[] {
  const out = ['--model', args.model, '--out', args.outDir];
  const numeric: [string, number | undefined][] = [
    ['--duration', args.durationSeconds],
    ['--max-tokens', args.maxTokens],
    ['--warmup', args.warmup],
    ['--sample-interval', args.sampleIntervalSeconds],
    ['--ollama-timeout', args.ollamaTimeoutSeconds],
    ['--gpu-wait', args.gpuWaitSeconds],
    ['--pull-timeout', args.pullTimeoutSeconds],
    ['--request-timeout', args.requestTimeoutSeconds],
  ];
  for (const [flag, value] of numeric) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} takes a whole number of seconds/tokens, got ${value}`);
    out.push(flag, String(value));
  }
  if (args.ollamaUrl !== undefined) out.push('--ollama-url', args.ollamaUrl);
  if (args.noInstall) out.push('--no-install');
  return out.map(shellQuote);
}
