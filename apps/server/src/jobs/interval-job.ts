import { type Logger } from '@gpu-shopper/core';

/**
 * Runs `work` every `intervalMs`, never overlapping itself (a slow pass delays the next instead of
 * stacking), with errors logged rather than killing the loop. `stop()` waits for a pass in progress.
 */
export class IntervalJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
    /** Told each pass's duration (the server's metric). */
    private readonly onPass?: (seconds: number) => void,
  ) {}

  start(runNow = false): void {
    this.stopped = false;
    if (runNow) this.schedule(0);
    else this.schedule(this.intervalMs);
  }

  /** Runs one pass now (or joins the one in progress). */
  runOnce(): Promise<void> {
    const started = performance.now();
    this.running ??= this.work()
      .catch((error: unknown) => {
        this.logger.error(`${this.name} failed`, { error });
      })
      .finally(() => {
        this.running = undefined;
        const ms = performance.now() - started;
        this.onPass?.(ms / 1000);
        // A pass longer than its interval delays the next one: the deadlines it enforces run late by as much.
        if (ms > this.intervalMs) this.logger.warn(`${this.name} took longer than its interval`, { durationMs: Math.round(ms), intervalMs: this.intervalMs });
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => {
        if (!this.stopped) this.schedule(this.intervalMs);
      });
    }, delayMs);
    // A job never keeps the process alive on its own.
    this.timer.unref();
  }
}
