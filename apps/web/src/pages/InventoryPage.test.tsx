import type { GpuShopper } from '@gpu-shopper/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { Console } from '../lib/context.js';
import { fakeServer } from '../test-support/fake-server.js';
import { offer, spotOffer } from '../test-support/fixtures.js';
import { InventoryPage } from './InventoryPage.js';

const ON_DEMAND = offer({ id: 'vastai-1', price_per_hour: 0.5 });
const SPOT = spotOffer();

/** The inventory as the server answers it: spot offers only when asked (`pricing=spot|any`), as the API does. */
function inventoryServer() {
  return fakeServer({
    'GET /api/v1/inventory': (_body, query) => {
      const pricing = query.pricing ?? 'on-demand';
      const offers = pricing === 'spot' ? [SPOT] : pricing === 'any' ? [ON_DEMAND, SPOT] : [ON_DEMAND];
      return { status: 200, body: { offers, count: offers.length, providers: [] } };
    },
  });
}

function renderPage(client: GpuShopper) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <Console.Provider value={{ client, whoami: { role: 'admin', consumer_id: null, deployment_id: 'dep_1' }, simulated: true, signOut: () => undefined, navigate: () => undefined }}>
        <InventoryPage />
      </Console.Provider>
    </QueryClientProvider>,
  );
}

const offerRows = () => within(screen.getByTestId('offer-scroll')).getAllByRole('row').slice(1);

describe('the inventory page: on-demand, spot or any', () => {
  it('asks for on-demand offers by default, for spot ones when chosen, and labels each interruptible offer with its minimum bid', async () => {
    const server = inventoryServer();
    renderPage(server.client);
    const user = userEvent.setup();

    // By default: on-demand, asked of the server as such
    await waitFor(() => expect(offerRows()).toHaveLength(1));
    expect(server.requests.filter((r) => r.path === '/api/v1/inventory').map((r) => r.query.pricing)).toEqual(['on-demand']);
    expect(offerRows()[0]?.textContent).toContain('on-demand');
    expect(within(screen.getByTestId('offer-scroll')).queryByText(/interruptible/)).toBeNull();

    // Spot: asked with pricing=spot, every offer labelled interruptible with its minimum bid
    await user.selectOptions(screen.getByLabelText('Pricing'), 'spot');
    await waitFor(() => expect(server.requests.map((r) => r.query.pricing)).toContain('spot'));
    await waitFor(() => expect(offerRows()[0]?.textContent).toContain('interruptible (spot) · min bid $0.2000/h'));
    expect(screen.getByRole('button', { name: /Rent 1× RTX 4090 at vastai for \$0\.210 per hour, interruptible \(spot\)/ })).toBeTruthy();

    // Any: both, each labelled for what it is
    await user.selectOptions(screen.getByLabelText('Pricing'), 'any');
    await waitFor(() => expect(offerRows()).toHaveLength(2));
    expect(server.requests.at(-1)?.query.pricing).toBe('any');
    const texts = offerRows().map((row) => row.textContent ?? '');
    expect(texts.filter((t) => t.includes('interruptible (spot) · min bid $0.2000/h'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('on-demand'))).toHaveLength(1);
  });
});
