import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { fixture } from '../test-support/fixtures.js';
import { NVIDIA_SMI_BANNER_COMMAND, cudaVersionAtLeast, parseNvidiaSmiBanner, probeCudaVersion } from './cuda-version.js';

const TARGET = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };

describe('parseNvidiaSmiBanner (bench-ssh-ops §B.7 samples)', () => {
  it.each([
    ['nvidia-smi/banner-550-cuda12.4.txt', { cudaVersion: '12.4', cudaMajor: 12, cudaMinor: 4, driverVersion: '550.127.05' }],
    ['nvidia-smi/banner-one-line-560-cuda12.6.txt', { cudaVersion: '12.6', cudaMajor: 12, cudaMinor: 6, driverVersion: '560.35.05' }],
    ['nvidia-smi/banner-cuda13.0.txt', { cudaVersion: '13.0', cudaMajor: 13, cudaMinor: 0, driverVersion: null }],
    ['nvidia-smi/banner-bare-11.8.txt', { cudaVersion: '11.8', cudaMajor: 11, cudaMinor: 8, driverVersion: null }],
  ])('reads %s', (name, expected) => {
    const result = parseNvidiaSmiBanner(fixture(name));
    if (!result.ok) throw result.err;
    expect(result.val).toEqual(expected);
  });

  it.each(['nvidia-smi/list-L.txt', 'nvidia-smi/nvml-mismatch.txt', 'nvidia-smi/failed-no-driver.txt'])('refuses %s (not a banner)', (name) => {
    const result = parseNvidiaSmiBanner(fixture(name));
    expect(!result.ok && result.err.message).toContain('could not parse CUDA version from output');
  });

  it('says "empty" for empty output', () => {
    const result = parseNvidiaSmiBanner('  \n');
    expect(!result.ok && result.err.message).toContain('empty');
  });
});

describe('cudaVersionAtLeast', () => {
  it.each([
    ['12.4', '12.4', true],
    ['12.4', '12.1', true],
    ['12.4', '12.6', false],
    ['12.4', '11', true],
    ['13.0', '12.8', true],
    // upstream's major + minor/10 made 12.10 (= 13.0) look newer than 13.0 and older than 12.9
    ['12.10', '12.9', true],
    ['12.9', '12.10', false],
  ])('%s ≥ %s is %s', (have, required, expected) => {
    const [major, minor] = have.split('.').map(Number);
    expect(cudaVersionAtLeast({ cudaMajor: major!, cudaMinor: minor! }, required)).toBe(expected);
  });

  it('rejects a malformed requirement', () => {
    expect(() => cudaVersionAtLeast({ cudaMajor: 12, cudaMinor: 0 }, 'twelve')).toThrow(RangeError);
  });
});

describe('probeCudaVersion through the RemoteExec port', () => {
  it('runs the plain banner and parses it', async () => {
    const remote = new FakeRemoteExec().on(/^nvidia-smi$/, { stdout: fixture('nvidia-smi/banner-550-cuda12.4.txt') });
    const result = await probeCudaVersion(remote, TARGET);
    if (!result.ok) throw result.err;
    expect(result.val).toEqual({ status: 'ok', versions: { cudaVersion: '12.4', cudaMajor: 12, cudaMinor: 4, driverVersion: '550.127.05' } });
    expect(remote.commands.map((c) => c.command)).toEqual([NVIDIA_SMI_BANNER_COMMAND]);
  });

  it('reports the NVML mismatch from its exit status 18', async () => {
    const remote = new FakeRemoteExec().on(/^nvidia-smi$/, { stdout: fixture('nvidia-smi/nvml-mismatch.txt'), exitCode: 18 });
    const result = await probeCudaVersion(remote, TARGET);
    if (!result.ok) throw result.err;
    expect(result.val).toEqual({ status: 'failed', failure: { kind: 'driver_mismatch', exitCode: 18, message: 'Failed to initialize NVML: Driver/library version mismatch' } });
  });
});
