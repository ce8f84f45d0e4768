import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { fixture } from '../test-support/fixtures.js';
import { GPU_STATUS_COMMAND, describeGpu, gpuIsHealthy, parseGpuStatusCsv, probeGpuStatus } from './gpu-status.js';

const TARGET = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };

function parse(name: string) {
  const result = parseGpuStatusCsv(fixture(name));
  if (!result.ok) throw result.err;
  return result.val;
}

describe('parseGpuStatusCsv (bench-ssh-ops §B.6 samples)', () => {
  it('reads an idle single GPU', () => {
    expect(parse('nvidia-smi/query-idle.csv')).toEqual([
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4090',
        memoryUsedMib: 1,
        memoryTotalMib: 24564,
        utilizationPercent: 0,
        temperatureC: 31,
        powerDrawW: 17.42,
        memoryUsedPercent: (1 / 24564) * 100,
        healthy: true,
      },
    ]);
  });

  it('reads a loaded GPU, keeping the power decimals upstream truncated (371.85, not 371)', () => {
    expect(parse('nvidia-smi/query-loaded.csv')[0]).toMatchObject({ memoryUsedMib: 20368, memoryTotalMib: 24564, utilizationPercent: 97, temperatureC: 64, powerDrawW: 371.85 });
  });

  it('reports [N/A] fields as null, not 0', () => {
    expect(parse('nvidia-smi/query-na.csv')[0]).toMatchObject({ name: 'NVIDIA A100 80GB PCIe', memoryUsedMib: 0, memoryTotalMib: 81920, utilizationPercent: null, temperatureC: 35, powerDrawW: null });
  });

  it('tolerates [Not Supported] (upstream rejected the whole line)', () => {
    expect(parse('nvidia-smi/query-not-supported.csv')[0]).toMatchObject({ name: 'NVIDIA GeForce RTX 3090', powerDrawW: null, utilizationPercent: 5 });
  });

  it('returns every GPU of a multi-GPU node, in order', () => {
    const gpus = parse('nvidia-smi/query-multi.csv');
    expect(gpus.map((g) => [g.index, g.name, g.memoryUsedMib, g.powerDrawW])).toEqual([
      [0, 'NVIDIA RTX A5000', 512, 27.1],
      [1, 'NVIDIA RTX A5000', 498, 21.55],
    ]);
  });

  it('rejects empty output', () => {
    const result = parseGpuStatusCsv(fixture('nvidia-smi/query-empty.csv'));
    expect(!result.ok && result.err.message).toContain('empty nvidia-smi output');
  });

  it('rejects a line with too few fields, naming the line', () => {
    const result = parseGpuStatusCsv(fixture('nvidia-smi/query-two-fields.csv'));
    expect(!result.ok && result.err.message).toContain('line 1: expected 6 fields, got 2');
  });

  it('fails the whole parse on one bad line of several', () => {
    const result = parseGpuStatusCsv(`${fixture('nvidia-smi/query-idle.csv')}NVIDIA GeForce RTX 4090, lots, 24564, 0, 31, 17.42\n`);
    expect(!result.ok && result.err.message).toContain('line 2: memory.used is not a number');
  });

  it('does not take an NVML error printed on stdout for a GPU', () => {
    expect(parseGpuStatusCsv(fixture('nvidia-smi/nvml-mismatch.txt')).ok).toBe(false);
  });

  it.each([
    [65, 12288, 24576, true],
    [95, 12288, 24576, false],
    [65, 24576, 24576, false],
    [89, 0, 24576, true],
    [90, 0, 24576, false],
  ])('health: %i °C, %i/%i MiB → %s', (temperatureC, memoryUsedMib, memoryTotalMib, healthy) => {
    expect(gpuIsHealthy({ temperatureC, memoryUsedMib, memoryTotalMib })).toBe(healthy);
  });

  it('computes memory use as a percentage, null when the total is 0 or unknown', () => {
    expect(parse2('X, 12288, 24576, 0, 30, 10').memoryUsedPercent).toBe(50);
    expect(parse2('X, 0, 0, 0, 30, 10').memoryUsedPercent).toBeNull();
    expect(parse2('X, 10, [N/A], 0, 30, 10').memoryUsedPercent).toBeNull();
  });

  it('describes a GPU for logs', () => {
    expect(describeGpu(parse('nvidia-smi/query-na.csv')[0]!)).toBe('NVIDIA A100 80GB PCIe: 0MiB/81920MiB (0.0%), n/a util, 35C, n/a');
  });
});

function parse2(line: string) {
  const result = parseGpuStatusCsv(line);
  if (!result.ok) throw result.err;
  return result.val[0]!;
}

describe('probeGpuStatus through the RemoteExec port', () => {
  it('runs the documented query and parses every GPU', async () => {
    const remote = new FakeRemoteExec().on(GPU_STATUS_COMMAND, { stdout: fixture('nvidia-smi/query-multi.csv') });
    const result = await probeGpuStatus(remote, TARGET);
    if (!result.ok) throw result.err;
    expect(result.val.status === 'ok' && result.val.gpus).toHaveLength(2);
    expect(remote.commands).toEqual([{ host: 'node-1', command: 'nvidia-smi --query-gpu=name,memory.used,memory.total,utilization.gpu,temperature.gpu,power.draw --format=csv,noheader,nounits' }]);
  });

  it.each([
    ['nvidia-smi/failed-no-driver.txt', 9, 'no_driver'],
    ['nvidia-smi/nvml-mismatch.txt', 18, 'driver_mismatch'],
    ['nvidia-smi/no-devices.txt', 6, 'no_devices'],
  ] as const)('classifies %s (exit %i) as %s from the exit status', async (name, exitCode, kind) => {
    const remote = new FakeRemoteExec().on('nvidia-smi', { stdout: fixture(name), exitCode });
    const result = await probeGpuStatus(remote, TARGET);
    if (!result.ok) throw result.err;
    expect(result.val).toEqual({ status: 'failed', failure: { kind, exitCode, message: fixture(name).trim().split('\n')[0] } });
  });

  it('reports exit 0 with output that is not the query as unparseable', async () => {
    const remote = new FakeRemoteExec().on('nvidia-smi', { stdout: 'hello\n' });
    const result = await probeGpuStatus(remote, TARGET);
    expect(result.ok && result.val.status === 'failed' && result.val.failure.kind).toBe('unparseable');
  });

  it('reports a missing nvidia-smi as not_installed', async () => {
    const result = await probeGpuStatus(new FakeRemoteExec(), TARGET);
    expect(result.ok && result.val.status === 'failed' && result.val.failure.kind).toBe('not_installed');
  });
});
