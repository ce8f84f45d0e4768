import { Ok, type RemoteExec, type RemoteExecError, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { execOptions, firstLine, type ProbeOptions } from './probe-output-error.js';

/**
 * The kernel log's OOM-related lines (last 100). Without root, dmesg is often restricted
 * (kernel.dmesg_restrict): then `sudo -n` is tried, and if neither works the command exits 3 so the
 * probe says "unavailable" instead of upstream's silent "no OOM".
 */
export const OOM_COMMAND =
  "if out=$(dmesg -T 2>/dev/null) || out=$(sudo -n dmesg -T 2>/dev/null); then printf '%s\\n' \"$out\" | grep -iE 'oom|out of memory|killed process' | tail -n 100; else echo 'kernel log not readable (dmesg denied)' >&2; exit 3; fi";

export const OOM_UNAVAILABLE_EXIT_CODE = 3;

export interface OomReport {
  readonly detected: boolean;
  /** Names from "Killed process <pid> (<name>)", de-duplicated, first seen first. */
  readonly killedProcesses: readonly string[];
  /** The last OOM line's `dmesg -T` timestamp (`Sat Feb  7 13:12:40 2026`); null for numeric kernel times. */
  readonly lastEventTime: string | null;
  /** The lines that matched, trimmed. */
  readonly events: readonly string[];
}

/**
 * Whole-word patterns: upstream's plain substring "oom" also fired on "zoom" and "bloom".
 * `oom-killer`, `oom_kill_process`, `oom-kill:constraint…`, `oom_reaper`, "Out of memory",
 * "Killed process" all match.
 */
const OOM_PATTERNS = [/\boom[-_ ](killer|kill|kill_process|reaper)\b/i, /\bout of memory\b/i, /\bkilled process\b/i];
const KILLED_PROCESS = /Killed process (\d+) \(([^)]+)\)/i;
const DMESG_T_TIME = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})\]/;

export function parseDmesgOom(output: string): OomReport {
  const events = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && OOM_PATTERNS.some((p) => p.test(l)));
  const killed: string[] = [];
  for (const line of events) {
    const name = KILLED_PROCESS.exec(line)?.[2];
    if (name && !killed.includes(name)) killed.push(name);
  }
  const last = events.at(-1);
  return { detected: events.length > 0, killedProcesses: killed, lastEventTime: last ? (DMESG_T_TIME.exec(last)?.[1] ?? null) : null, events };
}

export function describeOom(report: OomReport): string {
  if (!report.detected) return 'no OOM events detected';
  const killed = report.killedProcesses.length ? `: killed ${report.killedProcesses.join(', ')}` : '';
  const when = report.lastEventTime ? ` (last: ${report.lastEventTime})` : '';
  return `OOM detected${killed}${when}`;
}

export type OomProbeResult = { readonly status: 'ok'; readonly report: OomReport } | { readonly status: 'unavailable'; readonly exitCode: number | null; readonly message: string };

export async function probeOom(remote: RemoteExec, target: RemoteTarget, options?: ProbeOptions): Promise<Result<OomProbeResult, RemoteExecError>> {
  const result = await remote.exec(target, OOM_COMMAND, execOptions(options));
  if (!result.ok) return result;
  const { exitCode, stdout, stderr } = result.val;
  if (exitCode !== 0) return Ok({ status: 'unavailable', exitCode, message: firstLine(stderr) || firstLine(stdout) });
  return Ok({ status: 'ok', report: parseDmesgOom(stdout) });
}
