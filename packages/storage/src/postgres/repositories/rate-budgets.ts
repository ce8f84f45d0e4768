import { sql } from 'drizzle-orm';

import { type CallRate, type RateBudgetStore } from '@gpu-shopper/core';

import { type PostgresDatabase } from '../../database.js';
import { rateBudgets } from '../schema.js';

export interface PostgresRateBudgetStoreOptions {
  /**
   * Epoch milliseconds for the refill. By default the database's own clock, so replicas whose
   * clocks disagree still refill one budget at one rate; tests pass a controllable clock.
   */
  readonly nowMs?: () => number;
}

/**
 * The vendors' call budgets of the replicas: one row per vendor holding a token bucket (tokens
 * left, when it was last refilled). A take is one statement: the row is locked (`for update`),
 * refilled for the time since, and decremented when a whole token is there. Concurrent takes from
 * any replica queue on the row lock and each sees the row as the one before left it, so together
 * they never take more than the rate gives.
 */
export class PostgresRateBudgetStore implements RateBudgetStore {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly options: PostgresRateBudgetStoreOptions = {},
  ) {}

  async take(name: string, rate: CallRate): Promise<number> {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1) || !Number.isFinite(rate.perSecond) || !Number.isFinite(rate.burst)) {
      throw new RangeError(`rate budget ${name}: needs perSecond > 0 and burst >= 1 (got ${rate.perSecond}/s, burst ${rate.burst})`);
    }
    const now = this.options.nowMs ? sql`${Math.floor(this.options.nowMs())}::bigint` : sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const taken = await this.db.execute<{ available: number }>(sql`
        with clock as (select ${now} as now_ms),
        current as (
          select b.name,
                 least(${rate.burst}::float8, b.tokens + greatest(0, clock.now_ms - b.refilled_at_ms) * ${rate.perSecond}::float8 / 1000) as available,
                 greatest(b.refilled_at_ms, clock.now_ms) as refilled_at_ms
          from ${rateBudgets} b, clock
          where b.name = ${name}
          for update of b
        )
        update ${rateBudgets} r
        set tokens = case when c.available >= 1 then c.available - 1 else c.available end,
            refilled_at_ms = c.refilled_at_ms
        from current c
        where r.name = c.name
        returning c.available as available`);
      const row = taken.rows[0];
      if (row) {
        const available = Number(row.available);
        return available >= 1 ? 0 : Math.max(1, Math.ceil(((1 - available) / rate.perSecond) * 1000));
      }
      // First use of this budget: it starts full, less the call being taken. A replica that
      // created it at the same moment wins the insert; this one then takes through the update.
      const created = await this.db.execute(sql`
        insert into ${rateBudgets} (name, tokens, refilled_at_ms)
        values (${name}, ${rate.burst - 1}::float8, (select ${now}))
        on conflict (name) do nothing
        returning name`);
      if (created.rows.length === 1) return 0;
    }
    throw new Error(`rate budget ${name}: the row was neither found nor created`);
  }
}
