import { writeFile } from 'node:fs/promises';

import { type RemoteExec, type RemoteTarget } from '@gpu-shopper/core';

import { probeCudaVersion } from '../probes/cuda-version.js';
import { probeDisk } from '../probes/disk.js';
import { NvidiaSmiActivitySampler } from '../probes/gpu-activity.js';
import { probeGpuStatus } from '../probes/gpu-status.js';
import { probeOom } from '../probes/oom.js';
import { SshNodeReadinessProbe, checkNodeReadiness, probeStableReadiness } from '../probes/readiness.js';
import { diagnoseNode } from '../probes/node-diagnostics.js';
import { probeEcho } from '../probes/ssh-echo.js';
import { fakeStateFile } from '../testing/fake-tools.js';
import { fixture } from './fixtures.js';

/** A node running the fake tools (fake-bin/), reachable through a real `RemoteExec`. */
export interface ProbeNode {
  readonly remote: RemoteExec;
  readonly target: RemoteTarget;
  readonly hostKeyFingerprint: string;
  /** The node's `$FAKE_GPU_STATE_FILE`. */
  readonly stateFile: string;
  /** A file on the node the tests may lock (never the real dpkg lock: it would block the machine's apt). */
  readonly lockFile: string;
  /** Where the fake dmesg reads the kernel log from (`FAKE_DMESG_FILE`). */
  readonly dmesgFile: string;
}

const OPTS = { timeoutMs: 5000 };

/**
 * The probes end to end on a node that really runs commands (the in-process fake, the real sshd):
 * the same scenarios for both, so a difference between them shows up as a failure in one suite.
 */
export function describeProbeScenarios(getNode: () => ProbeNode): void {
  const setState = (values: Record<string, string>): Promise<void> => writeFile(getNode().stateFile, fakeStateFile(values));

  /** Locks `lockFile` from a process on the node (in the node's PID namespace); returns the release. */
  const holdLock = async (): Promise<() => Promise<void>> => {
    const { remote, target, lockFile } = getNode();
    const started = await remote.exec(target, `setsid flock ${lockFile} sleep 20 >/dev/null 2>&1 </dev/null & echo $!`, OPTS);
    if (!started.ok) throw started.err;
    const pid = started.val.stdout.trim();
    return async () => {
      await remote.exec(target, `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid}`, OPTS);
    };
  };

  beforeEach(async () => {
    await setState({});
  });

  it('echo: `echo ok` answers ok, with the host key seen', async () => {
    const { remote, target, hostKeyFingerprint } = getNode();
    const result = await probeEcho(remote, target, OPTS);
    expect(result.ok && result.val).toEqual({ ok: true, exitCode: 0, output: 'ok', hostKeyFingerprint });
  });

  it('GPU status: one GPU by default, every GPU of a multi-GPU node', async () => {
    const { remote, target } = getNode();
    const one = await probeGpuStatus(remote, target, OPTS);
    expect(one.ok && one.val).toEqual({
      status: 'ok',
      gpus: [
        {
          index: 0,
          name: 'NVIDIA H100 80GB HBM3',
          memoryUsedMib: 1,
          memoryTotalMib: 81559,
          utilizationPercent: 0,
          temperatureC: 34,
          powerDrawW: 71.23,
          memoryUsedPercent: (1 / 81559) * 100,
          healthy: true,
        },
      ],
    });
    await setState({ FAKE_GPU_COUNT: '4', FAKE_GPU_NAME: 'NVIDIA RTX A5000' });
    const four = await probeGpuStatus(remote, target, OPTS);
    expect(four.ok && four.val.status === 'ok' && four.val.gpus.map((g) => g.name)).toEqual(Array(4).fill('NVIDIA RTX A5000'));
  });

  it('GPU status: a broken driver is a failure with its kind, not a GPU', async () => {
    const { remote, target } = getNode();
    await setState({ FAKE_NVSMI_FAIL: 'nvml' });
    const result = await probeGpuStatus(remote, target, OPTS);
    expect(result.ok && result.val).toEqual({
      status: 'failed',
      failure: { kind: 'driver_mismatch', exitCode: 18, message: 'Failed to initialize NVML: Driver/library version mismatch' },
    });
  });

  it('CUDA and driver versions from the banner', async () => {
    const { remote, target } = getNode();
    await setState({ FAKE_CUDA_VERSION: '12.8', FAKE_DRIVER_VERSION: '570.86.15' });
    const result = await probeCudaVersion(remote, target, OPTS);
    expect(result.ok && result.val).toEqual({ status: 'ok', versions: { cudaVersion: '12.8', cudaMajor: 12, cudaMinor: 8, driverVersion: '570.86.15' } });
  });

  it('disk: the real df of the node, with / found', async () => {
    const { remote, target } = getNode();
    const result = await probeDisk(remote, target, OPTS);
    if (!result.ok) throw result.err;
    if (result.val.status !== 'ok') throw new Error(`df failed: ${result.val.message}`);
    expect(result.val.disk.mounts.some((m) => m.mountPoint === '/')).toBe(true);
    expect(result.val.disk.availableGib).toBeGreaterThanOrEqual(0);
  });

  it('OOM: kills found in the kernel log; an unreadable log is "unavailable", not "no OOM"', async () => {
    const { remote, target, dmesgFile } = getNode();
    await writeFile(dmesgFile, `[Sat Feb  7 13:00:00 2026] usb 1-1: new device\n${fixture('dmesg/oom-two-kills.txt')}`);
    const found = await probeOom(remote, target, OPTS);
    expect(found.ok && found.val.status === 'ok' && found.val.report).toMatchObject({ detected: true, killedProcesses: ['ollama', 'python3'], lastEventTime: 'Sat Feb  7 13:12:40 2026' });

    await setState({ FAKE_DMESG_DENIED: '1' });
    const denied = await probeOom(remote, target, OPTS);
    expect(denied.ok && denied.val).toEqual({ status: 'unavailable', exitCode: 3, message: 'kernel log not readable (dmesg denied)' });
  });

  it('readiness: a held package lock and a broken driver block it; released and fixed, it passes twice in a row', async () => {
    const { remote, target, lockFile } = getNode();
    await setState({ FAKE_NVSMI_FAIL: 'nodriver' });
    const release = await holdLock();
    try {
      const blocked = await checkNodeReadiness(remote, target, { ...OPTS, lockFiles: [lockFile] });
      expect(blocked.ok && blocked.val).toMatchObject({
        ready: false,
        blockers: [
          { kind: 'package_lock_held', lockFiles: [lockFile] },
          { kind: 'gpu_not_ready', failure: { kind: 'no_driver', exitCode: 9 } },
        ],
      });
    } finally {
      await release();
    }
    await setState({});
    const stable = await probeStableReadiness(remote, target, { ...OPTS, lockFiles: [lockFile], intervalMs: 10 });
    expect(stable.ok && stable.val).toMatchObject({ ready: true, reason: 'ready' });
    expect(stable.ok && stable.val.checks.map((c) => c.gpus)).toEqual([
      [{ name: 'NVIDIA H100 80GB HBM3', memoryTotalMib: 81559 }],
      [{ name: 'NVIDIA H100 80GB HBM3', memoryTotalMib: 81559 }],
    ]);
  });

  it('readiness: a driver that breaks between the two checks is not ready (check 2 of 2)', async () => {
    const { remote, target, lockFile } = getNode();
    const result = await probeStableReadiness(remote, target, {
      ...OPTS,
      lockFiles: [lockFile],
      intervalMs: 0,
      sleep: () => setState({ FAKE_NVSMI_FAIL: 'nvml' }),
    });
    expect(result.ok && result.val.ready).toBe(false);
    expect(result.ok && result.val.reason).toMatch(/^check 2 of 2: nvidia-smi exit 18 \(driver\/library version mismatch\)/);
  });

  it('readiness port: one check, reason in words, host key for pinning', async () => {
    const { remote, target, lockFile, hostKeyFingerprint } = getNode();
    await setState({ FAKE_GPU_COUNT: '0' });
    const probe = new SshNodeReadinessProbe(remote, { lockFiles: [lockFile], timeoutMs: 5000 });
    const result = await probe.check(target);
    expect(result.ok && result.val).toEqual({ ready: false, reason: 'nvidia-smi exit 6 (no GPU found): No devices were found', hostKeyFingerprint });
  });

  it('GPU activity: busy above the utilization threshold', async () => {
    const { remote, target } = getNode();
    await setState({ FAKE_GPU_UTIL: '55', FAKE_GPU_COUNT: '2' });
    const result = await new NvidiaSmiActivitySampler(remote).sample(target);
    expect(result.ok && result.val).toEqual({ busy: true, maxUtilizationPercent: 55 });
  });
  it('diagnostics: every probe in one report; a broken driver does not hide the rest', async () => {
    const { remote, target, lockFile, dmesgFile, hostKeyFingerprint } = getNode();
    await writeFile(dmesgFile, fixture('dmesg/oom-two-kills.txt'));
    await setState({ FAKE_CUDA_VERSION: '12.8', FAKE_DRIVER_VERSION: '570.86.15', FAKE_GPU_COUNT: '2' });
    const healthy = await diagnoseNode(remote, target, { ...OPTS, lockFiles: [lockFile] });
    if (!healthy.ok) throw healthy.err;
    expect(healthy.val).toMatchObject({ hostKeyFingerprint, gpuError: null, driverVersion: '570.86.15', cudaVersion: '12.8', oomKills: 2, ready: true, notReadyReason: null });
    expect(healthy.val.gpus).toHaveLength(2);
    expect(healthy.val.disk?.mountPoint).toBe('/');

    await setState({ FAKE_NVSMI_FAIL: 'nvml' });
    const broken = await diagnoseNode(remote, target, { ...OPTS, lockFiles: [lockFile] });
    if (!broken.ok) throw broken.err;
    expect(broken.val).toMatchObject({ gpus: [], cudaVersion: null, ready: false, oomKills: 2 });
    expect(broken.val.gpuError).toMatch(/driver\/library version mismatch/);
    expect(broken.val.notReadyReason).toMatch(/driver\/library version mismatch/);
    expect(broken.val.disk).not.toBeNull();
  });
}
