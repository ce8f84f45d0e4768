import { fail, lines, out, readInputs } from './program-kit.js';
import { type ExecResult, type Program, type ShellSession } from './shell.js';

/** The text tools of the node's shell (grep, head, tail, cat, wc, cut, echo, printf, test), as coreutils and grep behave. */

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

export const grep: Program = (ctx) => {
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

export const head: Program = (ctx) => {
  const parsed = lineCountArg(ctx.argv.slice(1), 'head');
  if ('code' in parsed) return parsed;
  const input = readInputs(ctx, parsed.files, 'head');
  return { stdout: lines(input.text).slice(0, parsed.count).map((l) => `${l}\n`).join(''), stderr: input.errors, code: input.code };
};

export const tail: Program = (ctx) => {
  const parsed = lineCountArg(ctx.argv.slice(1), 'tail');
  if ('code' in parsed) return parsed;
  const input = readInputs(ctx, parsed.files, 'tail');
  const all = lines(input.text);
  const chosen = parsed.fromStart ? all.slice(Math.max(0, parsed.count - 1)) : parsed.count === 0 ? [] : all.slice(-parsed.count);
  return { stdout: chosen.map((l) => `${l}\n`).join(''), stderr: input.errors, code: input.code };
};

export const cat: Program = (ctx) => {
  const input = readInputs(ctx, ctx.argv.slice(1).filter((a) => a === '-' || !a.startsWith('-')), 'cat');
  return { stdout: input.text, stderr: input.errors, code: input.code };
};

export const wc: Program = (ctx) => {
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

export const cut: Program = (ctx) => {
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

export const echo: Program = (ctx) => {
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

export const printf: Program = (ctx) => {
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

export const test: Program = (ctx) => {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === '[') {
    if (args[args.length - 1] !== ']') return fail("bash: line 1: [: missing `]'\n", 2);
    args = args.slice(0, -1);
  }
  return { stdout: '', stderr: '', code: testExpression(args, ctx.shell) ? 0 : 1 };
};
