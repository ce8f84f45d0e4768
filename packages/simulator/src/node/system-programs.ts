import { posix } from 'node:path';

import { MemoryFs } from './memory-fs.js';
import { type Mount, type NodeProcess, type NodeRuntime } from './node-runtime.js';
import { asctime } from './nvidia-smi.js';
import { DPKG_LOCKS, fail, out, wait } from './program-kit.js';
import { type ExecResult, type ProgramContext } from './shell.js';

/** The programs that report the node's state (df, dmesg, fuser, stat, pgrep), flock, and its package manager (apt-get, dpkg). */

export function df(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  const args = ctx.argv.slice(1);
  let blockKiB: number | 'human' = 1;
  let suffix = '';
  let header = '1K-blocks';
  let posixFormat = false;
  let outputFields: string[] | null = null;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const blockMatch = /^-B(\d*)([KMGT]?)$/.exec(arg) ?? (arg === '-B' ? /^(\d*)([KMGT]?)$/.exec(args[++i] ?? '') : null) ?? /^--block-size=(\d*)([KMGT]?)$/.exec(arg);
    if (blockMatch) {
      const unit = blockMatch[2] ?? '';
      const scale = { '': 1 / 1024, K: 1, M: 1024, G: 1024 * 1024, T: 1024 * 1024 * 1024 }[unit] ?? 1;
      blockKiB = (Number(blockMatch[1] || '1') || 1) * scale;
      suffix = unit;
      header = `${blockMatch[1] || '1'}${unit}-blocks`;
    } else if (arg === '-h' || arg === '--human-readable') blockKiB = 'human';
    else if (arg === '-k') {
      blockKiB = 1;
      header = '1K-blocks';
    } else if (arg === '-m') {
      blockKiB = 1024;
      header = '1M-blocks';
      suffix = '';
    }
    else if (arg === '-P' || arg === '--portability') posixFormat = true;
    else if (arg.startsWith('--output')) outputFields = (arg.split('=')[1] ?? 'source,size,used,avail,pcent,target').split(',');
    else if (arg === '-x' || arg === '-l' || arg === '--local' || arg === '-a' || arg === '-T') continue;
    else if (arg.startsWith('-')) return fail(`df: invalid option -- '${arg.replace(/^-+/, '')}'\nTry 'df --help' for more information.\n`);
    else paths.push(arg);
  }
  let mounts = [...runtime.mounts()];
  if (paths.length > 0) {
    const chosen: Mount[] = [];
    for (const path of paths) {
      const target = posix.resolve(ctx.shell.resolvePath(path));
      if (!runtime.fs.stat(target)) return fail(`df: ${path}: No such file or directory\n`);
      const mount = [...mounts].filter((m) => target === m.target || target.startsWith(m.target === '/' ? '/' : `${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
      if (mount) chosen.push(mount);
    }
    mounts = chosen;
  }
  const human = (kib: number): string => {
    if (kib === 0) return '0';
    const units = ['K', 'M', 'G', 'T'];
    let value = kib;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return value < 10 ? `${(Math.ceil(value * 10) / 10).toFixed(1)}${units[unit] ?? ''}` : `${Math.ceil(value)}${units[unit] ?? ''}`;
  };
  const size = (kib: number): string => (blockKiB === 'human' ? human(kib) : `${Math.ceil(kib / blockKiB)}${suffix}`);
  const pct = (m: Mount): string => (m.sizeKiB === 0 ? '-' : `${Math.ceil((m.usedKiB / m.sizeKiB) * 100)}%`);
  if (outputFields) {
    const titles: Record<string, string> = { source: 'Filesystem', fstype: 'Type', size: blockKiB === 'human' ? 'Size' : header, used: 'Used', avail: 'Avail', pcent: 'Use%', target: 'Mounted on' };
    const value = (m: Mount, field: string): string =>
      ({ source: m.filesystem, fstype: m.type, size: size(m.sizeKiB), used: size(m.usedKiB), avail: size(m.sizeKiB - m.usedKiB), pcent: pct(m), target: m.target })[field] ?? '';
    const fields = outputFields;
    const rows = [fields.map((f) => titles[f] ?? f), ...mounts.map((m) => fields.map((f) => value(m, f)))];
    const widths = fields.map((_f, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    const leftAligned = new Set(['source', 'fstype', 'target']);
    const render = (row: readonly string[]): string =>
      row.map((cell, i) => (leftAligned.has(fields[i] ?? '') ? (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)) : cell.padStart(widths[i] ?? 0))).join(' ');
    return out(`${rows.map(render).join('\n')}\n`);
  }
  const titles = blockKiB === 'human' ? ['Filesystem', 'Size', 'Used', 'Avail', 'Use%', 'Mounted on'] : ['Filesystem', posixFormat ? header.replace('1K', '1024') : header, 'Used', 'Available', posixFormat ? 'Capacity' : 'Use%', 'Mounted on'];
  const rows = mounts.map((m) => [m.filesystem, size(m.sizeKiB), size(m.usedKiB), size(m.sizeKiB - m.usedKiB), pct(m), m.target]);
  const widths = titles.map((t, i) => Math.max(t.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(Math.max(14, widths[0] ?? 0)) : i === 5 ? c : c.padStart(widths[i] ?? 0))).join(' ');
  return out(`${[format(titles), ...rows.map(format)].join('\n')}\n`);
}

export function dmesg(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  // Ubuntu sets kernel.dmesg_restrict=1: only root may read the kernel log.
  if (!ctx.shell.isRoot) return fail('dmesg: read kernel buffer failed: Operation not permitted\n');
  const human = ctx.argv.slice(1).some((a) => a === '-T' || a === '--ctime' || /^-[a-zA-Z]*T/.test(a));
  const boot = runtime.bootedAt().getTime();
  const stamp = (offsetSec: number): string => (human ? `[${asctime(new Date(boot + offsetSec * 1000))}]` : `[${offsetSec.toFixed(6).padStart(12)}]`);
  const entries: [number, string][] = [
    [0, `Linux version ${runtime.kernelRelease} (buildd@lcy02-amd64-106) (x86_64-linux-gnu-gcc-12 (Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #132-Ubuntu SMP`],
    [0, `Command line: BOOT_IMAGE=/vmlinuz-${runtime.kernelRelease} root=/dev/vda1 ro console=ttyS0`],
    [1.204113, 'EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.'],
    [2.113020, 'nvidia: loading out-of-tree module taints kernel.'],
    [2.190843, `NVRM: loading NVIDIA UNIX x86_64 Kernel Module  ${runtime.driverVersion()}`],
    [3.402114, 'nvidia-modeset: Loading NVIDIA Kernel Mode Setting Driver for UNIX platforms'],
  ];
  const kills = runtime.oomKills();
  if (kills) {
    const uptimeSec = Math.max(60, (runtime.now().getTime() - boot) / 1000);
    kills.forEach((name, index) => {
      const at = uptimeSec - 5 * (kills.length - index);
      const pid = 2291 + index * 119;
      entries.push([at, `${name} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0`]);
      entries.push([at, `Out of memory: Killed process ${pid} (${name}) total-vm:41234567kB, anon-rss:30123456kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:61200kB oom_score_adj:0`]);
    });
  }
  return out(entries.map(([at, text]) => `${stamp(at)} ${text}\n`).join(''));
}

export function fuser(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  const paths = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (paths.length === 0) return fail('No process specification given\n');
  let stdout = '';
  let stderr = '';
  let found = false;
  for (const path of paths) {
    const target = posix.resolve(ctx.shell.resolvePath(path));
    if (!runtime.fs.stat(target)) {
      stderr += `Specified filename ${path} does not exist.\n`;
      continue;
    }
    if (!DPKG_LOCKS.includes(target)) continue;
    const holder = runtime.dpkgLockHolder();
    // fuser reads /proc/<pid>/fd, which a non-root user cannot see for root's apt: the lock
    // then looks free, exactly as on a real node (use `sudo fuser`).
    if (holder && ctx.shell.isRoot) {
      found = true;
      stderr += `${path}:`;
      stdout += ` ${holder.pid}`;
    }
  }
  if (found) stderr += '\n';
  return { stdout, stderr, code: found ? 0 : 1 };
}

/**
 * `stat [-L] -c FORMAT [--] FILE…` with %d (device), %i (inode), %n (name), %s (size), %a (octal
 * mode), %U (owner) and %F (type); without -c a short coreutils-like block. Needs no read
 * permission on the file itself, like the real one.
 */
export function stat(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  const args = ctx.argv.slice(1);
  let format: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-c' || arg === '--format') format = args[++i] ?? '';
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg === '-L' || arg === '--dereference') continue;
    else if (arg.startsWith('-') && arg !== '-') return fail(`stat: invalid option -- '${arg.replace(/^-+/, '')}'\n`, 1);
    else files.push(arg);
  }
  if (files.length === 0) return fail("stat: missing operand\nTry 'stat --help' for more information.\n", 1);
  let stdout = '';
  let stderr = '';
  for (const file of files) {
    const path = posix.resolve(ctx.shell.resolvePath(file));
    const entry = runtime.fs.stat(path);
    if (!entry) {
      stderr += `stat: cannot statx '${file}': No such file or directory\n`;
      continue;
    }
    const type = entry.kind === 'dir' ? 'directory' : entry.data.length === 0 ? 'regular empty file' : 'regular file';
    const fields: Record<string, string> = {
      d: String(MemoryFs.DEVICE),
      i: String(entry.ino),
      n: file,
      s: String(entry.data.length),
      a: (entry.mode & 0o7777).toString(8),
      U: entry.uid === 0 ? 'root' : (runtime.users().find((u) => u !== 'root') ?? 'user'),
      F: type,
    };
    stdout +=
      format === null
        ? `  File: ${file}\n  Size: ${fields.s}\tBlocks: ${Math.ceil(entry.data.length / 512)}\tIO Block: 4096\t${type}\nDevice: fd01h/${fields.d}d\tInode: ${fields.i}\tLinks: 1\n`
        : `${format.replace(/%([%a-zA-Z])/g, (whole: string, spec: string) => (spec === '%' ? '%' : (fields[spec] ?? whole)))}\n`;
  }
  return { stdout, stderr, code: stderr === '' ? 0 : 1 };
}

export async function flock(ctx: ProgramContext, runtime: NodeRuntime): Promise<ExecResult> {
  const args = ctx.argv.slice(1);
  let nonBlocking = false;
  let waitSec: number | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-n' || arg === '--nonblock') nonBlocking = true;
    else if (arg === '-w' || arg === '--timeout') waitSec = Number(args[++i] ?? '0');
    else if (arg.startsWith('-')) continue;
    else break;
  }
  const file = args[i];
  if (!file) return fail('flock: not enough arguments\n', 64);
  const target = posix.resolve(ctx.shell.resolvePath(file));
  const isLock = DPKG_LOCKS.includes(target);
  if (isLock && !ctx.shell.isRoot) return fail(`flock: cannot open lock file ${file}: Permission denied\n`, 66);
  if (!isLock && !runtime.fs.stat(target)) {
    const created = ctx.shell.env.files.writeText(target, '', true, ctx.shell.user);
    if (created) return fail(`flock: cannot open lock file ${file}: ${created.error}\n`, 66);
  }
  const deadline = nonBlocking ? Date.now() : waitSec === null ? Number.POSITIVE_INFINITY : Date.now() + waitSec * 1000;
  while (isLock && runtime.dpkgLockHolder()) {
    if (Date.now() >= deadline) return { stdout: '', stderr: '', code: 1 };
    if (!(await wait(Math.min(200, Math.max(1, deadline - Date.now())), ctx.signal))) return { stdout: '', stderr: '', code: 143 };
  }
  const rest = args.slice(i + 1);
  if (rest[0] === '-c' || rest[0] === '--command') return ctx.shell.fork().run(rest[1] ?? '', ctx.stdin);
  return rest.length > 0 ? ctx.shell.invoke(rest, ctx.stdin) : out('');
}

export function pgrep(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  const args = ctx.argv.slice(1);
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const pattern = args.find((a) => !a.startsWith('-'));
  if (pattern === undefined) return fail('pgrep: no matching criteria specified\n', 2);
  let regex: RegExp;
  try {
    regex = new RegExp(flags.includes('x') ? `^(?:${pattern})$` : pattern, flags.includes('i') ? 'i' : '');
  } catch {
    return fail(`pgrep: invalid regular expression: ${pattern}\n`, 2);
  }
  const matches = runtime.processes().filter((p) => regex.test(flags.includes('f') ? p.command : p.name));
  const line = (p: NodeProcess): string => (flags.includes('a') ? `${p.pid} ${p.command}` : flags.includes('l') ? `${p.pid} ${p.name}` : String(p.pid));
  return { stdout: matches.map((p) => `${line(p)}\n`).join(''), stderr: '', code: matches.length > 0 ? 0 : 1 };
}

export function aptGet(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  const verb = ctx.argv.slice(1).find((a) => !a.startsWith('-')) ?? '';
  if (verb === '' || verb === 'help') return out('apt 2.4.13 (amd64)\nUsage: apt-get [options] command\n');
  const lock = verb === 'update' ? '/var/lib/apt/lists/lock' : '/var/lib/dpkg/lock-frontend';
  if (!ctx.shell.isRoot) {
    return fail(`E: Could not open lock file ${lock} - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (${lock}), are you root?\n`, 100);
  }
  const holder = runtime.dpkgLockHolder();
  if (holder) {
    return fail(
      `E: Could not get lock ${lock}. It is held by process ${holder.pid} (${holder.name})\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (${lock}), is another process using it?\n`,
      100,
    );
  }
  if (verb === 'update') return out('Hit:1 http://archive.ubuntu.com/ubuntu jammy InRelease\nReading package lists... Done\n');
  return out('Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n');
}

export function dpkg(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
  const args = ctx.argv.slice(1);
  if (args.includes('-l') || args.includes('--list')) {
    const driver = runtime.driverVersion();
    const major = driver.split('.')[0] ?? '550';
    return out(
      'Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n||/ Name                 Version            Architecture Description\n+++-====================-==================-============-=================================\n' +
        `ii  nvidia-driver-${major}    ${driver}-0ubuntu1 amd64        NVIDIA driver metapackage\n` +
        `ii  nvidia-dkms-${major}      ${driver}-0ubuntu1 amd64        NVIDIA DKMS package\n` +
        'ii  openssh-server       1:8.9p1-3ubuntu0.10 amd64       secure shell (SSH) server\n',
    );
  }
  if (!ctx.shell.isRoot) return fail('dpkg: error: requested operation requires superuser privilege\n', 2);
  const holder = runtime.dpkgLockHolder();
  if (holder) {
    return fail(
      `dpkg: error: dpkg frontend lock was locked by another process with pid ${holder.pid}\nNote: removing the lock file is always wrong, and can end up damaging the\nlocked area and the entire system. See <https://wiki.debian.org/Teams/Dpkg/FAQ#db-lock>.\n`,
      2,
    );
  }
  return out('');
}
