import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { fixture } from '../test-support/fixtures.js';
import { DISK_COMMAND, describeDisk, parseDfOutput, probeDisk } from './disk.js';

const TARGET = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };

describe('parseDfOutput (bench-ssh-ops §B.8 samples)', () => {
  it('reads a Vast container: overlay root and a full /boot/efi that is not "low disk"', () => {
    const disk = parseDfOutput(fixture('df/vast-overlay-boot-efi.txt'));
    expect(disk.mounts).toEqual([
      { filesystem: 'overlay', totalGib: 440, usedGib: 128, availableGib: 290, usePercent: 31, mountPoint: '/' },
      { filesystem: '/dev/sda1', totalGib: 1, usedGib: 1, availableGib: 0, usePercent: 100, mountPoint: '/boot/efi' },
    ]);
    expect(disk.availableGib).toBe(290);
    // upstream said IsLow = true here (any mount above 90%): the false positive §E.4 asks to fix
    expect(disk.low).toBe(false);
    expect(disk.lowMounts).toEqual([]);
  });

  it('reads / and /data as written, free space from /', () => {
    const disk = parseDfOutput(fixture('df/two-mounts.txt'));
    expect(disk.mounts.map((m) => [m.mountPoint, m.totalGib, m.usedGib, m.availableGib, m.usePercent])).toEqual([
      ['/', 100, 45, 50, 45],
      ['/data', 500, 200, 280, 40],
    ]);
    expect(disk.availableGib).toBe(50);
    expect(disk.low).toBe(false);
  });

  it('accepts sizes without the G suffix', () => {
    expect(parseDfOutput(fixture('df/no-g-suffix.txt')).mounts).toEqual([{ filesystem: '/dev/sda1', totalGib: 50, usedGib: 20, availableGib: 28, usePercent: 40, mountPoint: '/' }]);
  });

  it('finds no mounts in a header-only or empty output', () => {
    expect(parseDfOutput(fixture('df/header-only.txt'))).toEqual({ mounts: [], availableGib: null, lowMounts: [], low: false });
    expect(parseDfOutput('').mounts).toEqual([]);
    expect(describeDisk(parseDfOutput(''))).toBe('no mounts');
  });

  it('flags / above 90% (strictly) as low', () => {
    const at90 = parseDfOutput('/dev/sda1 100G 90G 10G 90% /\n');
    const at91 = parseDfOutput('/dev/sda1 100G 91G 9G 91% /\n/dev/sdb1 1G 1G 0G 100% /boot\n');
    expect(at90.low).toBe(false);
    expect(at91.lowMounts).toEqual(['/']);
  });

  it('keeps mount points with spaces, skips memory-backed filesystems, uses the largest free space without /', () => {
    const disk = parseDfOutput('tmpfs 63G 0G 63G 0% /dev/shm\n/dev/sdb1 900G 100G 800G 12% /mnt/my data\n/dev/sdc1 100G 1G 99G 1% /scratch\n');
    expect(disk.mounts.map((m) => m.mountPoint)).toEqual(['/mnt/my data', '/scratch']);
    expect(disk.availableGib).toBe(800);
  });
});

describe('probeDisk through the RemoteExec port', () => {
  it('runs df in POSIX format and parses it', async () => {
    const remote = new FakeRemoteExec().on(DISK_COMMAND, { stdout: fixture('df/two-mounts.txt') });
    const result = await probeDisk(remote, TARGET);
    expect(result.ok && result.val.status === 'ok' && result.val.disk.availableGib).toBe(50);
    expect(remote.commands.map((c) => c.command)).toEqual(['df -P -BG']);
  });

  it('still reports mounts when df exits 1 for one unreadable filesystem', async () => {
    const remote = new FakeRemoteExec().on(DISK_COMMAND, { stdout: fixture('df/two-mounts.txt'), stderr: "df: /mnt/gone: Transport endpoint is not connected\n", exitCode: 1 });
    const result = await probeDisk(remote, TARGET);
    expect(result.ok && result.val.status).toBe('ok');
  });

  it('reports a failing df with nothing parsed as failed', async () => {
    const remote = new FakeRemoteExec().on(DISK_COMMAND, { stderr: 'df: unrecognized option\n', exitCode: 1 });
    const result = await probeDisk(remote, TARGET);
    expect(result.ok && result.val).toEqual({ status: 'failed', exitCode: 1, message: 'df: unrecognized option' });
  });
});
