/**
 * One point of the RSS curve, in a process of its own so nothing else is counted: loads the live
 * sessions of an existing database (as a lifecycle tick does) and/or a cached catalogue of N offers,
 * runs a full GC, prints {"rssBytes": …}. Usage: node --expose-gc rss-probe.js <db|-> <offers>
 */
import { InventoryService, LIVE_STATUSES, systemClock } from '@gpu-shopper/core';
import { openStorage } from '@gpu-shopper/storage';

import { staticAdapter, syntheticCatalogue } from './synthetic.js';

const [db = '-', offersArg = '0'] = process.argv.slice(2);
const held: unknown[] = [];
if (db !== '-') {
  const storage = openStorage({ path: db });
  held.push(await storage.repositories.sessions.list({ statuses: LIVE_STATUSES }));
}
const offers = Number(offersArg);
if (offers > 0) {
  const inventory = new InventoryService({ providers: [staticAdapter(syntheticCatalogue(offers), [])], clock: systemClock, cacheTtlMs: 3_600_000, backoffTtlMs: 60_000 });
  await inventory.query({});
  held.push(inventory);
}
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(JSON.stringify({ rssBytes: process.memoryUsage().rss, held: held.length }));
