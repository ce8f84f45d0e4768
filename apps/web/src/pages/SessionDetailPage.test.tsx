import type { SessionEvent } from '@gpu-shopper/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { Console } from '../lib/context.js';
import { fakeServer } from '../test-support/fake-server.js';
import { session } from '../test-support/fixtures.js';
import { SessionDetailPage } from './SessionDetailPage.js';

const event = (id: string, type: string, reason: string): SessionEvent => ({
  id,
  session_id: 'ses_1',
  type,
  from_status: null,
  to_status: null,
  actor: 'reconciler',
  reason,
  occurred_at: '2026-12-07T10:30:00Z',
});

/** The fake server for the session, and an event stream that replays `events` and stays open. */
function renderSession(answer: ReturnType<typeof session>, events: SessionEvent[]) {
  const server = fakeServer({ 'GET /api/v1/sessions/ses_1': () => ({ status: 200, body: answer }) });
  const client = server.client;
  Object.assign(client.sessions, {
    stream: async (_id: string, options: { signal: AbortSignal }) =>
      (async function* () {
        for (const e of events) yield e;
        await new Promise((resolve) => options.signal.addEventListener('abort', resolve));
      })(),
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <Console.Provider value={{ client, whoami: { role: 'admin', consumer_id: null, deployment_id: 'dep_1' }, simulated: true, signOut: () => undefined, navigate: () => undefined }}>
        <SessionDetailPage id="ses_1" />
      </Console.Provider>
    </QueryClientProvider>,
  );
}

describe('the session page: spot sessions', () => {
  it('shows pricing, bid, maximum bid, the preemption policy and the preemptions, and names the preempted and host_changed events', async () => {
    renderSession(session({ interruptible: true, bid: 0.22, max_bid: 0.3, on_preempt: 'reprovision', preemptions: 1, price_per_hour: 0.23, price_per_hour_micros: 230_000 }), [
      event('e1', 'preempted', 'instance 123 preempted: outbid at its bid; billing of the instance ended'),
      event('e2', 'host_changed', 'the session moved to 127.0.0.1:2301 after its instance was preempted'),
    ]);
    await waitFor(() => expect(screen.getByTestId('session-pricing').textContent).toBe('interruptible (spot)'));
    expect(screen.getByTestId('session-bid').textContent).toBe('$0.2200/h (disk not included)');
    expect(screen.getByTestId('session-max-bid').textContent).toBe('$0.3000/h');
    expect(screen.getByTestId('session-on-preempt').textContent).toMatch(/^reprovision/);
    expect(screen.getByTestId('session-preemptions').textContent).toBe('1');
    await waitFor(() => expect(screen.getByText(/preempted \(outbid by a higher bid\)/)).toBeTruthy());
    expect(screen.getByText(/preempted \(outbid by a higher bid\)/).closest('li')?.className).toBe('event-preempted');
    expect(screen.getByText(/host changed \(new SSH host and port, same key\)/).closest('li')?.className).toBe('event-host_changed');
  });

  it('an on-demand session says so and shows no bid', async () => {
    renderSession(session(), []);
    await waitFor(() => expect(screen.getByTestId('session-pricing').textContent).toBe('on-demand'));
    expect(screen.queryByTestId('session-bid')).toBeNull();
    expect(screen.queryByTestId('session-preemptions')).toBeNull();
  });
});
