import { posix } from 'node:path';

import { FsError, MemoryFs } from './memory-fs.js';
import { asctime, runNvidiaSmi, type NvidiaSmiState } from './nvidia-smi.js';
import { type ExecResult, type Program, type ProgramContext, type ShellFileAccess, type ShellSession } from './shell.js';

export interface Mount {
  readonly filesystem: string;
  readonly type: string;
  readonly sizeKiB: number;
  readonly usedKiB: number;
  readonly target: string;
}

export interface NodeProcess {
  readonly pid: number;
  readonly user: string;
  readonly name: string;
  readonly command: string;
}

/** The live facts programs read from the node; calls that consult a fault consume one fire. */
export interface NodeRuntime {
  readonly hostname: string;
  readonly kernelRelease: string;
  readonly cpuCount: number;
  readonly fs: MemoryFs;
  /** When the node booted (dmesg and uptime count from here). */
  bootedAt(): Date;
  now(): Date;
  /** The loaded driver's version (does not consult faults). */
  driverVersion(): string;
  /** The GPU state for one nvidia-smi run; consumes an `nvidia_smi_fail` fire when one matches. */
  nvidiaState(): NvidiaSmiState;
  /** The process holding the dpkg lock (boot-time dist-upgrade or a fault), or null. */
  dpkgLockHolder(): NodeProcess | null;
  processes(): readonly NodeProcess[];
  /** Names of processes the OOM killer took (fault-driven), or null for a clean kernel log. */
  oomKills(): readonly string[] | null;
  mounts(): readonly Mount[];
  /** Users that exist on the node (login users plus root). */
  users(): readonly string[];
}

const DPKG_LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'];

function out(stdout: string, code = 0): ExecResult {
  return { stdout, stderr: '', code };
}

function fail(stderr: string, code = 1): ExecResult {
  return { stdout: '', stderr, code };
}

/** Home and temp folders are writable by their user; everything else needs root, as on a VM. */
export function canWrite(user: string, path: string): boolean {
  if (user === 'root') return true;
  const home = `/home/${user}`;
  return [home, '/tmp', '/var/tmp', '/dev/shm'].some((dir) => path === dir || path.startsWith(`${dir}/`));
}

export function canRead(user: string, path: string): boolean {
  if (user === 'root') return true;
  if (path === '/root' || path.startsWith('/root/')) return false;
  return !DPKG_LOCKS.includes(path);
}

const FS_MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOSPC: 'No space left on device',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
};

function fsMessage(err: unknown): string {
  if (err instanceof FsError) return FS_MESSAGES[err.code] ?? err.code;
  throw err;
}

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

export function owner(user: string): { uid: number; gid: number } {
  return user === 'root' ? { uid: 0, gid: 0 } : { uid: 1000, gid: 1000 };
}

/** Reads the named files (or stdin when none / `-`), reporting missing files like coreutils. */
function readInputs(ctx: ProgramContext, files: readonly string[], tool: string): { text: string; errors: string; code: number } {
  if (files.length === 0) return { text: ctx.stdin, errors: '', code: 0 };
  let text = '';
  let errors = '';
  let code = 0;
  for (const file of files) {
    if (file === '-') {
      text += ctx.stdin;
      continue;
    }
    const content = ctx.shell.env.files.readText(ctx.shell.resolvePath(file), ctx.shell.user);
    if (typeof content === 'string') text += content;
    else {
      errors += `${tool}: ${file}: ${content.error}\n`;
      code = tool === 'grep' ? 2 : 1;
    }
  }
  return { text, errors, code };
}

function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** POSIX basic regular expressions (grep's default) to JavaScript syntax. */
function breToJs(pattern: string): string {
  let result = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i] ?? '';
      result += '|(){}+?'.includes(next) ? next : `\\${next}`;
    } else if ('|(){}+?'.includes(c)) {
      result += `\\${c}`;
    } else {
      result += c;
    }
  }
  return result;
}

function posixClasses(pattern: string): string {
  return pattern
    .replace(/\[:alpha:\]/g, 'a-zA-Z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:alnum:\]/g, 'a-zA-Z0-9')
    .replace(/\[:upper:\]/g, 'A-Z')
    .replace(/\[:lower:\]/g, 'a-z')
    .replace(/\[:space:\]/g, '\\s');
}

const grep: Program = (ctx) => {
  let quiet = false;
  let invert = false;
  let ignoreCase = false;
  let extended = false;
  let fixed = false;
  let countOnly = false;
  let onlyMatching = false;
  const patterns: string[] = [];
  const files: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-e') patterns.push(args[++i] ?? '');
    else if (arg === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    else if (/^-[a-zA-Z]+$/.test(arg)) {
      for (const flag of arg.slice(1)) {
        if (flag === 'q' || flag === 's') quiet = quiet || flag === 'q';
        else if (flag === 'v') invert = true;
        else if (flag === 'i') ignoreCase = true;
        else if (flag === 'E') extended = true;
        else if (flag === 'F') fixed = true;
        else if (flag === 'c') countOnly = true;
        else if (flag === 'o') onlyMatching = true;
        else return fail(`grep: invalid option -- '${flag}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n`, 2);
      }
    } else if (patterns.length === 0 && !args.slice(0, i).includes('-e')) patterns.push(arg);
    else files.push(arg);
  }
  if (patterns.length === 0) return fail('Usage: grep [OPTION]... PATTERNS [FILE]...\n', 2);
  let regex: RegExp;
  try {
    const sources = patterns.map((p) => (fixed ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : posixClasses(extended ? p : breToJs(p))));
    regex = new RegExp(sources.join('|'), ignoreCase ? 'gi' : 'g');
  } catch {
    return fail('grep: Invalid regular expression\n', 2);
  }
  const input = readInputs(ctx, files, 'grep');
  const matched = lines(input.text).filter((line) => {
    regex.lastIndex = 0;
    return regex.test(line) !== invert;
  });
  const code = input.code === 2 && matched.length === 0 ? 2 : matched.length > 0 ? 0 : 1;
  if (quiet) return { stdout: '', stderr: input.errors, code: matched.length > 0 ? 0 : code };
  if (countOnly) return { stdout: `${matched.length}\n`, stderr: input.errors, code };
  if (onlyMatching && !invert) {
    const parts = matched.flatMap((line) => [...line.matchAll(regex)].map((m) => m[0]));
    return { stdout: parts.map((p) => `${p}\n`).join(''), stderr: input.errors, code };
  }
  return { stdout: matched.map((l) => `${l}\n`).join(''), stderr: input.errors, code };
};

function lineCountArg(args: readonly string[], tool: string): { count: number; files: string[]; fromStart: boolean } | ExecResult {
  let count = 10;
  let fromStart = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = arg === '-n' ? args[++i] : arg.startsWith('-n') ? arg.slice(2) : /^-\d+$/.test(arg) ? arg.slice(1) : undefined;
    if (value !== undefined) {
      fromStart = value.startsWith('+');
      count = Number.parseInt(value.replace(/^\+/, ''), 10);
      if (!Number.isFinite(count)) return fail(`${tool}: invalid number of lines: '${value}'\n`);
    } else files.push(arg);
  }
  return { count, files, fromStart };
}

const head: Program = (ctx) => {
  const parsed = lineCountArg(ctx.argv.slice(1), 'head');
  if ('code' in parsed) return parsed;
  const input = readInputs(ctx, parsed.files, 'head');
  return { stdout: lines(input.text).slice(0, parsed.count).map((l) => `${l}\n`).join(''), stderr: input.errors, code: input.code };
};

const tail: Program = (ctx) => {
  const parsed = lineCountArg(ctx.argv.slice(1), 'tail');
  if ('code' in parsed) return parsed;
  const input = readInputs(ctx, parsed.files, 'tail');
  const all = lines(input.text);
  const chosen = parsed.fromStart ? all.slice(Math.max(0, parsed.count - 1)) : parsed.count === 0 ? [] : all.slice(-parsed.count);
  return { stdout: chosen.map((l) => `${l}\n`).join(''), stderr: input.errors, code: input.code };
};

const cat: Program = (ctx) => {
  const input = readInputs(ctx, ctx.argv.slice(1).filter((a) => a === '-' || !a.startsWith('-')), 'cat');
  return { stdout: input.text, stderr: input.errors, code: input.code };
};

const wc: Program = (ctx) => {
  const flags = ctx.argv.slice(1).filter((a) => a.startsWith('-') && a !== '-');
  const files = ctx.argv.slice(1).filter((a) => !a.startsWith('-') || a === '-');
  const input = readInputs(ctx, files, 'wc');
  const lineCount = (input.text.match(/\n/g) ?? []).length;
  const words = input.text.split(/\s+/).filter((w) => w !== '').length;
  const bytes = input.text.length;
  const wanted = flags.join('');
  const fields: number[] = [];
  if (wanted === '' || wanted.includes('l')) fields.push(lineCount);
  if (wanted === '' || wanted.includes('w')) fields.push(words);
  if (wanted === '' || wanted.includes('c')) fields.push(bytes);
  const text = fields.length === 1 ? String(fields[0]) : fields.map((n) => String(n).padStart(7)).join(' ');
  return { stdout: `${text}${files[0] && files[0] !== '-' ? ` ${files[0]}` : ''}\n`, stderr: input.errors, code: input.code };
};

const cut: Program = (ctx) => {
  let delimiter = '\t';
  let fieldSpec = '';
  const files: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-d') delimiter = args[++i] ?? '\t';
    else if (arg.startsWith('-d')) delimiter = arg.slice(2);
    else if (arg === '-f') fieldSpec = args[++i] ?? '';
    else if (arg.startsWith('-f')) fieldSpec = arg.slice(2);
    else files.push(arg);
  }
  if (!fieldSpec) return fail('cut: you must specify a list of bytes, characters, or fields\n');
  const wanted = new Set<number>();
  for (const range of fieldSpec.split(',')) {
    const [from, to] = range.split('-');
    const start = Number.parseInt(from || '1', 10);
    const end = range.includes('-') ? (to ? Number.parseInt(to, 10) : 1000) : start;
    for (let f = start; f <= end; f++) wanted.add(f);
  }
  const input = readInputs(ctx, files, 'cut');
  const result = lines(input.text).map((line) => {
    const parts = line.split(delimiter);
    if (parts.length === 1) return line;
    return parts.filter((_, index) => wanted.has(index + 1)).join(delimiter);
  });
  return { stdout: result.map((l) => `${l}\n`).join(''), stderr: input.errors, code: input.code };
};

function unescape(text: string): string {
  return text.replace(/\\(n|t|\\|r|a|0)/g, (_m, c: string) => ({ n: '\n', t: '\t', '\\': '\\', r: '\r', a: '\u0007', 0: '\0' })[c] ?? c);
}

const echo: Program = (ctx) => {
  let args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    if (args[0].includes('e')) escapes = true;
    args = args.slice(1);
  }
  const text = args.join(' ');
  return out((escapes ? unescape(text) : text) + (newline ? '\n' : ''));
};

const printf: Program = (ctx) => {
  const [format, ...args] = ctx.argv.slice(1);
  if (format === undefined) return fail('printf: usage: printf format [arguments]\n', 2);
  let output = '';
  let index = 0;
  do {
    output += unescape(format).replace(/%([%sdb])/g, (_m, spec: string) => {
      if (spec === '%') return '%';
      const value = args[index++] ?? '';
      if (spec === 'd') return String(Number.parseInt(value || '0', 10) || 0);
      return spec === 'b' ? unescape(value) : value;
    });
  } while (index < args.length && /%[sdb]/.test(format));
  return out(output);
};

function testExpression(args: readonly string[], shell: ShellSession): boolean {
  if (args[0] === '!') return !testExpression(args.slice(1), shell);
  if (args.length === 0) return false;
  if (args.length === 1) return (args[0] ?? '') !== '';
  if (args.length === 2) {
    const [op, operand = ''] = args;
    const path = shell.resolvePath(operand);
    const entry = shell.env.files.isDirectory(path) ? 'dir' : typeof shell.env.files.readText(path, 'root') === 'string' ? 'file' : null;
    switch (op) {
      case '-z':
        return operand === '';
      case '-n':
        return operand !== '';
      case '-f':
        return entry === 'file';
      case '-d':
        return entry === 'dir';
      case '-e':
      case '-r':
      case '-w':
      case '-x':
        return entry !== null;
      case '-s': {
        const text = shell.env.files.readText(path, 'root');
        return typeof text === 'string' && text.length > 0;
      }
      case undefined:
      default:
        return false;
    }
  }
  const [left = '', op, right = ''] = args;
  const l = Number(left);
  const r = Number(right);
  switch (op) {
    case '=':
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '-eq':
      return l === r;
    case '-ne':
      return l !== r;
    case '-lt':
      return l < r;
    case '-le':
      return l <= r;
    case '-gt':
      return l > r;
    case '-ge':
      return l >= r;
    case undefined:
    default:
      return false;
  }
}

const test: Program = (ctx) => {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === '[') {
    if (args[args.length - 1] !== ']') return fail("bash: line 1: [: missing `]'\n", 2);
    args = args.slice(0, -1);
  }
  return { stdout: '', stderr: '', code: testExpression(args, ctx.shell) ? 0 : 1 };
};

function parseDurationMs(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
  if (!match) return null;
  const factor = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? ''] ?? 1000;
  return Number(match[1]) * factor;
}

/** Waits `ms` unless the session is cancelled (channel closed, signal, `timeout`). */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
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
    if (err instanceof FsError) return fail(`${tool}: cannot access '${err.path}': ${FS_MESSAGES[err.code] ?? err.code}\n`);
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

function df(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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

function dmesg(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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

function fuser(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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
function stat(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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

async function flock(ctx: ProgramContext, runtime: NodeRuntime): Promise<ExecResult> {
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

function pgrep(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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

function aptGet(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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

function dpkg(ctx: ProgramContext, runtime: NodeRuntime): ExecResult {
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
