import { type Clock } from '../time/clock.js';

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  advanceMs(ms: number): Date {
    this.current += ms;
    return this.now();
  }

  advanceSeconds(seconds: number): Date {
    return this.advanceMs(seconds * 1000);
  }

  advanceMinutes(minutes: number): Date {
    return this.advanceMs(minutes * 60_000);
  }

  advanceHours(hours: number): Date {
    return this.advanceMs(hours * 3_600_000);
  }
}
