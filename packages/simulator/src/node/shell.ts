/**
 * A small POSIX-shell subset, enough for the command lines the project and its consumers send to a
 * GPU node: `;`, `&&`, `||`, pipes, `( … )`, `!`, quoting, `$VAR`/`$?`/`$(…)`, `~`, `VAR=x cmd`, and
 * the redirections `>`, `>>`, `<`, `2>`, `2>&1`, `>&2`, `&>`. Commands run to completion and their
 * output is buffered (no streaming), which suits probes and short scripts. Background jobs (`&`)
 * are accepted and not run: nothing on a fake node would observe them.
 */

type WordPart =
  | { readonly kind: 'lit'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'var'; readonly name: string; readonly quoted: boolean }
  | { readonly kind: 'sub'; readonly script: string; readonly quoted: boolean };

type Word = readonly WordPart[];

type OpToken = '&&' | '||' | '|' | ';' | '&' | '(' | ')';

type Token =
  | { readonly type: 'word'; readonly word: Word }
  | { readonly type: 'op'; readonly op: OpToken }
  | { readonly type: 'redir'; readonly fd: 0 | 1 | 2 | 'both'; readonly op: '>' | '>>' | '<' | 'dup'; readonly dupFd?: 1 | 2 };

interface Redirect {
  readonly fd: 0 | 1 | 2 | 'both';
  readonly op: '>' | '>>' | '<' | 'dup';
  readonly target?: Word;
  readonly dupFd?: 1 | 2;
}

type Command =
  | { readonly type: 'simple'; readonly assignments: readonly (readonly [string, Word])[]; readonly words: readonly Word[]; readonly redirects: readonly Redirect[] }
  | { readonly type: 'subshell'; readonly list: CommandList; readonly redirects: readonly Redirect[] };

interface Pipeline {
  readonly negate: boolean;
  readonly commands: readonly Command[];
}

interface CommandList {
  readonly items: readonly { readonly pipeline: Pipeline; readonly separator: '&&' | '||' | ';' | '&' }[];
}

export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const SPECIAL = new Set(['|', '&', ';', '(', ')', '<', '>']);

/** Reads a `$…` expansion starting at `s[i] === '$'`; returns the part and the index after it. */
function readDollar(s: string, i: number, quoted: boolean): [WordPart, number] {
  const next = s[i + 1];
  if (next === '(') {
    let depth = 1;
    let j = i + 2;
    let quote: string | null = null;
    for (; j < s.length && depth > 0; j++) {
      const c = s[j];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    if (depth !== 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `)'");
    return [{ kind: 'sub', script: s.slice(i + 2, j - 1), quoted }, j];
  }
  if (next === '{') {
    const end = s.indexOf('}', i + 2);
    if (end < 0) throw new ShellSyntaxError('bad substitution');
    return [{ kind: 'var', name: s.slice(i + 2, end), quoted }, end + 1];
  }
  if (next === '?' || next === '$' || next === '#' || (next !== undefined && /[0-9]/.test(next))) {
    return [{ kind: 'var', name: next, quoted }, i + 2];
  }
  const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
  if (!match) return [{ kind: 'lit', text: '$', quoted }, i + 1];
  return [{ kind: 'var', name: match[0], quoted }, i + 1 + match[0].length];
}

export function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let parts: WordPart[] | null = null;
  let lit = '';
  const pushLit = (quoted: boolean): void => {
    if (lit !== '' || quoted) {
      parts ??= [];
      parts.push({ kind: 'lit', text: lit, quoted });
    }
    lit = '';
  };
  const flush = (): void => {
    pushLit(false);
    if (parts && parts.length > 0) tokens.push({ type: 'word', word: parts });
    parts = null;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '\n') {
      flush();
      tokens.push({ type: 'op', op: ';' });
      i++;
    } else if (c === '#' && parts === null && lit === '') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '\\') {
      if (s[i + 1] === '\n') i += 2;
      else {
        lit += s[i + 1] ?? '';
        pushLit(true);
        i += 2;
      }
    } else if (c === "'") {
      pushLit(false);
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      lit = s.slice(i + 1, end);
      pushLit(true);
      i = end + 1;
    } else if (c === '"') {
      pushLit(false);
      i++;
      let closed = false;
      while (i < s.length) {
        const d = s[i] ?? '';
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1] ?? '')) {
          if (s[i + 1] !== '\n') lit += s[i + 1];
          i += 2;
        } else if (d === '$') {
          pushLit(true);
          const [part, next] = readDollar(s, i, true);
          parts ??= [];
          parts.push(part);
          i = next;
        } else {
          lit += d;
          i++;
        }
      }
      if (!closed) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      pushLit(true);
    } else if (c === '$') {
      pushLit(false);
      const [part, next] = readDollar(s, i, false);
      parts ??= [];
      parts.push(part);
      i = next;
    } else if (SPECIAL.has(c)) {
      // A lone digit right before < or > names the file descriptor (`2>/dev/null`).
      let fd: 0 | 1 | 2 | null = null;
      const onlyDigit = parts === null && (lit === '0' || lit === '1' || lit === '2');
      if ((c === '>' || c === '<') && onlyDigit) {
        fd = Number(lit) as 0 | 1 | 2;
        lit = '';
      }
      flush();
      const two = s.slice(i, i + 2);
      if (two === '&&' || two === '||') {
        tokens.push({ type: 'op', op: two });
        i += 2;
      } else if (two === '&>') {
        tokens.push({ type: 'redir', fd: 'both', op: s[i + 2] === '>' ? '>>' : '>' });
        i += s[i + 2] === '>' ? 3 : 2;
      } else if (c === '>' || c === '<') {
        const append = two === '>>';
        const op = c === '<' ? '<' : append ? '>>' : '>';
        i += append ? 2 : 1;
        const target = fd ?? (c === '<' ? 0 : 1);
        if (s[i] === '&' && (s[i + 1] === '1' || s[i + 1] === '2')) {
          tokens.push({ type: 'redir', fd: target, op: 'dup', dupFd: Number(s[i + 1]) as 1 | 2 });
          i += 2;
        } else {
          tokens.push({ type: 'redir', fd: target, op });
        }
      } else {
        tokens.push({ type: 'op', op: c as OpToken });
        i++;
      }
    } else {
      lit += c;
      i++;
    }
  }
  flush();
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parseScript(): CommandList {
    const list = this.parseList();
    if (this.pos < this.tokens.length) throw new ShellSyntaxError(`syntax error near unexpected token \`${describe(this.tokens[this.pos])}'`);
    return list;
  }

  private parseList(): CommandList {
    const items: { pipeline: Pipeline; separator: '&&' | '||' | ';' | '&' }[] = [];
    for (;;) {
      while (this.peekOp(';')) this.pos++;
      const token = this.tokens[this.pos];
      if (!token || (token.type === 'op' && token.op === ')')) break;
      const pipeline = this.parsePipeline();
      const sep = this.tokens[this.pos];
      if (sep?.type === 'op' && (sep.op === '&&' || sep.op === '||' || sep.op === ';' || sep.op === '&')) {
        this.pos++;
        if ((sep.op === '&&' || sep.op === '||') && (!this.tokens[this.pos] || this.peekOp(')'))) {
          throw new ShellSyntaxError(`syntax error: unexpected end of file after \`${sep.op}'`);
        }
        items.push({ pipeline, separator: sep.op });
      } else {
        items.push({ pipeline, separator: ';' });
        break;
      }
    }
    return { items };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    const first = this.tokens[this.pos];
    if (first?.type === 'word' && first.word.length === 1 && first.word[0]?.kind === 'lit' && !first.word[0].quoted && first.word[0].text === '!') {
      negate = true;
      this.pos++;
    }
    const commands = [this.parseCommand()];
    while (this.peekOp('|')) {
      this.pos++;
      commands.push(this.parseCommand());
    }
    return { negate, commands };
  }

  private parseCommand(): Command {
    if (this.peekOp('(')) {
      this.pos++;
      const list = this.parseList();
      if (!this.peekOp(')')) throw new ShellSyntaxError("syntax error: expected `)'");
      this.pos++;
      return { type: 'subshell', list, redirects: this.parseRedirects() };
    }
    const assignments: [string, Word][] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const token = this.tokens[this.pos];
      if (!token || token.type === 'op') break;
      if (token.type === 'redir') {
        redirects.push(this.parseRedirect());
        continue;
      }
      this.pos++;
      const head = token.word[0];
      const assignment = words.length === 0 && head?.kind === 'lit' && !head.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(head.text) : null;
      if (assignment && head?.kind === 'lit') {
        const name = assignment[1] ?? '';
        const rest: WordPart[] = [{ kind: 'lit', text: head.text.slice(name.length + 1), quoted: false }, ...token.word.slice(1)];
        assignments.push([name, rest]);
      } else {
        words.push(token.word);
      }
    }
    if (words.length === 0 && assignments.length === 0 && redirects.length === 0) {
      throw new ShellSyntaxError(`syntax error near unexpected token \`${describe(this.tokens[this.pos])}'`);
    }
    return { type: 'simple', assignments, words, redirects };
  }

  private parseRedirects(): Redirect[] {
    const redirects: Redirect[] = [];
    while (this.tokens[this.pos]?.type === 'redir') redirects.push(this.parseRedirect());
    return redirects;
  }

  private parseRedirect(): Redirect {
    const token = this.tokens[this.pos];
    if (!token || token.type !== 'redir') throw new ShellSyntaxError('expected a redirection');
    this.pos++;
    if (token.op === 'dup') return { fd: token.fd, op: 'dup', dupFd: token.dupFd ?? 1 };
    const target = this.tokens[this.pos];
    if (!target || target.type !== 'word') throw new ShellSyntaxError('syntax error near unexpected token `newline\'');
    this.pos++;
    return { fd: token.fd, op: token.op, target: target.word };
  }

  private peekOp(op: OpToken): boolean {
    const token = this.tokens[this.pos];
    return token?.type === 'op' && token.op === op;
  }
}

function describe(token: Token | undefined): string {
  if (!token) return 'newline';
  if (token.type === 'op') return token.op;
  if (token.type === 'redir') return token.op === '<' ? '<' : '>';
  return token.word.map((p) => (p.kind === 'lit' ? p.text : '$')).join('');
}

export function parseScript(script: string): CommandList {
  return new Parser(tokenize(script)).parseScript();
}

/** What a program sees when it runs. */
export interface ProgramContext {
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly shell: ShellSession;
  readonly signal: AbortSignal;
}

export type Program = (ctx: ProgramContext) => Promise<ExecResult> | ExecResult;

/** The file-system operations redirections and `cd` need, with the node's permission rules. */
export interface ShellFileAccess {
  isDirectory(path: string): boolean;
  readText(path: string, user: string): string | { error: string };
  writeText(path: string, text: string, append: boolean, user: string): { error: string } | undefined;
}

export interface ShellEnvironment {
  readonly programs: ReadonlyMap<string, Program>;
  readonly files: ShellFileAccess;
  /**
   * Programs that do run when started in the background (`nohup python train.py > log 2>&1 &`):
   * they only register a long-lived process, so running them at once is what a detached job does.
   */
  readonly backgroundPrograms?: ReadonlySet<string>;
}

/** One login: user, working directory, variables and the last exit status. */
export class ShellSession {
  lastStatus = 0;
  pipefail = false;
  exited = false;

  constructor(
    readonly env: ShellEnvironment,
    public user: string,
    public cwd: string,
    readonly vars: Map<string, string>,
    readonly signal: AbortSignal,
  ) {}

  get home(): string {
    return this.user === 'root' ? '/root' : `/home/${this.user}`;
  }

  get isRoot(): boolean {
    return this.user === 'root';
  }

  /** A copy for subshells, `sudo` and `bash -c`: changes inside do not leak out. */
  fork(user = this.user, signal = this.signal): ShellSession {
    const child = new ShellSession(this.env, user, this.cwd, new Map(this.vars), signal);
    if (user !== this.user) {
      child.vars.set('USER', user);
      child.vars.set('HOME', child.home);
    }
    child.lastStatus = this.lastStatus;
    child.pipefail = this.pipefail;
    return child;
  }

  async run(script: string, stdin = ''): Promise<ExecResult> {
    let list: CommandList;
    try {
      list = parseScript(script);
    } catch (err) {
      if (err instanceof ShellSyntaxError) {
        this.lastStatus = 2;
        return { stdout: '', stderr: `bash: -c: line 1: ${err.message}\n`, code: 2 };
      }
      throw err;
    }
    return this.runList(list, stdin);
  }

  private async runList(list: CommandList, stdin: string): Promise<ExecResult> {
    let stdout = '';
    let stderr = '';
    let status = this.lastStatus;
    let previous: '&&' | '||' | ';' | '&' = ';';
    for (const item of list.items) {
      if (this.exited || this.signal.aborted) break;
      const skip = (previous === '&&' && status !== 0) || (previous === '||' && status === 0);
      previous = item.separator;
      if (skip) continue;
      if (item.separator === '&') {
        // Background jobs are acknowledged but not run (see the module comment), except the
        // environment's background programs; either way their output is not the caller's.
        if (this.backgroundProgram(item.pipeline)) await this.runPipeline(item.pipeline, '');
        status = 0;
        continue;
      }
      const result = await this.runPipeline(item.pipeline, stdin);
      stdout += result.stdout;
      stderr += result.stderr;
      status = result.code;
      this.lastStatus = status;
    }
    return { stdout, stderr, code: status };
  }

  private backgroundProgram(pipeline: Pipeline): boolean {
    const first = pipeline.commands[0];
    if (!this.env.backgroundPrograms || pipeline.commands.length !== 1 || !first || first.type !== 'simple') return false;
    let words = first.words.map((w) => w.map((p) => (p.kind === 'lit' ? p.text : '$')).join(''));
    while (words[0] === 'nohup' || words[0] === 'setsid' || words[0] === 'sudo') words = words.slice(1);
    return this.env.backgroundPrograms.has(words[0] ?? '');
  }

  private async runPipeline(pipeline: Pipeline, stdin: string): Promise<ExecResult> {
    let input = stdin;
    let stderr = '';
    let code = 0;
    let failed = 0;
    // Like bash, the parts of a multi-command pipeline run in subshells: `exit` or `cd` there do not
    // affect the login shell.
    const single = pipeline.commands.length === 1;
    for (const command of pipeline.commands) {
      const result = await (single ? this : this.fork()).runCommand(command, input);
      input = result.stdout;
      stderr += result.stderr;
      code = result.code;
      if (code !== 0) failed = code;
    }
    if (this.pipefail && failed !== 0) code = failed;
    if (pipeline.negate) code = code === 0 ? 1 : 0;
    return { stdout: input, stderr, code };
  }

  private async runCommand(command: Command, stdin: string): Promise<ExecResult> {
    if (command.type === 'subshell') {
      const child = this.fork();
      const io = await this.openRedirects(command.redirects, stdin);
      if ('error' in io) return { stdout: '', stderr: io.error, code: 1 };
      const result = await child.runList(command.list, io.stdin);
      return this.routeOutput(result, io.routes);
    }
    const argv: string[] = [];
    for (const word of command.words) argv.push(...(await this.expandWord(word)));
    const assigned: [string, string][] = [];
    for (const [name, word] of command.assignments) assigned.push([name, (await this.expandWord(word, false)).join('')]);
    const io = await this.openRedirects(command.redirects, stdin);
    if ('error' in io) return { stdout: '', stderr: io.error, code: 1 };
    if (argv.length === 0) {
      for (const [name, value] of assigned) this.vars.set(name, value);
      return this.routeOutput({ stdout: '', stderr: '', code: 0 }, io.routes);
    }
    const saved = assigned.map(([name]) => [name, this.vars.get(name)] as const);
    for (const [name, value] of assigned) this.vars.set(name, value);
    try {
      const result = await this.invoke(argv, io.stdin);
      return this.routeOutput(result, io.routes);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) this.vars.delete(name);
        else this.vars.set(name, value);
      }
    }
  }

  /** Runs argv[0] as a builtin, a known program, or a script file; 127 when none exists. */
  async invoke(argv: readonly string[], stdin: string): Promise<ExecResult> {
    const name = argv[0] ?? '';
    const builtin = this.builtin(name);
    if (builtin) return builtin(argv, stdin);
    const base = /^\/(usr\/)?(local\/)?s?bin\/[^/]+$/.test(name) ? name.slice(name.lastIndexOf('/') + 1) : name;
    const program = this.env.programs.get(base);
    if (program) return program({ argv: [base, ...argv.slice(1)], stdin, shell: this, signal: this.signal });
    if (name.includes('/')) {
      const text = this.env.files.readText(this.resolvePath(name), this.user);
      if (typeof text !== 'string') return { stdout: '', stderr: `bash: line 1: ${name}: No such file or directory\n`, code: 127 };
      return this.fork().run(text.replace(/^#!.*\n/, ''), stdin);
    }
    return { stdout: '', stderr: `bash: line 1: ${name}: command not found\n`, code: 127 };
  }

  resolvePath(path: string): string {
    if (path === '~' || path.startsWith('~/')) return this.home + path.slice(1);
    if (path.startsWith('/')) return path;
    return `${this.cwd === '/' ? '' : this.cwd}/${path}`;
  }

  private builtin(name: string): ((argv: readonly string[], stdin: string) => Promise<ExecResult> | ExecResult) | undefined {
    switch (name) {
      case 'cd':
        return (argv) => {
          const target = this.resolvePath(argv[1] ?? this.home);
          if (!this.env.files.isDirectory(target)) return { stdout: '', stderr: `bash: line 1: cd: ${argv[1] ?? ''}: No such file or directory\n`, code: 1 };
          this.cwd = normalize(target);
          return ok();
        };
      case 'exit':
        return (argv) => {
          this.exited = true;
          return { stdout: '', stderr: '', code: argv[1] === undefined ? this.lastStatus : Number.parseInt(argv[1], 10) & 0xff };
        };
      case 'export':
        return (argv) => {
          for (const arg of argv.slice(1)) {
            const eq = arg.indexOf('=');
            if (eq > 0) this.vars.set(arg.slice(0, eq), arg.slice(eq + 1));
          }
          return ok();
        };
      case 'set':
        return (argv) => {
          const args = argv.slice(1);
          for (let i = 0; i < args.length; i++) {
            if ((args[i] === '-o' || args[i] === '+o') && args[i + 1] === 'pipefail') this.pipefail = args[i] === '-o';
            if (/^-[a-z]*$/.test(args[i] ?? '') && args[i]?.includes('o') && args[i + 1] === 'pipefail') this.pipefail = true;
          }
          return ok();
        };
      case 'true':
      case ':':
        return () => ok();
      case 'false':
        return () => ({ stdout: '', stderr: '', code: 1 });
      case 'pwd':
        return () => ok(`${this.cwd}\n`);
      default:
        return undefined;
    }
  }

  private async expandWord(word: Word, split = true): Promise<string[]> {
    const fields: string[] = [];
    let current = '';
    let hasContent = false;
    for (const [index, part] of word.entries()) {
      if (part.kind === 'lit') {
        let text = part.text;
        if (index === 0 && !part.quoted && (text === '~' || text.startsWith('~/'))) text = this.home + text.slice(1);
        current += text;
        hasContent = true;
        continue;
      }
      let value: string;
      if (part.kind === 'var') {
        value = this.variable(part.name);
      } else {
        const result = await this.fork().run(part.script);
        value = result.stdout.replace(/\n+$/, '');
      }
      if (part.quoted || !split) {
        current += value;
        hasContent = true;
      } else {
        const pieces = value.split(/[ \t\n]+/);
        for (const [i, piece] of pieces.entries()) {
          if (i > 0) {
            if (hasContent || current !== '') fields.push(current);
            current = '';
            hasContent = false;
          }
          current += piece;
          if (piece !== '') hasContent = true;
        }
      }
    }
    if (hasContent || current !== '' || word.some((p) => p.quoted)) fields.push(current);
    return fields;
  }

  private variable(name: string): string {
    if (name === '?') return String(this.lastStatus);
    if (name === '$') return '4242';
    if (name === '#') return '0';
    if (name === 'HOME') return this.vars.get('HOME') ?? this.home;
    if (name === 'USER' || name === 'LOGNAME') return this.vars.get(name) ?? this.user;
    if (name === 'PWD') return this.cwd;
    return this.vars.get(name) ?? '';
  }

  private async openRedirects(redirects: readonly Redirect[], stdin: string): Promise<{ stdin: string; routes: OutputRoutes } | { error: string }> {
    let input = stdin;
    const routes: OutputRoutes = { 1: { kind: 'stdout' }, 2: { kind: 'stderr' } };
    for (const redirect of redirects) {
      if (redirect.op === 'dup') {
        const fd = redirect.fd === 'both' ? 1 : redirect.fd;
        if (fd === 1 || fd === 2) routes[fd] = routes[redirect.dupFd ?? 1];
        continue;
      }
      const target = redirect.target ? (await this.expandWord(redirect.target, false)).join('') : '';
      if (redirect.op === '<') {
        const text = this.env.files.readText(this.resolvePath(target), this.user);
        if (typeof text !== 'string') return { error: `bash: line 1: ${target}: ${text.error}\n` };
        input = text;
        continue;
      }
      const route: OutputRoute = target === '/dev/null' ? { kind: 'null' } : target === '/dev/stderr' ? { kind: 'stderr' } : target === '/dev/stdout' ? { kind: 'stdout' } : { kind: 'file', path: this.resolvePath(target), append: redirect.op === '>>' };
      if (route.kind === 'file') {
        const failure = this.env.files.writeText(route.path, '', true, this.user);
        if (failure) return { error: `bash: line 1: ${target}: ${failure.error}\n` };
        if (!route.append) this.env.files.writeText(route.path, '', false, this.user);
      }
      if (redirect.fd === 'both') {
        routes[1] = route;
        routes[2] = route;
      } else if (redirect.fd === 1 || redirect.fd === 2) {
        routes[redirect.fd] = route;
      }
    }
    return { stdin: input, routes };
  }

  private routeOutput(result: ExecResult, routes: OutputRoutes): ExecResult {
    let stdout = '';
    let stderr = '';
    const send = (text: string, route: OutputRoute): void => {
      if (text === '') return;
      if (route.kind === 'stdout') stdout += text;
      else if (route.kind === 'stderr') stderr += text;
      else if (route.kind === 'file') this.env.files.writeText(route.path, text, true, this.user);
    };
    send(result.stdout, routes[1]);
    send(result.stderr, routes[2]);
    return { stdout, stderr, code: result.code };
  }
}

type OutputRoute = { readonly kind: 'stdout' } | { readonly kind: 'stderr' } | { readonly kind: 'null' } | { readonly kind: 'file'; readonly path: string; readonly append: boolean };
type OutputRoutes = { 1: OutputRoute; 2: OutputRoute };

function ok(stdout = ''): ExecResult {
  return { stdout, stderr: '', code: 0 };
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
