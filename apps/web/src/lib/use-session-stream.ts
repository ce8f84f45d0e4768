import type { GpuShopper, SessionEvent } from '@gpu-shopper/client';
import { useEffect, useRef, useState } from 'react';

import { errorStatus } from './api.js';
import { TERMINAL } from './session-cost.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'refused';

/** Waits before each reconnect: quick at first (a restart or a proxy's idle cut), then every 15 s. */
export const RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10_000, 15_000];

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A session's event stream that outlives dropped connections. The server's stream sends every
 * event of the session (past and new) and ends after the terminal one; so a stream that fails or
 * ends before a terminal event was cut (server restart, proxy timeout, network) and is opened
 * again, after a growing pause. Replayed events are recognised by id: `onEvent` sees each event
 * once. A refusal (401, 403, 404) is final: retrying cannot help.
 */
export function useSessionStream(client: GpuShopper, id: string, onEvent: (event: SessionEvent) => void, delaysMs: readonly number[] = RECONNECT_DELAYS_MS) {
  const [state, setState] = useState<StreamState>('connecting');
  const [reconnects, setReconnects] = useState(0);
  // The latest callback and delays, without reopening the stream when a render passes new ones.
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const delays = useRef(delaysMs);
  delays.current = delaysMs;

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const seen = new Set<string>();
    setState('connecting');
    setReconnects(0);
    void (async () => {
      // Failures in a row since the last event: the pause before the next attempt grows with them.
      let failures = 0;
      for (let attempt = 0; !signal.aborted; attempt++) {
        let ended = false;
        try {
          const stream = await client.sessions.stream(id, { signal, timeout: 30_000 });
          if (signal.aborted) return;
          setState('live');
          for await (const event of stream) {
            failures = 0;
            if (event.to_status && TERMINAL.has(event.to_status)) {
              ended = true;
              // Said at once: the server closes the stream on its next poll.
              setState('ended');
            }
            if (seen.has(event.id)) continue;
            seen.add(event.id);
            handler.current(event);
          }
        } catch (error) {
          if (signal.aborted) return;
          const status = errorStatus(error);
          if (status === 401 || status === 403 || status === 404) {
            setState('refused');
            return;
          }
        }
        if (signal.aborted) return;
        if (ended) {
          setState('ended');
          return;
        }
        setState('reconnecting');
        setReconnects(attempt + 1);
        await pause(delays.current[Math.min(failures, delays.current.length - 1)] ?? 15_000, signal);
        failures++;
      }
    })();
    return () => controller.abort();
  }, [client, id]);

  return { state, reconnects };
}
