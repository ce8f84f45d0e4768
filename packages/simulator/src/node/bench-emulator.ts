import { posix } from 'node:path';

import { DECODE_EFFICIENCY, MEMORY_BANDWIDTH_GBS, simulatedModel, type SimulatedModel } from '../catalog/llm-throughput.js';
import { type GpuSku } from '../catalog/gpu-skus.js';
import { mulberry32 } from '../internal/prng.js';
import { type MemoryFs } from './memory-fs.js';
import { owner } from './programs.js';
import { type ExecResult } from './shell.js';

/**
 * Emulates the project's on-node benchmark script (`ollama-bench.sh`, interface v1) on a fake GPU
 * node, written from its documented contract (the bench package's README), not from its code:
 *
 * - The script is recognised by its **marker line** (line 2: `# gpu-shopper ollama benchmark v1`);
 *   a file without it is not run as the benchmark (the job dies at once, like any other script the
 *   node cannot run here).
 * - The **detached start** `cd DIR && nohup bash ./ollama-bench.sh ARGS > DIR/stdout.log 2>&1 < /dev/null & echo $!`
 *   prints a PID, writes `pid` and `heartbeat`, and the run then advances with the simulator clock
 *   through the script's phases over `runMs` (scaled: minutes on a real node).
 * - The **poll** `cd DIR … if [ -f done ] … kill -0 PID … fi` answers DONE / FAILED + the failure
 *   marker / RUNNING + heartbeat / DEAD / MISSING from the node's files and process table.
 * - On success `result.json` (format `gpu-shopper-ollama-bench/1`) and `done` appear in DIR, so the
 *   runner downloads the result over the node's ordinary SFTP server.
 *
 * Why a recogniser and not the shell: the fake shell has no `if`/`{ }`/`kill`, and running the real
 * script would need Ollama. The two command lines are the runner's documented protocol; anything
 * else still goes to the shell. State is computed from the clock when observed (each exec), so no
 * timers outlive the node.
 *
 * Throughput is SKU-dependent and deterministic (see catalog/llm-throughput.ts): an unknown model
 * tag fails at `pull` (exit 5), a model larger than the cards' memory fails at `warmup` (exit 7).
 */

export const BENCH_SCRIPT_MARKER = '# gpu-shopper ollama benchmark v1';
export const BENCH_RESULT_FORMAT = 'gpu-shopper-ollama-bench/1';
const PHASES = ['tools', 'ollama', 'hardware', 'pull', 'warmup', 'quality', 'throughput', 'result'] as const;
type Phase = (typeof PHASES)[number];

export interface BenchEmulatorOptions {
  readonly fs: MemoryFs;
  readonly sku: GpuSku;
  readonly gpuCount: number;
  readonly instanceId: string;
  readonly cpuCount: number;
  readonly now: () => number;
  readonly driver: () => { readonly driverVersion: string; readonly cudaVersion: string };
  /** Wall time of a whole run (start to result), scaled. */
  readonly runMs: number;
}

interface BenchProcess {
  readonly pid: number;
  readonly dir: string;
  readonly user: string;
  readonly startedAtMs: number;
  /** When it ends (successfully or not). */
  readonly endsAtMs: number;
  readonly failure: { readonly phase: Phase; readonly exitCode: number; readonly message: string } | null;
  readonly args: BenchArgs;
  finished: boolean;
}

interface BenchArgs {
  readonly model: string;
  readonly out: string;
  readonly durationSeconds: number;
  readonly maxTokens: number;
  readonly warmup: number;
}

const START = /^cd ('(?:[^']|'\\'')*') && nohup bash \.\/ollama-bench\.sh (.*) > ('(?:[^']|'\\'')*')\/stdout\.log 2>&1 < \/dev\/null & echo \$!\s*$/;
const POLL = /^cd ('(?:[^']|'\\'')*') 2>\/dev\/null \|\| \{ echo MISSING; exit 0; \}; .*\bif \[ -f done \].*\bkill -0 (\d+) 2>\/dev\/null.*\bfi\s*$/;

/** Splits POSIX-quoted words (`'a b' 'it'\''s'`), the quoting the runner uses for every argument. */
export function splitQuoted(text: string): string[] {
  const words: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t') {
      if (current !== null) words.push(current);
      current = null;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated quote');
      current = (current ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      current = (current ?? '') + (text[i + 1] ?? '');
      i++;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== null) words.push(current);
  return words;
}

/** FNV-1a: a stable seed per (instance, run directory), so a node's results repeat for a seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Nearest-rank percentile (the script's definition): the value at rank ⌈p/100 · n⌉ of the sorted samples. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export class BenchEmulator {
  private readonly processes = new Map<number, BenchProcess>();
  private nextPid = 4211;

  constructor(private readonly options: BenchEmulatorOptions) {}

  /** Answers the runner's start and poll command lines; undefined for anything else (the shell runs it). */
  handle(command: string, user: string): ExecResult | undefined {
    const trimmed = command.trim();
    const start = START.exec(trimmed);
    if (start?.[1] && start[2] !== undefined) return this.start(splitQuoted(start[1])[0] ?? '', start[2], user);
    const poll = POLL.exec(trimmed);
    if (poll?.[1] && poll[2]) return this.poll(splitQuoted(poll[1])[0] ?? '', Number(poll[2]));
    return undefined;
  }

  /** The processes started so far (tests, ground truth). */
  list(): readonly { pid: number; dir: string; model: string; running: boolean }[] {
    return [...this.processes.values()].map((p) => ({ pid: p.pid, dir: p.dir, model: p.args.model, running: this.alive(p) }));
  }

  private start(dir: string, argText: string, user: string): ExecResult {
    const { fs } = this.options;
    // `echo $!` prints the background job's PID whatever happens to the job itself.
    const pid = this.nextPid++;
    const entry = fs.stat(dir);
    if (!entry || entry.kind !== 'dir') return { stdout: `${pid}\n`, stderr: '', code: 0 };
    const log = (text: string) => this.write(`${dir}/stdout.log`, text, user);
    const script = fs.stat(`${dir}/ollama-bench.sh`) ? fs.readFile(`${dir}/ollama-bench.sh`).toString('utf8') : null;
    if (script === null) {
      log('bash: ./ollama-bench.sh: No such file or directory\n');
      return { stdout: `${pid}\n`, stderr: '', code: 0 };
    }
    if (script.split('\n')[1] !== BENCH_SCRIPT_MARKER) {
      log('simulator: ./ollama-bench.sh is not the gpu-shopper benchmark (no marker line); nothing ran\n');
      return { stdout: `${pid}\n`, stderr: '', code: 0 };
    }
    let args: BenchArgs;
    try {
      args = this.parseArgs(splitQuoted(argText), dir);
    } catch (error) {
      // Exit code 2 (usage) with the failure marker, as the script's EXIT trap writes it.
      this.write(`${dir}/failed`, `exit_code=2 phase=tools message=${(error as Error).message}\n`, user);
      return { stdout: `${pid}\n`, stderr: '', code: 0 };
    }
    const now = this.options.now();
    const model = simulatedModel(args.model);
    const memoryGb = (this.options.sku.memoryMiB * this.options.gpuCount * 1048576) / 1e9;
    const failure = !model
      ? { phase: 'pull' as const, exitCode: 5, message: `pull model manifest: file does not exist (${args.model})` }
      : model.sizeGb * 1.1 > memoryGb
        ? { phase: 'warmup' as const, exitCode: 7, message: `model requires more memory (${round(model.sizeGb * 1.1)} GB) than the GPUs have (${round(memoryGb)} GB)` }
        : null;
    const runMs = Math.max(1, this.options.runMs);
    const endsAtMs = now + (failure ? Math.round(runMs * (PHASES.indexOf(failure.phase) + 0.5) / PHASES.length) : runMs);
    const process: BenchProcess = { pid, dir, user, startedAtMs: now, endsAtMs, failure, args, finished: false };
    this.processes.set(pid, process);
    this.write(`${dir}/pid`, `${pid}\n`, user);
    this.write(`${dir}/heartbeat`, `${Math.floor(now / 1000)} tools\n`, user);
    this.write(`${dir}/bench.log`, `[${new Date(now).toISOString()}] benchmark ${args.model} for ${args.durationSeconds}s\n`, user);
    return { stdout: `${pid}\n`, stderr: '', code: 0 };
  }

  private parseArgs(words: readonly string[], dir: string): BenchArgs {
    const values = new Map<string, string>();
    for (let i = 0; i < words.length; i++) {
      const flag = words[i] ?? '';
      if (flag === '--no-install') continue;
      if (!flag.startsWith('--')) throw new Error(`unexpected argument '${flag}'`);
      const value = words[i + 1];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      values.set(flag, value);
      i++;
    }
    const model = values.get('--model');
    if (!model) throw new Error('--model is required');
    const out = values.get('--out') ?? '';
    if (posix.resolve(out) !== posix.resolve(dir)) throw new Error(`--out ${out} is not the working directory`);
    const int = (flag: string, fallback: number) => {
      const raw = values.get(flag);
      if (raw === undefined) return fallback;
      if (!/^\d+$/.test(raw)) throw new Error(`${flag} takes a whole number, got '${raw}'`);
      return Number(raw);
    };
    return { model, out, durationSeconds: int('--duration', 300), maxTokens: int('--max-tokens', 500), warmup: int('--warmup', 2) };
  }

  private poll(dir: string, pid: number): ExecResult {
    const { fs } = this.options;
    const entry = fs.stat(dir);
    if (!entry || entry.kind !== 'dir') return { stdout: 'MISSING\n', stderr: '', code: 0 };
    const process = this.processes.get(pid);
    if (process) this.advance(process);
    const read = (name: string) => (fs.stat(`${dir}/${name}`) ? fs.readFile(`${dir}/${name}`).toString('utf8') : null);
    if (read('done') !== null) return { stdout: 'DONE\n', stderr: '', code: 0 };
    const failed = read('failed');
    if (failed !== null) return { stdout: `FAILED\n${failed}`, stderr: '', code: 0 };
    if (process && this.alive(process)) return { stdout: `RUNNING\n${read('heartbeat') ?? ''}`, stderr: '', code: 0 };
    return { stdout: 'DEAD\n', stderr: '', code: 0 };
  }

  private alive(process: BenchProcess): boolean {
    this.advance(process);
    return !process.finished;
  }

  /** Brings a process up to the clock: heartbeat phase, and at its end the result (or failure marker). */
  private advance(process: BenchProcess): void {
    if (process.finished) return;
    const now = this.options.now();
    const { dir, user } = process;
    if (!this.options.fs.stat(dir)) {
      process.finished = true; // its directory was removed under it: the script dies writing
      return;
    }
    if (now < process.endsAtMs) {
      const fraction = (now - process.startedAtMs) / Math.max(1, this.options.runMs);
      const phase = PHASES[Math.min(PHASES.length - 1, Math.floor(fraction * PHASES.length))] ?? 'tools';
      this.write(`${dir}/heartbeat`, `${Math.floor(now / 1000)} ${phase}\n`, user);
      return;
    }
    process.finished = true;
    if (process.failure) {
      const { exitCode, phase, message } = process.failure;
      this.write(`${dir}/heartbeat`, `${Math.floor(now / 1000)} ${phase}\n`, user);
      this.write(`${dir}/failed`, `exit_code=${exitCode} phase=${phase} message=${message}\n`, user);
      return;
    }
    const model = simulatedModel(process.args.model);
    if (!model) return;
    // result.json is renamed into place before `done` is written, as the script does.
    this.write(`${dir}/result.json`, `${JSON.stringify(this.result(process, model), null, 2)}\n`, user);
    this.write(`${dir}/heartbeat`, `${Math.floor(now / 1000)} done\n`, user);
    this.write(`${dir}/done`, 'ok\n', user);
  }

  /** Decode tokens/s of one stream of `model` on this node's SKU (see catalog/llm-throughput.ts). */
  expectedTokensPerSecond(model: SimulatedModel): number {
    const bandwidth = MEMORY_BANDWIDTH_GBS[this.options.sku.model] ?? 500;
    return (bandwidth / model.sizeGb) * DECODE_EFFICIENCY;
  }

  private result(process: BenchProcess, model: SimulatedModel): Record<string, unknown> {
    const { sku, gpuCount, cpuCount, instanceId } = this.options;
    const { args } = process;
    const random = mulberry32(hash(`${instanceId}:${process.dir}:${args.model}`));
    const jitter = (spread: number) => 1 + (random() * 2 - 1) * spread;
    const base = this.expectedTokensPerSecond(model) * jitter(0.04);
    const promptTokens = 26;
    const prefillRate = base * 25;
    const requests: { n: number; ok: boolean; ttft_ms: number; latency_ms: number; tokens: number; tps: number }[] = [];
    let elapsedMs = 0;
    // No request starts after --duration (the script's rule); each streams up to --max-tokens.
    while (elapsedMs < args.durationSeconds * 1000 && requests.length < 5000) {
      const tps = base * jitter(0.02);
      const tokens = Math.max(1, Math.round(args.maxTokens * (0.94 + random() * 0.06)));
      const ttft = 35 * jitter(0.1) + (promptTokens / prefillRate) * 1000;
      const latency = ttft + (tokens / tps) * 1000;
      requests.push({ n: requests.length + 1, ok: true, ttft_ms: round(ttft, 3), latency_ms: round(latency, 3), tokens, tps: round(tps) });
      elapsedMs += latency + 4; // client-side gap between requests
    }
    const durationSeconds = elapsedMs / 1000;
    const tpsSorted = requests.map((r) => r.tps).sort((a, b) => a - b);
    const latSorted = requests.map((r) => r.latency_ms).sort((a, b) => a - b);
    const ttftSorted = requests.map((r) => r.ttft_ms).sort((a, b) => a - b);
    const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const totalTokens = requests.reduce((sum, r) => sum + r.tokens, 0);
    const usedMib = Math.min(sku.memoryMiB * gpuCount, Math.round((model.sizeGb * 1e9) / 1048576 + 900));
    const power = sku.powerLimitW * 0.78 * jitter(0.05);
    const temperature = 66 * jitter(0.06);
    const quality = [
      ['math_simple', 'reasoning', true],
      ['code_simple', 'coding', true],
      ['knowledge', 'knowledge', true],
      ['creative', 'creative', null],
      ['instruction', 'instruction', true],
    ] as const;
    const driver = this.options.driver();
    const now = new Date(this.options.now());
    return {
      format: BENCH_RESULT_FORMAT,
      timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      hardware: {
        gpu_name: sku.smiName,
        gpu_memory_mib: sku.memoryMiB,
        gpu_count: gpuCount,
        driver_version: driver.driverVersion,
        cuda_version: driver.cudaVersion,
        cpu_model: 'AMD EPYC 7543 32-Core Processor',
        cpu_cores: cpuCount,
        ram_gib: 32 * gpuCount,
      },
      model: {
        name: args.model,
        family: args.model.split(':')[0] ?? args.model,
        parameter_count: model.parameterCount,
        quantization: 'Q4_K_M',
        size_gb: model.sizeGb,
        runtime: 'ollama',
        runtime_version: '0.15.4',
        digest: `sha256:${hash(args.model).toString(16).padStart(8, '0').repeat(8)}`,
      },
      test_config: {
        duration_minutes: Math.floor(args.durationSeconds / 60),
        duration_seconds: args.durationSeconds,
        max_tokens: args.maxTokens,
        prompt_types: ['reasoning', 'coding', 'knowledge', 'creative', 'instruction', 'throughput'],
        concurrent_reqs: 1,
        warmup_requests: args.warmup,
        suite_version: 'ollama-bench v1',
      },
      results: {
        total_requests: requests.length,
        total_tokens: totalTokens,
        total_prompt_tokens: promptTokens * requests.length,
        total_errors: 0,
        duration_seconds: round(durationSeconds, 3),
        avg_tokens_per_second: round(mean(tpsSorted)),
        min_tokens_per_second: tpsSorted[0] ?? null,
        max_tokens_per_second: tpsSorted.at(-1) ?? null,
        p50_tokens_per_second: percentile(tpsSorted, 50),
        p95_tokens_per_second: percentile(tpsSorted, 95),
        p99_tokens_per_second: percentile(tpsSorted, 99),
        end_to_end_tokens_per_second: round(totalTokens / durationSeconds),
        avg_latency_ms: round(mean(latSorted), 3),
        min_latency_ms: latSorted[0] ?? null,
        max_latency_ms: latSorted.at(-1) ?? null,
        p50_latency_ms: percentile(latSorted, 50),
        p95_latency_ms: percentile(latSorted, 95),
        p99_latency_ms: percentile(latSorted, 99),
        requests_per_minute: round((requests.length / durationSeconds) * 60),
        avg_tokens_per_request: round(totalTokens / requests.length),
        error_rate: 0,
        avg_ttft_ms: round(mean(ttftSorted), 3),
        p50_ttft_ms: percentile(ttftSorted, 50),
        p95_ttft_ms: percentile(ttftSorted, 95),
        match_rate: 1,
        prompts_with_expected: 4,
        prompts_matching: 4,
      },
      gpu_stats: {
        avg_utilization_pct: round(94 * jitter(0.03), 1),
        max_utilization_pct: 99,
        avg_memory_used_mib: usedMib,
        max_memory_used_mib: usedMib,
        avg_temperature_c: round(temperature, 1),
        max_temperature_c: round(temperature + 4, 1),
        avg_power_draw_w: round(power, 1),
        max_power_draw_w: round(Math.min(sku.powerLimitW, power * 1.08), 1),
      },
      quality_results: quality.map(([id, category, matched]) => ({ id, category, matched, ttft_ms: round(36 * jitter(0.1), 3), tps: round(base * jitter(0.05)) })),
      requests,
    };
  }

  private write(path: string, text: string, user: string): void {
    try {
      this.options.fs.writeFile(path, Buffer.from(text, 'utf8'), owner(user));
    } catch {
      // A full disk or a removed directory: the real script would fail here too; the poll then sees no marker.
    }
  }
}
