import { findSku } from '../catalog/gpu-skus.js';
import { FaultRegistry } from '../faults/fault-registry.js';
import { Prng } from '../internal/prng.js';
import { vmMounts } from '../vendors/common.js';
import { BENCH_SCRIPT_MARKER, splitQuoted } from './bench-emulator.js';
import { FakeGpuNode } from './fake-gpu-node.js';
import { generateSshKeyPair } from './ssh-keys.js';

const SCRIPT = `#!/usr/bin/env bash\n${BENCH_SCRIPT_MARKER}\nset -euo pipefail\n`;
const hostKey = generateSshKeyPair().privateKey;

/** The runner's exact command lines (packages/bench/src/runner.ts), written out as the contract. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const startCommand = (dir: string, model: string, duration = 300) =>
  `cd ${q(dir)} && nohup bash ./ollama-bench.sh ${['--model', model, '--out', dir, '--duration', String(duration)].map(q).join(' ')} > ${q(dir)}/stdout.log 2>&1 < /dev/null & echo $!`;
const pollCommand = (dir: string, pid: number) =>
  `cd ${q(dir)} 2>/dev/null || { echo MISSING; exit 0; }; if [ -f done ]; then echo DONE; elif [ -f failed ]; then echo FAILED; cat failed; elif kill -0 ${pid} 2>/dev/null; then echo RUNNING; cat heartbeat 2>/dev/null; elif [ -f done ]; then echo DONE; else echo DEAD; fi`;

function makeNode(model = 'RTX 4090', instanceId = 'vm-1', gpuCount = 1) {
  const sku = findSku(model);
  if (!sku) throw new Error(`missing SKU ${model}`);
  const clock = { now: 1_800_000_000_000 };
  const node = new FakeGpuNode({
    vendor: 'tensordock',
    instanceId,
    hostname: 'gpu-node-1',
    hostKey,
    sku,
    gpuCount,
    driver: { driverVersion: '560.35.05', cudaVersion: '12.6' },
    mounts: vmMounts(100, 10),
    users: ['user'],
    sshReadyAtMs: 0,
    upgradeUntilMs: null,
    faults: new FaultRegistry(1),
    now: () => clock.now,
    rng: new Prng(1, 'node'),
    benchmarkRunMs: 1000,
  });
  return { node, clock };
}

/** Uploads the script (as SFTP would), starts it, and runs it to its end; returns the final poll. */
async function runBenchmark(node: FakeGpuNode, clock: { now: number }, model: string, dir = '/tmp/gpu-shopper-bench/run-1-1') {
  expect((await node.exec(`mkdir -p ${q(dir)}`)).code).toBe(0);
  node.fs.writeFile(`${dir}/ollama-bench.sh`, Buffer.from(SCRIPT));
  const started = await node.exec(startCommand(dir, model));
  expect(started.code).toBe(0);
  const pid = Number(started.stdout.trim());
  expect(pid).toBeGreaterThan(0);
  clock.now += 2000;
  return { pid, final: await node.exec(pollCommand(dir, pid)), dir };
}

function resultOf(node: FakeGpuNode, dir: string) {
  return JSON.parse(node.fs.readFile(`${dir}/result.json`).toString('utf8')) as {
    format: string;
    hardware: { gpu_name: string; gpu_count: number };
    model: { name: string; size_gb: number };
    results: Record<string, number>;
  };
}

describe('benchmark script emulation on a fake GPU node', () => {
  it('runs the uploaded script: PID, RUNNING with a heartbeat, then DONE and a consistent result.json', async () => {
    const { node, clock } = makeNode();
    const dir = '/tmp/gpu-shopper-bench/bch_1-1-1';
    await node.exec(`mkdir -p ${q(dir)}`);
    node.fs.writeFile(`${dir}/ollama-bench.sh`, Buffer.from(SCRIPT));
    const started = await node.exec(startCommand(dir, 'llama3.1:8b'));
    const pid = Number(started.stdout.trim());
    expect(node.fs.readFile(`${dir}/pid`).toString()).toBe(`${pid}\n`);

    clock.now += 400;
    const running = await node.exec(pollCommand(dir, pid));
    expect(running.stdout).toMatch(/^RUNNING\n\d+ (tools|ollama|hardware|pull|warmup|quality|throughput|result)\n$/);
    expect(node.fs.stat(`${dir}/result.json`)).toBeUndefined();

    clock.now += 700;
    expect(await node.exec(pollCommand(dir, pid))).toEqual({ stdout: 'DONE\n', stderr: '', code: 0 });
    expect(node.fs.readFile(`${dir}/done`).toString()).toBe('ok\n');
    const result = resultOf(node, dir);
    expect(result.format).toBe('gpu-shopper-ollama-bench/1');
    expect(result.hardware.gpu_name).toBe('NVIDIA GeForce RTX 4090');
    expect(result.model.name).toBe('llama3.1:8b');
    const r = result.results;
    // 1008 GB/s ÷ 4.92 GB × 0.62 ≈ 127 tokens/s, within the ±4 % node jitter.
    expect(r.avg_tokens_per_second).toBeGreaterThan(120);
    expect(r.avg_tokens_per_second).toBeLessThan(133);
    expect(r.avg_ttft_ms).toBeLessThan(r.avg_latency_ms ?? 0);
    expect(r.end_to_end_tokens_per_second).toBeLessThan(r.avg_tokens_per_second ?? 0);
    expect(r.min_tokens_per_second).toBeLessThanOrEqual(r.p50_tokens_per_second ?? 0);
    expect(r.p50_tokens_per_second).toBeLessThanOrEqual(r.max_tokens_per_second ?? 0);
    expect(r.requests_per_minute).toBeCloseTo(((r.total_requests ?? 0) / (r.duration_seconds ?? 1)) * 60, 1);
    // A 300 s throughput phase of ~4 s requests: tens of requests, none started after the duration.
    expect(r.total_requests).toBeGreaterThan(50);
    expect(r.duration_seconds).toBeGreaterThanOrEqual(300);
    expect(r.duration_seconds).toBeLessThan(310);
  });

  it('measures SKU-dependent throughput, deterministically', async () => {
    const tps = async (sku: string, instanceId = 'vm-1') => {
      const { node, clock } = makeNode(sku, instanceId);
      const { final, dir } = await runBenchmark(node, clock, 'llama3.1:8b');
      expect(final.stdout).toBe('DONE\n');
      return resultOf(node, dir).results.avg_tokens_per_second ?? 0;
    };
    const h100 = await tps('H100 SXM');
    const rtx4090 = await tps('RTX 4090');
    const l4 = await tps('L4');
    expect(h100).toBeGreaterThan(rtx4090 * 2.5);
    expect(rtx4090).toBeGreaterThan(l4 * 2.5);
    expect(await tps('RTX 4090')).toBe(rtx4090);
    expect(await tps('RTX 4090', 'vm-2')).not.toBe(rtx4090);
  });

  it('reports the script failure marker for an unknown model (pull) and a model too large for the card (warmup)', async () => {
    const unknown = makeNode();
    const pulled = await runBenchmark(unknown.node, unknown.clock, 'no-such-model:latest');
    expect(pulled.final.stdout).toMatch(/^FAILED\nexit_code=5 phase=pull message=pull model manifest: file does not exist/);
    const small = makeNode('RTX 3080');
    const big = await runBenchmark(small.node, small.clock, 'llama3.1:70b');
    expect(big.final.stdout).toMatch(/^FAILED\nexit_code=7 phase=warmup message=model requires more memory/);
    expect(small.node.fs.stat(`${big.dir}/result.json`)).toBeUndefined();
  });

  it('does not run a script without the marker line, and says MISSING for a directory that is gone', async () => {
    const { node, clock } = makeNode();
    const dir = '/tmp/other';
    await node.exec(`mkdir -p ${dir}`);
    node.fs.writeFile(`${dir}/ollama-bench.sh`, Buffer.from('#!/bin/bash\necho hello\n'));
    const pid = Number((await node.exec(startCommand(dir, 'llama3.1:8b'))).stdout.trim());
    clock.now += 10;
    expect((await node.exec(pollCommand(dir, pid))).stdout).toBe('DEAD\n');
    expect(node.fs.readFile(`${dir}/stdout.log`).toString()).toContain('no marker line');
    expect((await node.exec(pollCommand('/tmp/nowhere', pid))).stdout).toBe('MISSING\n');
    // Other command lines still reach the shell.
    expect((await node.exec('echo ok')).stdout).toBe('ok\n');
  });

  it('splits the runner\u2019s quoted arguments', () => {
    expect(splitQuoted(`'--model' 'it'\\''s:7b' '--out' '/tmp/a b'`)).toEqual(['--model', "it's:7b", '--out', '/tmp/a b']);
  });
});

describe('benchmark emulation behind a command prefix', () => {
  it('answers the runner line after a prefix line (the SSH client\u2019s PID marker), running the prefix in the shell', async () => {
    const { node, clock } = makeNode();
    const dir = '/tmp/gpu-shopper-bench/prefixed';
    await node.exec(`mkdir -p ${q(dir)}`);
    node.fs.writeFile(`${dir}/ollama-bench.sh`, Buffer.from(SCRIPT));
    const prefix = `printf '%s\\n' "__gpushop_pid=$$" >&2\n`;
    const started = await node.exec(prefix + startCommand(dir, 'llama3.1:8b'));
    expect(started.stderr).toMatch(/^__gpushop_pid=\d+\n$/);
    const pid = Number(started.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    clock.now += 5000;
    expect((await node.exec(prefix + pollCommand(dir, pid))).stdout).toBe('DONE\n');
  });
});
