import { RemoteExecError, type RemoteTarget } from '@gpu-shopper/core';

type StopReason = 'timeout' | 'aborted';

/**
 * The lifetime of one port call: its deadline (the caller's `timeoutMs` covers connect + work) and
 * the caller's abort signal. Stopping runs the registered hooks (kill the remote command, destroy
 * the socket) synchronously, so their packets are written before the connection is closed.
 */
export class CallScope {
  stopReason: StopReason | null = null;
  private readonly deadlineAt: number;
  private readonly timer: NodeJS.Timeout;
  private readonly hooks = new Set<() => void>();
  private readonly stoppedListeners = new Set<() => void>();
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly onAbort = (): void => this.stop('aborted');

  constructor(
    private readonly target: RemoteTarget,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deadlineAt = Date.now() + timeoutMs;
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    if (signal?.aborted) this.stop('aborted');
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  remainingMs(): number {
    return Math.max(0, this.deadlineAt - Date.now());
  }

  /** Registers a hook run once on timeout/abort; returns its unregistration. */
  onStop(hook: () => void): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Work to finish after a stop, before the connection closes (e.g. kill the remote command). */
  addCleanup(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async runCleanups(): Promise<void> {
    await Promise.all(this.cleanups.splice(0).map((cleanup) => cleanup().catch(() => undefined)));
  }

  /** Resolves with the stop error when the call is stopped (never resolves otherwise). */
  whenStopped(): Promise<RemoteExecError> {
    return new Promise((resolve) => {
      if (this.stopReason) resolve(this.stopError());
      else this.stoppedListeners.add(() => resolve(this.stopError()));
    });
  }

  stopError(): RemoteExecError {
    if (this.stopReason === 'timeout') return new RemoteExecError('timeout', this.target, `timed out after ${this.timeoutMs} ms`);
    // AbortSignal.timeout() aborts with a TimeoutError: a deadline, not a cancellation.
    const reason: unknown = this.signal?.reason;
    // Duck-typed: the DOMException may come from another realm (jest's vm contexts, worker threads).
    const isDeadline = typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
    return new RemoteExecError(isDeadline ? 'timeout' : 'unknown', this.target, isDeadline ? 'the caller’s deadline passed' : 'aborted by the caller', reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.hooks.clear();
    this.stoppedListeners.clear();
  }

  private stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    clearTimeout(this.timer);
    for (const hook of [...this.hooks]) {
      try {
        hook();
      } catch {
        // A hook tears down something that may already be gone; the next hook must still run.
      }
    }
    for (const listener of this.stoppedListeners) listener();
  }
}
