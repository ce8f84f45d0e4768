import { posix } from 'node:path';

import { FsError, type MemoryFs } from './memory-fs.js';
import { type NodeRuntime } from './node-runtime.js';
import { asctime, runNvidiaSmi } from './nvidia-smi.js';
import { canRead, canWrite, fail, fsMessage, out, owner, readInputs, wait } from './program-kit.js';
import { type ExecResult, type Program, type ProgramContext, type ShellFileAccess } from './shell.js';
import { aptGet, df, dmesg, dpkg, flock, fuser, pgrep, stat } from './system-programs.js';
import { cat, cut, echo, grep, head, printf, tail, test, wc } from './text-programs.js';

// The node's programs live in three files: text tools (text-programs.ts), state and package tools
// (system-programs.ts), and here the process-level ones (sleep, timeout, sudo, bash…), file
// operations and the registry that puts them all on the node's PATH.
export { type Mount, type NodeProcess, type NodeRuntime } from './node-runtime.js';
export { canRead, canWrite, owner } from './program-kit.js';

/**
 * /proc/locks as the kernel prints it: an unrelated lock on tmpfs (sshd's pid file) and, while
 * apt or dpkg runs, its POSIX locks on the dpkg lock files (device fd:01, the files' inodes).
 * World-readable, like the real one.
 */
export function procLocks(fs: MemoryFs, runtime: Pick<NodeRuntime, 'dpkgLockHolder'>): string {
  const lines = ['POSIX  ADVISORY  WRITE 612 00:19:1042 0 EOF'];
  const holder = runtime.dpkgLockHolder();
  if (holder) {
    for (const lock of ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock']) {
      const entry = fs.stat(lock);
      if (entry) lines.push(`POSIX  ADVISORY  WRITE ${holder.pid} fd:01:${entry.ino} 0 EOF`);
    }
  }
  return lines.map((line, i) => `${i + 1}: ${line}\n`).join('');
}

/** File access for the shell (redirections, `cd`, scripts) with the node's permission rules. */
export function shellFileAccess(fs: MemoryFs, runtime?: Pick<NodeRuntime, 'dpkgLockHolder'>): ShellFileAccess {
  return {
    isDirectory: (path) => fs.stat(path)?.kind === 'dir',
    readText: (path, user) => {
      if (runtime && posix.resolve(path) === '/proc/locks') return procLocks(fs, runtime);
      if (!canRead(user, path)) return { error: 'Permission denied' };
      try {
        return fs.readFile(path).toString('latin1');
      } catch (err) {
        return { error: fsMessage(err) };
      }
    },
    writeText: (path, text, append, user) => {
      if (!canWrite(user, posix.resolve(path))) return { error: 'Permission denied' };
      try {
        fs.writeFile(path, Buffer.from(text, 'latin1'), { append, ...owner(user) });
        return undefined;
      } catch (err) {
        return { error: fsMessage(err) };
      }
    },
  };
}

function parseDurationMs(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
  if (!match) return null;
  const factor = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? ''] ?? 1000;
  return Number(match[1]) * factor;
}


const sleep: Program = async (ctx) => {
  const total = ctx.argv.slice(1).reduce<number | null>((sum, arg) => {
    const ms = parseDurationMs(arg);
    return sum === null || ms === null ? null : sum + ms;
  }, 0);
  if (total === null || ctx.argv.length < 2) return fail(`sleep: invalid time interval '${ctx.argv[1] ?? ''}'\n`);
  return (await wait(total, ctx.signal)) ? out('') : { stdout: '', stderr: '', code: 143 };
};

const timeout: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let i = 0;
  while (args[i]?.startsWith('-')) i += args[i] === '-s' || args[i] === '-k' ? 2 : 1;
  const ms = parseDurationMs(args[i] ?? '');
  if (ms === null) return fail(`timeout: invalid time interval '${args[i] ?? ''}'\n`, 125);
  const controller = new AbortController();
  const child = ctx.shell.fork(ctx.shell.user, AbortSignal.any([ctx.signal, controller.signal]));
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const result = await child.invoke(args.slice(i + 1), ctx.stdin);
    return controller.signal.aborted ? { ...result, code: 124 } : result;
  } finally {
    clearTimeout(timer);
  }
};

const sudo: Program = (ctx) => {
  const args = ctx.argv.slice(1);
  let user = 'root';
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-u') user = args[++i] ?? 'root';
    else if (!arg.startsWith('-')) break;
  }
  const rest = args.slice(i);
  if (rest.length === 0) return fail('usage: sudo -h | -K | -k | -V\n');
  return ctx.shell.fork(user).invoke(rest, ctx.stdin);
};

const bash: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const commandIndex = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  if (commandIndex >= 0) return ctx.shell.fork().run(args[commandIndex + 1] ?? '', ctx.stdin);
  const file = args.find((a) => !a.startsWith('-'));
  if (!file) return ctx.shell.fork().run(ctx.stdin);
  const text = ctx.shell.env.files.readText(ctx.shell.resolvePath(file), ctx.shell.user);
  if (typeof text !== 'string') return fail(`${ctx.argv[0] ?? 'bash'}: ${file}: ${text.error}\n`, 127);
  return ctx.shell.fork().run(text.replace(/^#!.*\n/, ''), ctx.stdin);
};

/** `nohup`, `setsid`, `exec`, `env VAR=x cmd`, `command cmd`: run what follows. */
const passthrough: Program = (ctx) => {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === 'env' || ctx.argv[0] === 'command') {
    if (ctx.argv[0] === 'command' && (args[0] === '-v' || args[0] === '-V')) {
      const which = ctx.shell.env.programs.get('which');
      return which ? which({ ...ctx, argv: ['command', ...args.slice(1)] }) : fail('', 1);
    }
    while (args[0] && (args[0].startsWith('-') || (ctx.argv[0] === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[0])))) args = args.slice(1);
    if (ctx.argv[0] === 'env' && args.length === 0) {
      return out([...ctx.shell.vars.entries()].map(([k, v]) => `${k}=${v}\n`).join(''));
    }
  } else {
    while (args[0]?.startsWith('-')) args = args.slice(1);
  }
  if (args.length === 0) return out('');
  return ctx.shell.invoke(args, ctx.stdin);
};

const BUILTINS = new Set(['cd', 'exit', 'export', 'set', 'true', 'false', ':', 'pwd']);

/** `which` and `command -v`: every simulated program lives in /usr/bin. */
function makeWhich(programs: ReadonlyMap<string, Program>): Program {
  return (ctx) => {
    const names = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    const viaCommand = ctx.argv[0] === 'command';
    let code = 0;
    let stdout = '';
    for (const name of names) {
      if (programs.has(name)) stdout += `/usr/bin/${name}\n`;
      else if (viaCommand && BUILTINS.has(name)) stdout += `${name}\n`;
      else code = 1;
    }
    return { stdout, stderr: '', code };
  };
}

function withFs(ctx: ProgramContext, tool: string, action: (fs: MemoryFs) => ExecResult, runtime: NodeRuntime): ExecResult {
  try {
    return action(runtime.fs);
  } catch (err) {
    if (err instanceof FsError) return fail(`${tool}: cannot access '${err.path}': ${fsMessage(err)}\n`);
    throw err;
  }
}

function mode(text: string): string {
  const bits = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'];
  return text
    .split('')
    .map((d) => bits[Number(d)] ?? '---')
    .join('');
}

export function createPrograms(runtime: NodeRuntime): Map<string, Program> {
  const programs = new Map<string, Program>();
  const user = (ctx: ProgramContext): string => ctx.shell.user;
  const abs = (ctx: ProgramContext, path: string): string => posix.resolve(ctx.shell.resolvePath(path));
  const denied = (ctx: ProgramContext, tool: string, path: string): ExecResult | null =>
    canWrite(user(ctx), abs(ctx, path)) ? null : fail(`${tool}: cannot create '${path}': Permission denied\n`);

  programs.set('nvidia-smi', (ctx) => runNvidiaSmi(ctx.argv.slice(1), runtime.nvidiaState()));
  programs.set('echo', echo);
  programs.set('printf', printf);
  programs.set('cat', cat);
  programs.set('grep', grep);
  programs.set('egrep', (ctx) => grep({ ...ctx, argv: ['grep', '-E', ...ctx.argv.slice(1)] }));
  programs.set('head', head);
  programs.set('tail', tail);
  programs.set('wc', wc);
  programs.set('cut', cut);
  programs.set('test', test);
  programs.set('[', test);
  programs.set('sleep', sleep);
  programs.set('timeout', timeout);
  programs.set('sudo', sudo);
  programs.set('bash', bash);
  programs.set('sh', bash);
  for (const name of ['nohup', 'setsid', 'exec', 'env', 'command']) programs.set(name, passthrough);
  programs.set('which', makeWhich(programs));
  programs.set('whoami', (ctx) => out(`${user(ctx)}\n`));
  programs.set('id', (ctx) =>
    out(user(ctx) === 'root' ? 'uid=0(root) gid=0(root) groups=0(root)\n' : `uid=1000(${user(ctx)}) gid=1000(${user(ctx)}) groups=1000(${user(ctx)}),27(sudo)\n`),
  );
  programs.set('hostname', (ctx) => out(ctx.argv[1] === '-I' ? '127.0.0.1 \n' : `${runtime.hostname}\n`));
  programs.set('nproc', () => out(`${runtime.cpuCount}\n`));
  programs.set('uname', (ctx) => {
    const flag = ctx.argv[1] ?? '-s';
    if (flag === '-r') return out(`${runtime.kernelRelease}\n`);
    if (flag === '-m') return out('x86_64\n');
    if (flag === '-n') return out(`${runtime.hostname}\n`);
    if (flag === '-a') return out(`Linux ${runtime.hostname} ${runtime.kernelRelease} #132-Ubuntu SMP Thu Aug 29 13:45:52 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n`);
    return out('Linux\n');
  });
  programs.set('date', (ctx) => {
    const now = runtime.now();
    const format = ctx.argv.slice(1).find((a) => a.startsWith('+'));
    if (!format) return out(`${asctime(now).replace(/ (\d{4})$/, ' UTC $1')}\n`);
    const pad = (n: number): string => String(n).padStart(2, '0');
    const iso = now.toISOString();
    const text = format.slice(1).replace(/%([sYmdHMSFT%])/g, (_m, c: string) => {
      switch (c) {
        case 's':
          return String(Math.floor(now.getTime() / 1000));
        case 'Y':
          return String(now.getUTCFullYear());
        case 'm':
          return pad(now.getUTCMonth() + 1);
        case 'd':
          return pad(now.getUTCDate());
        case 'H':
          return pad(now.getUTCHours());
        case 'M':
          return pad(now.getUTCMinutes());
        case 'S':
          return pad(now.getUTCSeconds());
        case 'F':
          return iso.slice(0, 10);
        case 'T':
          return iso.slice(11, 19);
        default:
          return '%';
      }
    });
    return out(`${text}\n`);
  });
  programs.set('uptime', () => {
    const now = runtime.now();
    const minutes = Math.max(0, Math.floor((now.getTime() - runtime.bootedAt().getTime()) / 60_000));
    return out(` ${now.toISOString().slice(11, 19)} up ${minutes} min,  1 user,  load average: 0.00, 0.01, 0.00\n`);
  });

  programs.set('df', (ctx) => df(ctx, runtime));
  programs.set('dmesg', (ctx) => dmesg(ctx, runtime));
  programs.set('fuser', (ctx) => fuser(ctx, runtime));
  programs.set('flock', (ctx) => flock(ctx, runtime));
  programs.set('stat', (ctx) => stat(ctx, runtime));
  programs.set('pgrep', (ctx) => pgrep(ctx, runtime));
  programs.set('ps', () => {
    const header = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n';
    return out(header + runtime.processes().map((p) => `${p.user.padEnd(8)} ${String(p.pid).padStart(7)}  0.0  0.1  10000  5000 ?        Ss   00:00   0:00 ${p.command}\n`).join(''));
  });
  for (const name of ['apt-get', 'apt']) programs.set(name, (ctx) => aptGet(ctx, runtime));
  programs.set('dpkg', (ctx) => dpkg(ctx, runtime));

  programs.set('ls', (ctx) =>
    withFs(ctx, 'ls', (fs) => {
      const flags = ctx.argv.slice(1).filter((a) => a.startsWith('-')).join('');
      const paths = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
      let stdout = '';
      let stderr = '';
      let code = 0;
      for (const path of paths.length ? paths : ['.']) {
        const target = abs(ctx, path);
        const entry = fs.stat(target);
        if (!entry || !canRead(user(ctx), target)) {
          stderr += `ls: cannot access '${path}': ${entry ? 'Permission denied' : 'No such file or directory'}\n`;
          code = 2;
          continue;
        }
        const names = entry.kind === 'dir' ? fs.readdir(target).filter((n) => flags.includes('a') || !n.startsWith('.')) : [path];
        for (const name of names) {
          if (!flags.includes('l')) {
            stdout += `${name}\n`;
            continue;
          }
          const item = entry.kind === 'dir' ? fs.stat(posix.join(target, name)) : entry;
          if (!item) continue;
          const owner = item.uid === 0 ? 'root' : user(ctx);
          const stamp = asctime(new Date(item.mtimeMs)).slice(4, 16);
          stdout += `${item.kind === 'dir' ? 'd' : '-'}${mode((item.mode & 0o777).toString(8).padStart(3, '0'))} 1 ${owner} ${owner} ${String(item.data.length).padStart(8)} ${stamp} ${name}\n`;
        }
      }
      return { stdout, stderr, code };
    }, runtime),
  );
  programs.set('mkdir', (ctx) =>
    withFs(ctx, 'mkdir', (fs) => {
      const recursive = ctx.argv.slice(1).some((a) => a === '-p' || a === '--parents');
      for (const path of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const refusal = denied(ctx, 'mkdir', path);
        if (refusal) return refusal;
        if (fs.stat(abs(ctx, path)) && !recursive) return fail(`mkdir: cannot create directory '${path}': File exists\n`);
        fs.mkdir(abs(ctx, path), { recursive, ...owner(user(ctx)) });
      }
      return out('');
    }, runtime),
  );
  programs.set('touch', (ctx) =>
    withFs(ctx, 'touch', (fs) => {
      for (const path of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const refusal = denied(ctx, 'touch', path);
        if (refusal) return refusal;
        fs.writeFile(abs(ctx, path), Buffer.alloc(0), { append: true, ...owner(user(ctx)) });
      }
      return out('');
    }, runtime),
  );
  programs.set('rm', (ctx) =>
    withFs(ctx, 'rm', (fs) => {
      const flags = ctx.argv.slice(1).filter((a) => a.startsWith('-')).join('');
      for (const path of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const target = abs(ctx, path);
        const entry = fs.stat(target);
        if (!entry) {
          if (flags.includes('f')) continue;
          return fail(`rm: cannot remove '${path}': No such file or directory\n`);
        }
        if (!canWrite(user(ctx), target)) return fail(`rm: cannot remove '${path}': Permission denied\n`);
        if (entry.kind === 'dir') {
          if (!/[rR]/.test(flags)) return fail(`rm: cannot remove '${path}': Is a directory\n`);
          fs.rmdir(target, { recursive: true });
        } else fs.remove(target);
      }
      return out('');
    }, runtime),
  );
  programs.set('mv', (ctx) =>
    withFs(ctx, 'mv', (fs) => {
      const [from, to] = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
      if (!from || !to) return fail('mv: missing file operand\n');
      const dest = fs.stat(abs(ctx, to))?.kind === 'dir' ? posix.join(abs(ctx, to), posix.basename(from)) : abs(ctx, to);
      if (!canWrite(user(ctx), abs(ctx, from)) || !canWrite(user(ctx), dest)) return fail(`mv: cannot move '${from}' to '${to}': Permission denied\n`);
      fs.rename(abs(ctx, from), dest);
      return out('');
    }, runtime),
  );
  programs.set('cp', (ctx) =>
    withFs(ctx, 'cp', (fs) => {
      const [from, to] = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
      if (!from || !to) return fail('cp: missing file operand\n');
      const dest = fs.stat(abs(ctx, to))?.kind === 'dir' ? posix.join(abs(ctx, to), posix.basename(from)) : abs(ctx, to);
      if (!canRead(user(ctx), abs(ctx, from))) return fail(`cp: cannot open '${from}' for reading: Permission denied\n`);
      if (!canWrite(user(ctx), dest)) return fail(`cp: cannot create regular file '${to}': Permission denied\n`);
      fs.writeFile(dest, Buffer.from(fs.readFile(abs(ctx, from))), owner(user(ctx)));
      return out('');
    }, runtime),
  );
  const chmodLike = (tool: string): Program => (ctx) =>
    withFs(ctx, tool, (fs) => {
      const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
      const [spec, ...paths] = args;
      for (const path of paths) {
        const entry = fs.stat(abs(ctx, path));
        if (!entry) return fail(`${tool}: cannot access '${path}': No such file or directory\n`);
        if (!canWrite(user(ctx), abs(ctx, path))) return fail(`${tool}: changing permissions of '${path}': Operation not permitted\n`);
        if (tool === 'chmod' && spec && /^[0-7]{3,4}$/.test(spec)) entry.mode = Number.parseInt(spec, 8);
        else if (tool === 'chmod' && spec?.includes('+x')) entry.mode |= 0o111;
      }
      return out('');
    }, runtime);
  programs.set('chmod', chmodLike('chmod'));
  programs.set('chown', chmodLike('chown'));
  programs.set('base64', (ctx) => {
    const decode = ctx.argv.slice(1).some((a) => a === '-d' || a === '--decode');
    const input = readInputs(ctx, ctx.argv.slice(1).filter((a) => !a.startsWith('-')), 'base64');
    if (input.code !== 0) return { stdout: '', stderr: input.errors, code: input.code };
    if (decode) return out(Buffer.from(input.text.replace(/\s+/g, ''), 'base64').toString('latin1'));
    const encoded = Buffer.from(input.text, 'latin1').toString('base64');
    return out(`${(encoded.match(/.{1,76}/g) ?? ['']).join('\n')}\n`);
  });
  return programs;
}
