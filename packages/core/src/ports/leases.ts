/**
 * Leases coordinate several server processes that share one database. A lease is a named row
 * with a holder, an expiry and a fencing token:
 * - `leader`: the one replica that runs the background loops (lifecycle tick, reconciliation,
 *   orphan destruction, inventory refresh, benchmark scheduler);
 * - `session:<id>`: the one replica driving that session's provisioning saga or destroy.
 * A holder renews before expiry; a crashed holder stops renewing, and after expiry another
 * process acquires the lease with a higher token. The token only ever grows (a release expires the
 * lease, it never deletes the row), so a holder that was paused past expiry can tell it lost the
 * lease. Times come from the caller's clock: replicas need synchronised clocks (NTP), and the
 * skew between them eats into the lease's margin.
 */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** Grows by one each time the lease changes hands (or is re-acquired after it expired). */
  readonly token: number;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

export interface LeaseRepository {
  /**
   * Takes the lease when nobody holds it, its holder's time ran out, or `holder` already holds it
   * (then it is extended with the same token). Returns the lease now held by `holder`, or
   * `undefined` when another holder's lease is still running. Atomic across processes.
   */
  acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<Lease | undefined>;
  /** Extends the lease only while `holder` still holds it with `token`; `undefined` means it was lost. */
  renew(name: string, holder: string, token: number, now: Date, ttlMs: number): Promise<Lease | undefined>;
  /** Gives the lease up at once (it expires; the token stays, so the next holder's is higher). */
  release(name: string, holder: string, token: number, now: Date): Promise<void>;
  get(name: string): Promise<Lease | undefined>;
}
