/**
 * Lets a timed-out command be killed on the node. Closing its channel does not stop a non-tty
 * command, and OpenSSH refuses the SSH `signal` request for root logins ("session signalling
 * requires privilege separation": root sessions are served by the privileged monitor) — and GPU
 * clouds log in as root. So every command first prints its shell's PID (= its process group: sshd
 * starts each command's shell with setsid) on stderr, where it is read off before anyone sees
 * stderr; on timeout a second channel on the same connection runs `kill -KILL -- -<pid>`.
 *
 * This needs a POSIX-style login shell (bash, sh, dash, zsh, ksh: `$$`, `>&2`), true of the
 * images GPU clouds run; fish or csh as the login shell would not run the prefixed command.
 */
export const PID_MARKER = '__gpushop_pid=';

const MAX_MARKER_LINE_BYTES = 64;

export function withPidMarker(command: string): string {
  return `printf '%s\\n' "${PID_MARKER}$$" >&2\n${command}`;
}

/** The command as the caller wrote it (for test nodes that log or script commands). */
export function stripPidMarker(command: string): string {
  const prefix = `printf '%s\\n' "${PID_MARKER}$$" >&2\n`;
  return command.startsWith(prefix) ? command.slice(prefix.length) : command;
}

export function killProcessGroupCommand(pid: number): string {
  return `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null; true`;
}

/**
 * Takes the marker line off the start of stderr. Until the first newline (or 64 bytes) it holds
 * data back; if that line is not the marker, everything is passed through untouched.
 */
export class PidMarkerReader {
  pid: number | null = null;
  private head: Buffer | null = Buffer.alloc(0);

  /** Returns the bytes that belong to the command's real stderr. */
  push(chunk: Buffer): Buffer {
    if (this.head === null) return chunk;
    const head = Buffer.concat([this.head, chunk]);
    const newline = head.indexOf(0x0a);
    if (newline === -1 && head.length < MAX_MARKER_LINE_BYTES) {
      this.head = head;
      return Buffer.alloc(0);
    }
    this.head = null;
    const line = newline === -1 ? '' : head.subarray(0, newline).toString('latin1');
    const match = new RegExp(`^${PID_MARKER}(\\d+)$`).exec(line);
    if (!match?.[1]) return head;
    this.pid = Number(match[1]);
    return head.subarray(newline + 1);
  }

  /** Whatever was held back when the stream ended without a newline. */
  flush(): Buffer {
    const rest = this.head ?? Buffer.alloc(0);
    this.head = null;
    return rest;
  }
}
