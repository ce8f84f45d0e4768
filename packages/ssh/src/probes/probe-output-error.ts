/** Output a probe could not make sense of. Not a `BaseError`: it never crosses a port on its own. */
export class ProbeOutputError extends Error {
  constructor(
    readonly probe: string,
    message: string,
  ) {
    super(`${probe}: ${message}`);
    this.name = 'ProbeOutputError';
  }
}

/** Options every probe takes: the per-call budget of the underlying `RemoteExec` call. */
export interface ProbeOptions {
  /** @default 30000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

export function execOptions(options: ProbeOptions | undefined): { timeoutMs: number; signal?: AbortSignal } {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return options?.signal ? { timeoutMs, signal: options.signal } : { timeoutMs };
}

/** The first non-empty line, trimmed and bounded: enough to say what a tool complained about. */
export function firstLine(text: string, maxChars = 300): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > maxChars ? `${line.slice(0, maxChars)}…` : line;
}
