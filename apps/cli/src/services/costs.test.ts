import type { CostSummary } from '@gpu-shopper/client';

import { renderCosts } from './costs.js';

const summary: CostSummary = {
  total_cost: 0.5,
  total_cost_micros: 500_000,
  session_count: 1,
  hours_used: 3,
  accruing_cost: 0,
  accruing_cost_micros: 0,
  accruing_sessions: 0,
  by_provider: { vastai: 0.5 },
  by_gpu_type: { 'RTX 4090': 0.5 },
  by_period: [],
  spot_cost: 0,
  spot_cost_micros: 0,
  spot_on_demand_cost: 0,
  spot_on_demand_cost_micros: 0,
  spot_saving: 0,
  spot_saving_micros: 0,
  spot_instances: [],
  start: null,
  end: null,
  consumer_id: 'alice',
};

describe('costs table', () => {
  it('says nothing of spot when no spot instance billed', () => {
    expect(renderCosts(summary)).not.toContain('Spot');
  });

  it('shows the spot saving against on-demand and each spot instance with its bid, lifetime and saving', () => {
    const table = renderCosts({
      ...summary,
      spot_cost: 0.5,
      spot_cost_micros: 500_000,
      spot_on_demand_cost: 1.26,
      spot_on_demand_cost_micros: 1_260_000,
      spot_saving: 0.76,
      spot_saving_micros: 760_000,
      spot_instances: [
        {
          session_id: 'ses_1',
          provider_instance_id: '4242',
          provider: 'vastai',
          gpu_type: 'RTX 4090',
          interruptible: true,
          bid: 0.165,
          bid_micros: 165_000,
          on_demand_price: 0.42,
          on_demand_price_micros: 420_000,
          started_at: '2026-02-02T14:00:00.000Z',
          ended_at: '2026-02-02T15:30:00.000Z',
          lifetime_seconds: 5400,
          cost: 0.2625,
          cost_micros: 262_500,
          on_demand_cost_micros: 630_000,
          saving_micros: 367_500,
        },
      ],
    });
    expect(table).toContain('Spot Savings: $0.76 (spot $0.50 against $1.26 on-demand for the same GPUs)');
    expect(table).toMatch(/SESSION\s+INSTANCE\s+GPU\s+BID\/H\s+ON-DEMAND\/H\s+LIFETIME\s+COST\s+SAVED/);
    expect(table).toMatch(/ses_1\s+4242\s+RTX 4090\s+\$0\.165\s+\$0\.420\s+1h30m\s+\$0\.26\s+\$0\.37/);
  });
});
