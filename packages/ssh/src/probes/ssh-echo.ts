import { Ok, type RemoteExec, type RemoteExecError, type RemoteTarget, type Result } from '@gpu-shopper/core';

import { execOptions, type ProbeOptions } from './probe-output-error.js';

export const ECHO_COMMAND = 'echo ok';

export interface EchoProbeResult {
  /** The shell ran the command and printed exactly `ok`. */
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly output: string;
  readonly hostKeyFingerprint: string | null;
}

/** "SSH works with this key": `echo ok` answered with `ok` (a login banner or MOTD on stdout fails it). */
export async function probeEcho(remote: RemoteExec, target: RemoteTarget, options?: ProbeOptions): Promise<Result<EchoProbeResult, RemoteExecError>> {
  const result = await remote.exec(target, ECHO_COMMAND, execOptions(options));
  if (!result.ok) return result;
  const { exitCode, stdout, hostKeyFingerprint } = result.val;
  return Ok({ ok: exitCode === 0 && stdout.trim() === 'ok', exitCode, output: stdout.trim().slice(0, 300), hostKeyFingerprint });
}
