import { type Clock } from '@gpu-shopper/core';

export interface AuthFailureLimiterOptions {
  readonly clock: Clock;
  /** Refused credentials from one address within `windowMs` before it is blocked. @default 20 */
  readonly maxFailures?: number;
  /** @default 60000 */
  readonly windowMs?: number;
  /** Addresses tracked at most (memory bound); the stalest are forgotten first. @default 10000 */
  readonly maxClients?: number;
}

/**
 * Slows down credential guessing: an address that sent `maxFailures` refused tokens within the
 * window gets 429 instead of 401 for every further refused token until the oldest of them leaves
 * the window. Valid credentials are never blocked (many users may share one address behind a
 * proxy; the keys themselves carry 256 bits, so a guess never hits). Per process, in memory: a
 * restart forgets (acceptable for a brake).
 */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxClients: number;

  constructor(private readonly options: AuthFailureLimiterOptions) {
    this.maxFailures = options.maxFailures ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** Milliseconds until `client` may try again; 0 when it is not blocked. */
  blockedForMs(client: string): number {
    const recent = this.recent(client);
    if (recent.length < this.maxFailures) return 0;
    const oldest = recent[recent.length - this.maxFailures] ?? 0;
    return Math.max(1, oldest + this.windowMs - this.options.clock.now().getTime());
  }

  recordFailure(client: string): void {
    const recent = this.recent(client);
    recent.push(this.options.clock.now().getTime());
    // Re-insert so the Map's order is least recently failed first, then trim the stalest clients.
    this.failures.delete(client);
    this.failures.set(client, recent.slice(-this.maxFailures));
    while (this.failures.size > this.maxClients) {
      const stalest = this.failures.keys().next().value;
      if (stalest === undefined) break;
      this.failures.delete(stalest);
    }
  }

  private recent(client: string): number[] {
    const since = this.options.clock.now().getTime() - this.windowMs;
    const kept = (this.failures.get(client) ?? []).filter((at) => at > since);
    if (kept.length === 0) this.failures.delete(client);
    else this.failures.set(client, kept);
    return kept;
  }
}
