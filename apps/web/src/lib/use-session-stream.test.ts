import type { GpuShopper, SessionEvent } from '@gpu-shopper/client';
import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { useSessionStream } from './use-session-stream.js';

function event(id: string, to_status: string): SessionEvent {
  return { id, session_id: 'ses_1', type: 'status_changed', from_status: null, to_status, actor: 'system', reason: 'test', occurred_at: '2026-12-07T10:00:00Z' };
}

type Connection = { events: SessionEvent[]; then: 'drop' | 'end' | 'hold' } | { refuse: number };

/**
 * A client whose event stream answers each connection from a script: some events then a dropped
 * connection (an error), a clean end, or a stream held open; or a refusal with an HTTP status.
 */
function scriptedClient(script: Connection[]) {
  const opened: number[] = [];
  const client = {
    sessions: {
      stream: async (_id: string, options: { signal: AbortSignal }) => {
        const connection = script[opened.length] ?? { events: [], then: 'hold' };
        opened.push(opened.length);
        if ('refuse' in connection) throw Object.assign(new Error(`HTTP ${connection.refuse}`), { status: connection.refuse });
        return (async function* () {
          for (const e of connection.events) yield e;
          if (connection.then === 'drop') throw new TypeError('network error');
          if (connection.then === 'hold') await new Promise((resolve) => options.signal.addEventListener('abort', resolve));
        })();
      },
    },
  } as unknown as GpuShopper;
  return { client, opened };
}

const NO_WAIT = [0];

describe('the session event stream, reconnecting', () => {
  it('a dropped connection is opened again; the replayed events are passed on once, new ones after them', async () => {
    const { client, opened } = scriptedClient([
      { events: [event('e1', 'provisioning')], then: 'drop' },
      { events: [event('e1', 'provisioning'), event('e2', 'running')], then: 'hold' },
    ]);
    const seen: string[] = [];
    const { result } = renderHook(() => useSessionStream(client, 'ses_1', (e) => seen.push(e.id), NO_WAIT));
    await waitFor(() => expect(seen).toEqual(['e1', 'e2']));
    expect(opened).toHaveLength(2);
    expect(result.current).toEqual({ state: 'live', reconnects: 1 });
  });

  it('a stream that ends before the terminal event was cut, and reconnects; after the terminal event it stays ended', async () => {
    const { client, opened } = scriptedClient([
      { events: [event('e1', 'running')], then: 'end' },
      { events: [event('e1', 'running'), event('e2', 'terminated')], then: 'end' },
    ]);
    const seen: string[] = [];
    const { result } = renderHook(() => useSessionStream(client, 'ses_1', (e) => seen.push(e.id), NO_WAIT));
    await waitFor(() => expect(result.current.state).toBe('ended'));
    expect(seen).toEqual(['e1', 'e2']);
    expect(opened).toHaveLength(2);
  });

  it('a connection that cannot be opened is tried again; a refusal (404) is final', async () => {
    const { client, opened } = scriptedClient([{ refuse: 503 }, { refuse: 404 }, { events: [event('e1', 'running')], then: 'hold' }]);
    const { result } = renderHook(() => useSessionStream(client, 'ses_1', () => undefined, NO_WAIT));
    await waitFor(() => expect(result.current.state).toBe('refused'));
    expect(opened).toHaveLength(2);
  });

  it('while the pause before the next attempt runs, it says it is reconnecting', async () => {
    const { client } = scriptedClient([{ events: [], then: 'drop' }]);
    const { result } = renderHook(() => useSessionStream(client, 'ses_1', () => undefined, [60_000]));
    await waitFor(() => expect(result.current).toEqual({ state: 'reconnecting', reconnects: 1 }));
  });
});
