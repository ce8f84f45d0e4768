/**
 * A vendor's call rate as a token bucket: `perSecond` calls refill, up to `burst` saved. Vendors
 * throttle per account, so every process calling with the same account must draw on one budget.
 */
export interface CallRate {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * Call budgets shared by every process that calls a vendor with one account (the replicas on one
 * PostgreSQL). A single process keeps its budget in memory and needs no store.
 */
export interface RateBudgetStore {
  /**
   * Takes one call from the budget `name` (created full on first use, refilled at `rate`). Answers
   * 0 when the call was taken; otherwise the milliseconds until one is due, and nothing is taken.
   * Atomic across processes: however many callers race, no more calls are taken than the rate gives.
   */
  take(name: string, rate: CallRate): Promise<number>;
}
