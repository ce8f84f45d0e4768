import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { fixture } from '../test-support/fixtures.js';
import { OOM_COMMAND, describeOom, parseDmesgOom, probeOom } from './oom.js';

const TARGET = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };

describe('parseDmesgOom (bench-ssh-ops §B.9 samples)', () => {
  it('reads an oom-killer invocation and two kills', () => {
    const report = parseDmesgOom(fixture('dmesg/oom-two-kills.txt'));
    expect(report.detected).toBe(true);
    expect(report.killedProcesses).toEqual(['ollama', 'python3']);
    expect(report.lastEventTime).toBe('Sat Feb  7 13:12:40 2026');
    expect(report.events).toHaveLength(3);
    expect(describeOom(report)).toBe('OOM detected: killed ollama, python3 (last: Sat Feb  7 13:12:40 2026)');
  });

  it('reads a numeric kernel timestamp: process found, no time', () => {
    const report = parseDmesgOom(fixture('dmesg/numeric-timestamp.txt'));
    expect(report).toMatchObject({ detected: true, killedProcesses: ['vllm_worker'], lastEventTime: null });
    expect(describeOom(report)).toBe('OOM detected: killed vllm_worker');
  });

  it('finds nothing in unrelated output', () => {
    const report = parseDmesgOom(fixture('dmesg/noise.txt'));
    expect(report).toEqual({ detected: false, killedProcesses: [], lastEventTime: null, events: [] });
    expect(describeOom(report)).toBe('no OOM events detected');
  });

  it('does not mistake "zoom" or "bloom" for an OOM (upstream did)', () => {
    expect(parseDmesgOom(fixture('dmesg/zoom-bloom.txt')).detected).toBe(false);
  });

  it('lists a process killed twice once', () => {
    expect(parseDmesgOom(fixture('dmesg/duplicate-names.txt')).killedProcesses).toEqual(['ollama']);
  });

  it('matches the other kernel spellings of an OOM kill', () => {
    for (const line of [
      '[  12.3] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=python3,pid=77',
      '[  12.4] Memory cgroup out of memory: Killed process 77 (python3)',
      '[  12.5] oom_reaper: reaped process 77 (python3), now anon-rss:0kB',
    ]) {
      expect(parseDmesgOom(line).detected).toBe(true);
    }
  });
});

describe('probeOom through the RemoteExec port', () => {
  it('parses the filtered kernel log', async () => {
    const remote = new FakeRemoteExec().on('dmesg', { stdout: fixture('dmesg/oom-two-kills.txt') });
    const result = await probeOom(remote, TARGET);
    expect(result.ok && result.val.status === 'ok' && result.val.report.killedProcesses).toEqual(['ollama', 'python3']);
    expect(remote.commands[0]?.command).toBe(OOM_COMMAND);
  });

  it('says "unavailable" when the kernel log cannot be read, instead of "no OOM"', async () => {
    const remote = new FakeRemoteExec().on('dmesg', { stderr: 'kernel log not readable (dmesg denied)\n', exitCode: 3 });
    const result = await probeOom(remote, TARGET);
    expect(result.ok && result.val).toEqual({ status: 'unavailable', exitCode: 3, message: 'kernel log not readable (dmesg denied)' });
  });
});
