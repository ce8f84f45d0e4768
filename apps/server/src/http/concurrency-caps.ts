import { ApiError } from './api-error.js';

export interface ConcurrencyLimits {
  /** Held at once by one caller (a consumer, or the admin). */
  readonly perCaller: number;
  /** Held at once for one session, whoever asks. */
  readonly perSession: number;
}

/**
 * Caps work a caller can keep open: event streams (each polls the database every second) and
 * diagnostics (each opens an SSH connection to the node). `acquire` answers a release function, or
 * throws 429 with Retry-After when the caller or the session already holds its share. In memory,
 * per process: the bound is per replica, which is what each process's resources need.
 */
export class ConcurrencyCaps {
  private readonly byCaller = new Map<string, number>();
  private readonly bySession = new Map<string, number>();

  constructor(
    private readonly what: string,
    private readonly limits: ConcurrencyLimits,
    private readonly retryAfterSeconds: number,
  ) {}

  acquire(caller: string, sessionId: string): () => void {
    const callerCount = this.byCaller.get(caller) ?? 0;
    const sessionCount = this.bySession.get(sessionId) ?? 0;
    if (callerCount >= this.limits.perCaller || sessionCount >= this.limits.perSession) {
      const scope = callerCount >= this.limits.perCaller ? `${this.limits.perCaller} per API key holder` : `${this.limits.perSession} per session`;
      throw new ApiError('RATE_LIMITED', `too many ${this.what} open at once (at most ${scope}); close one or retry in ${this.retryAfterSeconds} s`, undefined, {
        'retry-after': String(this.retryAfterSeconds),
      });
    }
    this.byCaller.set(caller, callerCount + 1);
    this.bySession.set(sessionId, sessionCount + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      decrement(this.byCaller, caller);
      decrement(this.bySession, sessionId);
    };
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 1) - 1;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
