import type { GpuShopper } from '@gpu-shopper/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { Console } from '../lib/context.js';
import { fakeServer } from '../test-support/fake-server.js';
import { offer, spotOffer } from '../test-support/fixtures.js';
import { RecommendationsPage } from './RecommendationsPage.js';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const ranked = (o: ReturnType<typeof offer>) => ({
  offer: o,
  status: 'recommended',
  reason: null,
  expected_tokens_per_second: 100,
  estimated_cost_per_million_tokens: o.price_per_hour / 0.36,
  evidence: { sample_count: 3, age_days: 1, scope: 'exact' },
});

/** Recommendations as the server answers them: on-demand offers, or interruptible ones only when asked. */
function recommendationsServer() {
  return fakeServer({
    'GET /api/v1/benchmarks': () => ({ status: 200, body: { benchmarks: [], next_cursor: null } }),
    'GET /api/v1/recommendations': (_body, query) => {
      const pricing = query.pricing === 'spot' ? 'spot' : 'on-demand';
      const rows = pricing === 'spot' ? [ranked(spotOffer())] : [ranked(offer())];
      return {
        status: 200,
        body: { model: MODEL, min_tps: null, pricing, generated_at: '2026-12-07T10:00:00Z', recommendations: rows, counts: { recommended: 1, below_min_tps: 0, unmeasured: 0 }, providers: [] },
      };
    },
  });
}

function renderPage(client: GpuShopper) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <Console.Provider value={{ client, whoami: { role: 'admin', consumer_id: null, deployment_id: 'dep_1' }, simulated: true, signOut: () => undefined, navigate: () => undefined }}>
        <RecommendationsPage />
      </Console.Provider>
    </QueryClientProvider>,
  );
}

describe('the recommendations page: spot apart', () => {
  it('ranks on-demand offers by default and interruptible ones when asked (pricing=spot), labelled and never mixed', async () => {
    const server = recommendationsServer();
    renderPage(server.client);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Model'), MODEL);
    await user.click(screen.getByRole('button', { name: 'Rank offers' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: /Ranked by \$ per million tokens \(on-demand offers\)/ })).toBeTruthy());
    expect(server.requests.find((r) => r.path === '/api/v1/recommendations')?.query).toMatchObject({ model: MODEL, pricing: 'on-demand' });
    expect(screen.getByRole('table').textContent).not.toMatch(/interruptible/);

    await user.selectOptions(screen.getByLabelText('Pricing'), 'spot');
    await user.click(screen.getByRole('button', { name: 'Rank offers' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: /interruptible \(spot\) offers only, at the default bid/ })).toBeTruthy());
    expect(server.requests.filter((r) => r.path === '/api/v1/recommendations').at(-1)?.query).toMatchObject({ model: MODEL, pricing: 'spot' });
    expect(screen.getByRole('table').textContent).toContain('interruptible (spot) · min bid $0.2000/h');
  });
});
