import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { fixture } from '../test-support/fixtures.js';
import { GPU_APPS_COMMAND, NvidiaSmiActivitySampler, parseComputeApps } from './gpu-activity.js';
import { GPU_STATUS_COMMAND } from './gpu-status.js';

const TARGET = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };

function node(status: string, apps = '', statusExit = 0) {
  return new FakeRemoteExec().on(GPU_STATUS_COMMAND, { stdout: status, exitCode: statusExit }).on(GPU_APPS_COMMAND, { stdout: apps });
}

describe('NvidiaSmiActivitySampler (core GpuActivitySampler port)', () => {
  it('is idle with low utilization and no GPU process', async () => {
    const result = await new NvidiaSmiActivitySampler(node(fixture('nvidia-smi/query-multi.csv'))).sample(TARGET);
    expect(result.ok && result.val).toEqual({ busy: false, maxUtilizationPercent: 3 });
  });

  it('is busy when any GPU reaches the threshold', async () => {
    const result = await new NvidiaSmiActivitySampler(node(fixture('nvidia-smi/query-loaded.csv'))).sample(TARGET);
    expect(result.ok && result.val).toEqual({ busy: true, maxUtilizationPercent: 97 });
  });

  it('is busy when a compute process holds a GPU, even at 0% utilization', async () => {
    const result = await new NvidiaSmiActivitySampler(node(fixture('nvidia-smi/query-idle.csv'), '4242, python3, 20480\n')).sample(TARGET);
    expect(result.ok && result.val.busy).toBe(true);
  });

  it('has no utilization when every GPU reports [N/A]', async () => {
    const result = await new NvidiaSmiActivitySampler(node('NVIDIA A100 80GB PCIe, 0, 81920, [N/A], 35, [N/A]\n')).sample(TARGET);
    expect(result.ok && result.val).toEqual({ busy: false, maxUtilizationPercent: null });
  });

  it('fails (never "idle") when nvidia-smi fails', async () => {
    const result = await new NvidiaSmiActivitySampler(node(fixture('nvidia-smi/nvml-mismatch.txt'), '', 18)).sample(TARGET);
    expect(!result.ok && result.err.message).toContain('nvidia-smi exit 18');
  });

  it('parses the compute-apps listing', () => {
    expect(parseComputeApps('4242, python3, 20480\n77, ollama, [N/A]\nNo running processes found\n')).toEqual([
      { pid: 4242, processName: 'python3', usedMemoryMib: 20480 },
      { pid: 77, processName: 'ollama', usedMemoryMib: null },
    ]);
  });
});
