import type { Budget, Offer, Session } from '@gpu-shopper/client';

export function offer(overrides: Partial<Offer> = {}): Offer {
  const price = overrides.price_per_hour ?? 0.5;
  return {
    id: 'vastai-1',
    provider: 'vastai',
    provider_offer_id: '1',
    gpu_type: 'RTX4090',
    gpu_name: 'RTX 4090',
    gpu_known: true,
    gpu_count: 1,
    vram_gb: 24,
    price_per_hour: price,
    price_per_hour_micros: Math.round(price * 1e6),
    location: 'US-CA',
    reliability: 0.98,
    cuda_version: '12.4',
    available: true,
    fetched_at: '2026-12-01T00:00:00.000Z',
    simulated: true,
    interruptible: false,
    min_bid: null,
    min_bid_micros: null,
    capabilities: { stop_without_destroy: false, templates: true, idle_detection: true, async_create: true },
    ...overrides,
  };
}

export function budget(limit: number, spent: number, alerts: number[] = []): Budget {
  return {
    monthly_limit: limit,
    monthly_limit_micros: Math.round(limit * 1e6),
    spent_this_month: spent,
    spent_this_month_micros: Math.round(spent * 1e6),
    alerts_sent: alerts,
  };
}

/** An interruptible (spot) Vast.ai offer: minimum bid $0.20/h, price $0.21/h (the bid plus $0.01/h of disk). */
export function spotOffer(overrides: Partial<Offer> = {}): Offer {
  return offer({ id: 'vastai-spot-7', provider_offer_id: '7', price_per_hour: 0.21, interruptible: true, min_bid: 0.2, min_bid_micros: 200_000, ...overrides });
}

export function session(overrides: Partial<Session> = {}): Session {
  return {
    id: 'ses_1',
    consumer_id: 'alice',
    provider: 'vastai',
    offer_id: 'vastai-1',
    provider_instance_id: '123',
    gpu_type: 'RTX4090',
    gpu_count: 1,
    status: 'running',
    workload_type: 'llm',
    reservation_hours: 2,
    idle_timeout: 0,
    storage_policy: 'destroy',
    price_per_hour: 0.5,
    price_per_hour_micros: 500_000,
    ssh_host: '127.0.0.1',
    ssh_port: 2222,
    ssh_user: 'root',
    ssh_command: 'ssh -p 2222 root@127.0.0.1',
    created_at: '2026-12-07T10:00:00.000Z',
    expires_at: '2026-12-07T12:00:00.000Z',
    hard_max_at: '2026-12-07T22:00:00.000Z',
    stopped_at: null,
    stop_reason: null,
    error: null,
    error_type: null,
    retry_suggested: false,
    auto_retry: false,
    attempt: 1,
    interruptible: false,
    bid: null,
    max_bid: null,
    on_preempt: null,
    preemptions: 0,
    on_demand_price: null,
    on_demand_price_micros: null,
    cost_so_far: 0.1,
    cost_so_far_micros: 100_000,
    simulated: true,
    ...overrides,
  };
}
