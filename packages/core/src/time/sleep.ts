/**
 * Waits `ms`, cut short by `signal`: rejects with `Error('aborted')` when the signal aborts during
 * the wait, and at once when it is aborted already (an abort that came first has no event left to
 * fire, so the wait would otherwise run its full length for a caller that has stopped). The abort
 * listener is removed either way: a saga or a benchmark run polls for minutes on one signal.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
