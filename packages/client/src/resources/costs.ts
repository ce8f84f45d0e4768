import type { APIPromise } from '../core/api-promise.js';
import type { Provider } from './shared.js';
import { APIResource } from '../core/resource.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';

/** Filters of `costs.list()` and `costs.summary()`; a consumer key sees its own costs only. */
export interface CostListParams {
  /** One consumer (admin only; a consumer key is scoped to itself). */
  consumer_id?: string;
  /** One session. */
  session_id?: string;
  /** One provider. */
  provider?: string;
  /** Breakdown in `by_period`: per day or per month. */
  period?: 'daily' | 'monthly';
  /** First day included, `YYYY-MM-DD` (UTC). */
  start?: string;
  /** Last day included, `YYYY-MM-DD` (UTC). */
  end?: string;
}

/** One period of a cost breakdown. */
export interface CostPeriod {
  /** The day (`2026-02-02`) or month (`2026-02`). */
  period: string;
  /** Cost in US dollars. */
  cost: number;
  /** Cost in exact micro-USD. */
  cost_micros: number;
}

/** One instance as the cost ledger records it; a reprovisioned spot session has one per instance. */
export interface InstanceCost {
  session_id: string;
  provider_instance_id: string | null;
  provider: Provider;
  gpu_type: string;
  interruptible: boolean;
  /** Spot: the bid the instance ran at, US dollars per hour (storage not included); null on-demand. */
  bid: number | null;
  bid_micros: number | null;
  /** Spot: the on-demand price of the same GPU when the instance was rented, US dollars per hour; null when none was listed. */
  on_demand_price: number | null;
  on_demand_price_micros: number | null;
  /** Start of the instance's billing. */
  started_at: string;
  /** End of its billing so far: its preemption or stop, or now while it runs. */
  ended_at: string;
  lifetime_seconds: number;
  cost: number;
  cost_micros: number;
  /** What the same seconds cost at `on_demand_price`, micro-USD. */
  on_demand_cost_micros: number | null;
  /** `on_demand_cost_micros − cost_micros`. */
  saving_micros: number | null;
}

/** Costs over a range, with breakdowns. */
export interface CostSummary {
  /** Total in US dollars. */
  total_cost: number;
  /** Total in exact micro-USD (1 USD = 1,000,000). */
  total_cost_micros: number;
  /** Sessions that accrued cost. */
  session_count: number;
  /** Billed hours. */
  hours_used: number;
  /** Part of `total_cost` still accruing (running sessions since their last ledger line, up to now), US dollars. */
  accruing_cost: number;
  /** The same in exact micro-USD. */
  accruing_cost_micros: number;
  /** Running sessions with an accruing part. */
  accruing_sessions: number;
  /** US dollars per provider. */
  by_provider: Record<string, number>;
  /** US dollars per GPU type. */
  by_gpu_type: Record<string, number>;
  /** Per day or month, as asked with `period`. */
  by_period: CostPeriod[];
  /** Part of `total_cost` spent on spot instances whose GPU had an on-demand price when rented, US dollars. */
  spot_cost: number;
  spot_cost_micros: number;
  /** What those spot seconds cost at the on-demand price of the same GPU (recorded at rental time), US dollars. */
  spot_on_demand_cost: number;
  spot_on_demand_cost_micros: number;
  /** `spot_on_demand_cost − spot_cost`: what renting spot saved, US dollars. */
  spot_saving: number;
  spot_saving_micros: number;
  /** Each spot instance billed in the range. */
  spot_instances: InstanceCost[];
  /** First day included, or `null` for no lower bound. */
  start: string | null;
  /** Last day included, or `null` for no upper bound. */
  end: string | null;
  /** The consumer the figures are scoped to, or `null` for everyone. */
  consumer_id: string | null;
}

/** What GPUs cost: `GET /api/v1/costs`. */
export class Costs extends APIResource {
  /** Costs by consumer, session, provider, GPU and period, over any range (inclusive UTC dates). */
  list(query: CostListParams = {}, options?: RequestOptions): APIPromise<CostSummary> {
    return this._client.request<CostSummary>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/costs', query });
  }

  /** This calendar month's costs (UTC), by day, unless the query says otherwise. */
  summary(query: CostListParams = {}, options?: RequestOptions): APIPromise<CostSummary> {
    return this._client.request<CostSummary>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/costs/summary', query });
  }
}
