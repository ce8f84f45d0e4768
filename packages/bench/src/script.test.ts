import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { OLLAMA_BENCH_SCRIPT_MARKER, OLLAMA_BENCH_SCRIPT_PATH, loadOllamaBenchScript, ollamaBenchArgs } from './script.js';
import { FakeOllama } from './test-support/fake-ollama.js';

const run = promisify(execFile);

/**
 * The real script, run by bash with curl and jq on this machine against a fake Ollama over HTTP,
 * with a fake nvidia-smi first on PATH. bash, curl and jq are required: CI must install them.
 */
const FAKE_NVIDIA_SMI = `#!/usr/bin/env bash
case "$*" in
  *--query-gpu=memory.total*) echo "24564" ;;
  *--query-gpu=name,memory.total,driver_version*) echo "NVIDIA GeForce RTX 4090, 24564, 550.127.05" ;;
  *--query-gpu=index,utilization.gpu*) echo "0, 97, 6431, 24564, 63, 331.42" ;;
  "") printf '| NVIDIA-SMI 550.127.05   Driver Version: 550.127.05   CUDA Version: 12.4 |\\n' ;;
  *) exit 1 ;;
esac
`;

function requireTools(): void {
  for (const tool of ['bash', 'curl', 'jq']) {
    const found = (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, tool)));
    if (!found) throw new Error(`the script test needs '${tool}' on PATH (CI: install it in .ci/run)`);
  }
}

describe('assets/ollama-bench.sh', () => {
  let work: string;
  let binDir: string;
  let ollama: FakeOllama;

  beforeAll(requireTools);
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-bench-script-'));
    binDir = path.join(work, 'bin');
    fs.mkdirSync(binDir);
    fs.writeFileSync(path.join(binDir, 'nvidia-smi'), FAKE_NVIDIA_SMI, { mode: 0o755 });
  });
  afterEach(async () => {
    await ollama?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const runScript = async (args: string[]) => {
    const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };
    // The quoted arguments are exactly what the runner sends; bash -c reads them the same way a node's shell does.
    const command = `bash ${OLLAMA_BENCH_SCRIPT_PATH} ${args.join(' ')}`;
    return run('bash', ['-c', command], { env, timeout: 60_000 }).then(
      (out) => ({ code: 0, ...out }),
      (error: { code?: number; stdout: string; stderr: string }) => ({ code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }),
    );
  };

  it('is shipped with its marker line and loads from the package', () => {
    const bytes = loadOllamaBenchScript();
    expect(Buffer.from(bytes).toString('utf8').split('\n')[1]).toBe(OLLAMA_BENCH_SCRIPT_MARKER);
    expect(fs.statSync(OLLAMA_BENCH_SCRIPT_PATH).mode & 0o111).not.toBe(0);
  });

  // The script's throughput phase is a wall-clock window by design (no request starts after it). A
  // request costs ~0.2 s idle but over 2 s on a loaded two-core machine (bash, curl and jq per
  // request), and these tests need at least two in the window.
  const THROUGHPUT_SECONDS = 8;

  it('pulls the model, streams every prompt and writes a valid result with TTFT below the total time', async () => {
    ollama = new FakeOllama({ ttftMs: 60, tokenMs: 3, maxTokens: 40 });
    const url = await ollama.start();
    const out = path.join(work, 'out dir');
    const result = await runScript(ollamaBenchArgs({ model: 'llama3.1:8b', outDir: out, ollamaUrl: url, durationSeconds: THROUGHPUT_SECONDS, warmup: 1, sampleIntervalSeconds: 1, noInstall: true }));
    const log = fs.existsSync(path.join(out, 'bench.log')) ? fs.readFileSync(path.join(out, 'bench.log'), 'utf8') : '(no log)';
    if (result.code !== 0) console.log(log, result.stderr, fs.readFileSync(path.join(out, "requests.jsonl"), "utf8").slice(0, 2000), fs.readdirSync(out));
    expect({ code: result.code, stderr: result.stderr, log }).toMatchObject({ code: 0 });

    expect(fs.readFileSync(path.join(out, 'done'), 'utf8').trim()).toBe('ok');
    expect(fs.existsSync(path.join(out, 'failed'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'heartbeat'), 'utf8')).toMatch(/^\d+ done\n$/);
    expect(ollama.pulls).toEqual(['llama3.1:8b']);
    expect(ollama.generateCalls.every((c) => c.stream === true && c.options.temperature === 0)).toBe(true);

    const json = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    if (process.env.DUMP_RESULT) fs.writeFileSync(process.env.DUMP_RESULT, JSON.stringify(json, null, 2));
    expect(json.format).toBe('gpu-shopper-ollama-bench/1');
    expect(json.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(json.hardware).toMatchObject({ gpu_name: 'NVIDIA GeForce RTX 4090', gpu_memory_mib: 24564, gpu_count: 1, driver_version: '550.127.05', cuda_version: '12.4' });
    expect(json.model).toMatchObject({ name: 'llama3.1:8b', family: 'llama3.1', parameter_count: '8.0B', quantization: 'Q4_K_M', runtime: 'ollama', runtime_version: '0.15.4', size_gb: 4.92 });
    const r = json.results;
    expect(r.total_requests).toBeGreaterThanOrEqual(2);
    expect(r.total_errors).toBe(0);
    expect(r.total_tokens).toBe(40 * r.total_requests);
    expect(r.avg_tokens_per_second).toBeGreaterThan(0);
    // The point of streaming: TTFT is the first token (~60 ms of prefill), far below the whole response.
    expect(r.avg_ttft_ms).toBeGreaterThanOrEqual(55);
    expect(r.avg_ttft_ms).toBeLessThan(r.avg_latency_ms);
    expect(r.p95_ttft_ms).toBeLessThan(r.p95_latency_ms);
    expect(r.avg_latency_ms).toBeGreaterThan(60 + 40 * 3 * 0.9);
    expect(r.end_to_end_tokens_per_second).toBeLessThanOrEqual(r.avg_tokens_per_second);
    expect(r.duration_seconds).toBeGreaterThanOrEqual(THROUGHPUT_SECONDS);
    expect(r).toMatchObject({ error_rate: 0, match_rate: 1, prompts_with_expected: 4, prompts_matching: 4 });
    expect(json.quality_results.map((q: { id: string; matched: boolean | null }) => [q.id, q.matched])).toEqual([
      ['math_simple', true],
      ['code_simple', true],
      ['knowledge', true],
      ['creative', null],
      ['instruction', true],
    ]);
    expect(json.gpu_stats).toMatchObject({ avg_utilization_pct: 97, max_memory_used_mib: 6431, avg_temperature_c: 63, max_power_draw_w: 331.4 });
    expect(json.requests).toHaveLength(r.total_requests);
  }, 60_000);

  it('counts failed requests as errors and still reports the successful ones', async () => {
    // Requests 1 (warmup) and 2–6 (quality) pass; the first throughput request fails whatever the
    // machine's speed (a loaded CI host may fit only a few in the window), then every third.
    ollama = new FakeOllama({ ttftMs: 20, tokenMs: 2, maxTokens: 20, models: ['qwen2:7b'], failGenerate: (n) => n === 7 || (n > 7 && n % 3 === 0) });
    const url = await ollama.start();
    const out = path.join(work, 'out');
    const result = await runScript(ollamaBenchArgs({ model: 'qwen2:7b', outDir: out, ollamaUrl: url, durationSeconds: THROUGHPUT_SECONDS, warmup: 1, noInstall: true }));
    expect(result.code).toBe(0);
    expect(ollama.pulls).toEqual([]);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(json.results.total_errors).toBeGreaterThan(0);
    expect(json.results.error_rate).toBeCloseTo(json.results.total_errors / json.results.total_requests, 3);
    expect(json.requests.find((q: { ok: boolean }) => !q.ok).error).toMatch(/^http_status_500/);
  }, 60_000);

  it('leaves a failure marker with exit code and phase when Ollama never answers', async () => {
    const out = path.join(work, 'out');
    const result = await runScript(ollamaBenchArgs({ model: 'llama3.1:8b', outDir: out, ollamaUrl: 'http://127.0.0.1:9', ollamaTimeoutSeconds: 0, noInstall: true }));
    expect(result.code).toBe(4);
    expect(fs.readFileSync(path.join(out, 'failed'), 'utf8')).toMatch(/^exit_code=4 phase=ollama message=Ollama does not answer/);
    expect(fs.existsSync(path.join(out, 'result.json'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'done'))).toBe(false);
  });

  it('refuses bad arguments with usage (exit 2)', async () => {
    const result = await runScript(['--model', "'x'"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--model and --out are required/);
    expect(() => ollamaBenchArgs({ model: 'x', outDir: '/tmp/x', durationSeconds: 1.5 })).toThrow(/whole number/);
    expect(ollamaBenchArgs({ model: "it's", outDir: '/tmp/a b' })).toEqual(["'--model'", "'it'\\''s'", "'--out'", "'/tmp/a b'"]);
  });
});
