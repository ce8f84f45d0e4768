import { MemoryLogger } from '@gpu-shopper/core/testing';

import { IntervalJob } from './interval-job.js';

describe('IntervalJob', () => {
  it('reports every pass to its observer, and warns when a pass outlasts its interval (the next pass, and what it enforces, is late by as much)', async () => {
    const logger = new MemoryLogger();
    const durations: number[] = [];
    let release!: () => void;
    const slowPass = new Promise<void>((resolve) => (release = resolve));
    // A 1 ms interval and a pass that waits on a promise released after a macrotask: it lasts longer than 1 ms.
    const slow = new IntervalJob('slow job', 1, () => slowPass, logger, (seconds) => durations.push(seconds));
    const pass = slow.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await pass;
    expect(durations).toHaveLength(1);
    expect(durations[0]).toBeGreaterThan(0.001);
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: 'slow job took longer than its interval' }));

    const quickLogger = new MemoryLogger();
    const quick = new IntervalJob('quick job', 60_000, async () => undefined, quickLogger, (seconds) => durations.push(seconds));
    await quick.runOnce();
    expect(durations).toHaveLength(2);
    expect(quickLogger.records.filter((r) => r.level === 'warn')).toEqual([]);
  });
});
