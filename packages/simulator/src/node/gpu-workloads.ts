import { type ExecResult, type Program } from './shell.js';

/**
 * Processes that "use the GPU" on a simulated node, so that what runs there shows in nvidia-smi
 * (utilisation, memory, `--query-compute-apps`) and the idle timeout can tell a busy session from
 * an idle one.
 *
 * The GPU program is `python`/`python3` running a script (`python train.py`): it starts and returns
 * at once (the simulator runs no real work), printing the pid; the process keeps running until
 * `kill <pid>` / `pkill <name>` or the instance goes away. Started in the background
 * (`nohup python train.py > log 2>&1 &`) it runs the same way. (Nothing else is installed: a fresh
 * node has no `ollama`, as a fresh VM has not.)
 */
export interface GpuProcess {
  readonly pid: number;
  readonly user: string;
  /** `python3`. */
  readonly name: string;
  readonly command: string;
  /** Per GPU. */
  readonly usedMemoryMiB: number;
  readonly startedAt: Date;
}

/** Utilisation a GPU shows while a GPU process runs on it (a training step or a generation). */
export const BUSY_UTILIZATION_PERCENT = 97;

/** Programs that start a GPU process (also when started in the background with `&`). */
export const GPU_PROGRAMS: ReadonlySet<string> = new Set(['python', 'python3']);

export class GpuWorkloads {
  private readonly running = new Map<number, GpuProcess>();
  private nextPid = 5001;

  constructor(
    private readonly options: { readonly memoryTotalMiB: number; readonly now: () => Date },
  ) {}

  list(): readonly GpuProcess[] {
    return [...this.running.values()];
  }

  busy(): boolean {
    return this.running.size > 0;
  }

  /** Memory in use per GPU by the running processes (capped at the card's size). */
  usedMemoryMiB(): number {
    return Math.min(
      this.options.memoryTotalMiB,
      this.list().reduce((sum, p) => sum + p.usedMemoryMiB, 0),
    );
  }

  kill(pid: number): boolean {
    return this.running.delete(pid);
  }

  killByName(pattern: RegExp, fullCommand: boolean): number {
    let killed = 0;
    for (const process of this.list()) {
      if (pattern.test(fullCommand ? process.command : process.name)) {
        this.running.delete(process.pid);
        killed++;
      }
    }
    return killed;
  }

  private start(user: string, name: string, command: string, share: number): GpuProcess {
    const process: GpuProcess = {
      pid: this.nextPid++,
      user,
      name,
      command,
      usedMemoryMiB: Math.round(this.options.memoryTotalMiB * share),
      startedAt: this.options.now(),
    };
    this.running.set(process.pid, process);
    return process;
  }

  /** `python train.py`, `python3 -u finetune.py --epochs 3`; `python -c …` or `python --version` use no GPU. */
  readonly python: Program = (ctx) => {
    const args = ctx.argv.slice(1);
    if (args.includes('--version') || args.includes('-V')) return { stdout: 'Python 3.10.12\n', stderr: '', code: 0 };
    const script = args.find((a) => !a.startsWith('-'));
    if (!script || !script.endsWith('.py')) {
      return { stdout: '', stderr: `${ctx.argv[0]}: the simulated node runs Python scripts only as GPU workloads (e.g. ${ctx.argv[0]} train.py)\n`, code: 2 };
    }
    const process = this.start(ctx.shell.user, 'python3', ctx.argv.join(' '), 0.6);
    return started(process);
  };

  /** `kill [-9|-TERM] <pid>…` for GPU processes (others are reported as not permitted). */
  readonly killProgram: Program = (ctx) => {
    const pids = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    if (pids.length === 0) return { stdout: '', stderr: 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n', code: 2 };
    let stderr = '';
    for (const pid of pids) {
      if (!/^\d+$/.test(pid)) stderr += `bash: kill: ${pid}: arguments must be process or job IDs\n`;
      else if (!this.kill(Number(pid))) stderr += `bash: kill: (${pid}) - No such process\n`;
    }
    return { stdout: '', stderr, code: stderr ? 1 : 0 };
  };

  /** `pkill [-f] <pattern>` for GPU processes. */
  readonly pkill: Program = (ctx) => {
    const args = ctx.argv.slice(1);
    const full = args.includes('-f');
    const pattern = args.find((a) => !a.startsWith('-'));
    if (!pattern) return { stdout: '', stderr: 'pkill: no matching criteria specified\n', code: 2 };
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch {
      return { stdout: '', stderr: `pkill: invalid regular expression: ${pattern}\n`, code: 2 };
    }
    return { stdout: '', stderr: '', code: this.killByName(regex, full) > 0 ? 0 : 1 };
  };
}

function started(process: GpuProcess): ExecResult {
  return { stdout: `[simulated GPU workload] ${process.command} running as pid ${process.pid}; stop it with: kill ${process.pid}\n`, stderr: '', code: 0 };
}
