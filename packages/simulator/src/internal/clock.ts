/**
 * The simulator's time. Everything that changes an instance over time (boot, key propagation, the
 * dpkg lock, billing) reads this clock, never `Date.now()`, so a test can move it forward with
 * `advance(ms)` instead of sleeping, and get the same result on a loaded machine as on an idle one.
 * Between advances it runs at the speed of real time.
 */
export class SimClock {
  private offsetMs = 0;

  constructor(private readonly wall: () => number = Date.now) {}

  readonly now = (): number => this.wall() + this.offsetMs;

  /** Moves the clock forward; time never goes back. Returns the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward by a finite number of ms, got ${ms}`);
    this.offsetMs += ms;
    return this.now();
  }

  /** How far the clock has been moved ahead of real time. */
  get advancedMs(): number {
    return this.offsetMs;
  }
}
