import { type ProviderAdapter, type ProviderError, type ProviderInstance, type Result } from '@gpu-shopper/core';

export interface CoalesceOptions {
  /**
   * Calls one listing costs, given how many instances the last one returned (Vast pages its listing,
   * 25 a page, and reads it only as far as the round's instances). A batch smaller than this is read
   * one instance at a time instead. @default 1
   */
  readonly listingCalls?: (lastListed: number) => number;
}

interface Waiter {
  readonly id: string;
  readonly resolve: (result: Result<ProviderInstance, ProviderError>) => void;
}

/**
 * Status reads of one provider, coalesced: while one read is in flight, every read that arrives
 * waits for the next round, and a round with several waiting sessions is answered by one instance
 * listing instead of one call per session. With 100 sessions booting on a vendor that allows 100
 * calls a minute, that is the difference between polling each every minute and every second, and
 * it leaves the budget to creates. An adapter with `findInstances` (a paged listing) is asked for
 * the round's instances only, so it stops paging once it has shown them all. An instance the
 * listing does not show, or shows running without an SSH endpoint yet (some listings carry less
 * than a single read), is read directly, so a read never answers less than `getInstance` would.
 * Everything but `getInstance` passes through.
 */
export function coalesceInstanceReads(adapter: ProviderAdapter, options: CoalesceOptions = {}): ProviderAdapter {
  let next: Waiter[] = [];
  let running = false;
  let lastListed = 0;
  const cost = options.listingCalls ?? (() => 1);

  const direct = (id: string, signal?: AbortSignal) => adapter.getInstance(id, signal);

  const round = async (batch: Waiter[]): Promise<void> => {
    const ids = new Set(batch.map((w) => w.id));
    if (ids.size < Math.max(2, cost(lastListed))) {
      await Promise.all(batch.map(async (w) => w.resolve(await direct(w.id))));
      return;
    }
    // A paged listing is read only as far as this round's instances (findInstances), not to its end.
    const listed = adapter.findInstances ? await adapter.findInstances([...ids]) : await adapter.listInstances('');
    if (!listed.ok) {
      // A failed listing says nothing about any one instance: each is read on its own.
      await Promise.all(batch.map(async (w) => w.resolve(await direct(w.id))));
      return;
    }
    lastListed = listed.val.length;
    const byId = new Map(listed.val.map((i) => [i.providerInstanceId, i]));
    await Promise.all(
      batch.map(async (w) => {
        const found = byId.get(w.id);
        w.resolve(found && !(found.state === 'running' && found.ssh === null) ? { ok: true, val: found } : await direct(w.id));
      }),
    );
  };

  const pump = (): void => {
    if (running || next.length === 0) return;
    running = true;
    // Taken on the next turn, so reads issued together (one poll round) share it.
    setImmediate(() => {
      const batch = next;
      next = [];
      void round(batch)
        .catch((error: unknown) => {
          for (const w of batch) w.resolve({ ok: false, err: error as ProviderError });
        })
        .finally(() => {
          running = false;
          pump();
        });
    });
  };

  const getInstance = (providerInstanceId: string, signal?: AbortSignal): Promise<Result<ProviderInstance, ProviderError>> =>
    new Promise((resolve) => {
      if (signal?.aborted) {
        void direct(providerInstanceId, signal).then(resolve);
        return;
      }
      let settled = false;
      const settle = (result: Result<ProviderInstance, ProviderError>): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      // An aborted caller leaves the shared round at once, with the answer its own aborted call gives.
      const onAbort = (): void => void direct(providerInstanceId, signal).then(settle);
      signal?.addEventListener('abort', onAbort, { once: true });
      next.push({ id: providerInstanceId, resolve: settle });
      pump();
    });

  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === 'getInstance') return getInstance;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
