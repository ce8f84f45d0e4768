/**
 * Who may drive a session's provisioning saga or destroy. One process alone is trivially the owner
 * of everything (no port given). Several replicas on one database each take a per-session lease
 * before driving it, so a saga is never run by two replicas at once, and one whose replica died is
 * taken over when its lease runs out. Fencing stays with the session's compare-and-set: a stale
 * owner's write carries an old version and is refused.
 */
export interface SessionOwnership {
  /**
   * Runs `work` while this process owns the session. Re-entrant: a destroy started from inside the
   * session's own saga runs at once. When another owner holds the session (another replica, or
   * another task of this process), `work` is not run and `{ owned: false }` comes back.
   */
  run<T>(sessionId: string, work: () => Promise<T>): Promise<{ readonly owned: true; readonly value: T } | { readonly owned: false }>;
}
