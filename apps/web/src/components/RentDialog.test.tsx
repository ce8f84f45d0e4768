import type { Offer, SessionCreateResponse } from '@gpu-shopper/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { fakeServer } from '../test-support/fake-server.js';
import { budget, offer, spotOffer } from '../test-support/fixtures.js';
import { RentDialog } from './RentDialog.js';

function renderDialog(spent: number, onRented: (a: SessionCreateResponse) => void = () => undefined, rented: Offer = offer({ price_per_hour: 1.25 })) {
  const server = fakeServer({
    'GET /api/v1/consumers/alice': () => ({ status: 200, body: { id: 'alice', name: 'Alice', created_at: '', disabled_at: null, api_keys: [], budget: budget(10, spent) } }),
    'POST /api/v1/sessions': () => ({ status: 201, body: { session: { id: 'sess-1' }, offer: {}, ssh_private_key: 'KEY', replayed: false } }),
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <RentDialog client={server.client} offer={rented} fixedConsumer="alice" onClose={() => undefined} onRented={onRented} />
    </QueryClientProvider>,
  );
  return server;
}

describe('the rent dialog', () => {
  it('shows the worst-case cost (price × hours) and the budget left before anything is rented', async () => {
    const server = renderDialog(4);
    const user = userEvent.setup();
    expect(screen.getByTestId('worst-case').textContent).toBe('$1.25');
    await user.clear(screen.getByLabelText('Hours reserved (1–12)'));
    await user.type(screen.getByLabelText('Hours reserved (1–12)'), '3');
    expect(screen.getByTestId('worst-case').textContent).toBe('$3.75');
    await waitFor(() => expect(screen.getByTestId('budget-left').textContent).toBe('$6.00 of $10.00'));
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('a worst case beyond the budget left cannot be confirmed, and says why', async () => {
    const server = renderDialog(8);
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId('budget-left').textContent).toBe('$2.00 of $10.00'));
    await user.clear(screen.getByLabelText('Hours reserved (1–12)'));
    await user.type(screen.getByLabelText('Hours reserved (1–12)'), '2');
    expect(screen.getByRole('alert').textContent).toMatch(/exceeds what is left/);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: /Rent for up to \$2\.50/ }).disabled).toBe(true);
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('out-of-range hours (the server takes 1–12) disable the rent button', async () => {
    renderDialog(0);
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Hours reserved (1–12)'));
    await user.type(screen.getByLabelText('Hours reserved (1–12)'), '13');
    expect(screen.getByTestId('worst-case').textContent).toBe('—');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Rent' }).disabled).toBe(true);
  });

  it('confirming rents the offer with the chosen consumer, hours and idle timeout', async () => {
    const rented: SessionCreateResponse[] = [];
    const server = renderDialog(0, (a) => rented.push(a));
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Idle timeout (minutes, 0 = never)'));
    await user.type(screen.getByLabelText('Idle timeout (minutes, 0 = never)'), '15');
    await user.click(screen.getByRole('button', { name: /Rent for up to/ }));
    await waitFor(() => expect(rented).toHaveLength(1));
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({ consumer_id: 'alice', offer_id: 'vastai-1', reservation_hours: 1, idle_timeout: 15 });
  });

  it('keeping the disk at the end is asked for on Vast.ai offers, and offered nowhere else', async () => {
    const server = renderDialog(0);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('At the end'), 'preserve');
    expect(screen.getByText(/The kept disk is billed/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Rent for up to/ }));
    await waitFor(() => expect(server.requests.find((r) => r.method === 'POST')?.body).toMatchObject({ storage_policy: 'preserve' }));
  });

  it('a provider that cannot keep a disk shows the choice disabled, saying why', () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <RentDialog client={fakeServer({}).client} offer={offer({ provider: 'tensordock' })} fixedConsumer="alice" onClose={() => undefined} onRented={() => undefined} />
      </QueryClientProvider>,
    );
    expect(screen.getByRole<HTMLOptionElement>('option', { name: 'Stop it and keep the disk (Vast.ai only)' }).disabled).toBe(true);
  });

  it('an on-demand offer asks nothing about bids and sends no pricing', async () => {
    const server = renderDialog(0);
    expect(screen.queryByLabelText(/Maximum bid/)).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: /Rent for up to/ }));
    await waitFor(() => expect(server.requests.find((r) => r.method === 'POST')?.body).toBeDefined());
    expect(server.requests.find((r) => r.method === 'POST')?.body).not.toHaveProperty('pricing');
  });
});

describe('the rent dialog: an interruptible (spot) offer', () => {
  it('is labelled with its minimum bid, proposes the minimum bid plus the margin as maximum bid, and counts maximum bid plus disk per hour as the worst case', async () => {
    renderDialog(0, undefined, spotOffer());
    expect(screen.getByText(/interruptible \(spot\) · min bid \$0\.2000\/h/)).toBeTruthy();
    // The API's default: $0.20 + 10 % = $0.22; the bid placed is the same (never above the maximum)
    expect(screen.getByLabelText<HTMLInputElement>('Maximum bid (USD/h, disk not included)').value).toBe('0.22');
    expect(screen.getByTestId('bid-placed').textContent).toMatch(/Bid placed: \$0\.2200\/h/);
    // ($0.22 bid + $0.01 disk) × 1 h
    expect(screen.getByTestId('worst-case').textContent).toBe('$0.230');
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Hours reserved (1–12)'));
    await user.type(screen.getByLabelText('Hours reserved (1–12)'), '4');
    expect(screen.getByTestId('worst-case').textContent).toBe('$0.920');
    // A higher maximum raises the worst case (a reprovision may bid up to it), not the bid placed now
    await user.clear(screen.getByLabelText('Maximum bid (USD/h, disk not included)'));
    await user.type(screen.getByLabelText('Maximum bid (USD/h, disk not included)'), '0.5');
    expect(screen.getByTestId('worst-case').textContent).toBe('$2.04');
    expect(screen.getByTestId('bid-placed').textContent).toMatch(/Bid placed: \$0\.2200\/h.*up to \$0\.5000\/h/);
  });

  it('rents with pricing spot, the maximum bid and the preemption policy chosen', async () => {
    const server = renderDialog(0, undefined, spotOffer());
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Maximum bid (USD/h, disk not included)'));
    await user.type(screen.getByLabelText('Maximum bid (USD/h, disk not included)'), '0.3');
    await user.selectOptions(screen.getByLabelText('When outbid'), 'reprovision');
    await user.click(screen.getByRole('button', { name: /Rent for up to/ }));
    await waitFor(() => expect(server.requests.find((r) => r.method === 'POST')?.body).toBeDefined());
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({
      consumer_id: 'alice',
      offer_id: 'vastai-spot-7',
      reservation_hours: 1,
      idle_timeout: 30,
      pricing: 'spot',
      max_bid: 0.3,
      on_preempt: 'reprovision',
    });
  });

  it('a maximum bid under the minimum bid cannot be confirmed, and says why', async () => {
    const server = renderDialog(0, undefined, spotOffer());
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Maximum bid (USD/h, disk not included)'));
    await user.type(screen.getByLabelText('Maximum bid (USD/h, disk not included)'), '0.15');
    expect(screen.getByRole('alert').textContent).toMatch(/Under the minimum bid of \$0\.2000\/h/);
    expect(screen.getByTestId('worst-case').textContent).toBe('—');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Rent' }).disabled).toBe(true);
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});
