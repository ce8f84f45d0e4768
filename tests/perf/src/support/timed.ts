/** Process CPU time (user + system) in milliseconds: every thread of this process, none of another's. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Wall time and process CPU time spent inside an object's methods, summed. Figure 4 splits
 * provisioning into time spent waiting on a provider or SSH (inside these wrappers) and everything
 * else (the server's own work). The saga awaits one call at a time, so the sum never counts an
 * overlap twice; the figure reports a negative overhead if that ever stopped being true.
 *
 * CPU time is the figure's headline: on a shared machine the wall time of a synchronous SQLite
 * write includes the time the process waited for a core, its CPU time does not.
 */
export class Stopwatch {
  totalMs = 0;
  cpuMs = 0;
  calls = 0;

  async time<T>(work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const startCpu = cpuMs();
    try {
      return await work();
    } finally {
      this.add(performance.now() - start, cpuMs() - startCpu);
    }
  }

  add(wallMs: number, cpu: number): void {
    this.totalMs += wallMs;
    this.cpuMs += cpu;
    this.calls++;
  }

  reset(): void {
    this.totalMs = 0;
    this.cpuMs = 0;
    this.calls = 0;
  }
}

/**
 * A proxy whose every method is timed on `watch` (or on `pick(name)`'s watches, one reading for
 * all of them): a promise until it settles, a synchronous call (key generation, encryption) for its
 * own duration.
 */
export function timedProxy<T extends object>(target: T, watch: Stopwatch, pick?: (method: string) => Stopwatch | readonly Stopwatch[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      const picked = pick?.(String(property)) ?? watch;
      const chosen = picked instanceof Stopwatch ? [picked] : picked;
      return (...args: unknown[]): unknown => {
        // From before the call: an async method over a synchronous driver (SQLite) does all its
        // work before it returns its promise.
        const start = performance.now();
        const startCpu = cpuMs();
        const stop = (): void => {
          const wall = performance.now() - start;
          const cpu = cpuMs() - startCpu;
          for (const w of chosen) w.add(wall, cpu);
        };
        const result: unknown = Reflect.apply(value as (...a: unknown[]) => unknown, object, args);
        if (result instanceof Promise) return result.finally(stop);
        stop();
        return result;
      };
    },
  });
}
