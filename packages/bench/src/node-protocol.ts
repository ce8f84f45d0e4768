import { shellQuote } from './script.js';

/**
 * The on-node protocol of a benchmark attempt, as pure functions: the commands the runner sends over
 * core's RemoteExec and how it reads their answers. The runner decides what to do with an answer;
 * this file only knows what is typed on the node and what comes back. (The simulator's benchmark
 * emulator answers these exact commands.)
 */

export const SCRIPT_NAME = 'ollama-bench.sh';

export function mkdirCommand(dir: string): string {
  return `mkdir -p ${shellQuote(dir)}`;
}

export function scriptPath(dir: string): string {
  return `${dir}/${SCRIPT_NAME}`;
}

export function resultPath(dir: string): string {
  return `${dir}/result.json`;
}

/** Starts the script detached from the SSH session (nohup, stdin closed), so a dropped connection never kills it; prints its PID. */
export function startCommand(dir: string, args: readonly string[]): string {
  const q = shellQuote(dir);
  return `cd ${q} && nohup bash ./${SCRIPT_NAME} ${args.join(' ')} > ${q}/stdout.log 2>&1 < /dev/null & echo $!`;
}

/** The PID the start command printed, or undefined when it printed none. */
export function parseStartedPid(stdout: string): number | undefined {
  const pid = Number.parseInt(stdout.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * One command per poll: done, failed (with the failure marker), still running (PID alive; prints the
 * heartbeat), or dead without a marker (killed: OOM, reboot). `done` is checked again after the PID
 * check, since the script writes it just before exiting.
 */
export function pollCommand(dir: string, pid: number): string {
  const q = shellQuote(dir);
  return `cd ${q} 2>/dev/null || { echo MISSING; exit 0; }; if [ -f done ]; then echo DONE; elif [ -f failed ]; then echo FAILED; cat failed; elif kill -0 ${pid} 2>/dev/null; then echo RUNNING; cat heartbeat 2>/dev/null; elif [ -f done ]; then echo DONE; else echo DEAD; fi`;
}

export type PollAnswer =
  | { readonly state: 'done' }
  | { readonly state: 'failed'; readonly detail: string }
  | { readonly state: 'running'; readonly heartbeat: string }
  /** The process is gone with no marker, or the folder is (the node was replaced). */
  | { readonly state: 'gone' };

/** Reads the poll command's output. Anything unrecognised counts as still running (the next poll decides). */
export function parsePollAnswer(stdout: string): PollAnswer {
  const [status = '', ...rest] = stdout.trim().split('\n');
  const detail = rest.join(' ').trim();
  if (status === 'DONE') return { state: 'done' };
  if (status === 'FAILED') return { state: 'failed', detail };
  if (status === 'DEAD' || status === 'MISSING') return { state: 'gone' };
  return { state: 'running', heartbeat: detail };
}
