import type { Budget, Offer } from '@gpu-shopper/client';

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
