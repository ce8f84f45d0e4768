import { type Router } from 'express';

import { isTerminalStatus } from '@gpu-shopper/core';

import { callerKey } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ConcurrencyCaps } from '../../http/concurrency-caps.js';
import { sessionEventToDto } from '../../http/mappers.js';
import { loadSession } from '../load-session.js';

/**
 * `GET /api/v1/sessions/:id/events`: the event log as JSON, or, with `Accept: text/event-stream`,
 * a Server-Sent Events stream of every event (past and new) that ends after the session's terminal
 * event. New events are found by polling the log, which works across processes and restarts.
 */
export function registerSessionsEvents(router: Router, deps: AppDeps): void {
  const streams = new ConcurrencyCaps('event streams', deps.eventStreamLimits ?? { perCaller: 20, perSession: 5 }, 5);
  router.get('/api/v1/sessions/:id/events', async (req, res) => {
    const session = await loadSession(deps, res, req.params.id);
    if (!req.accepts(['application/json', 'text/event-stream']) || !(req.get('accept') ?? '').includes('text/event-stream')) {
      const events = await deps.repositories.sessions.listEvents(session.id);
      res.json({ events: events.map(sessionEventToDto) });
      return;
    }
    const release = streams.acquire(callerKey(res), session.id);
    res.on('close', release);
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    // Sent events by id, not by count: with replicas on PostgreSQL an event committed by another
    // replica can land before one already sent (sequence numbers are taken before commit).
    const sent = new Set<string>();
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const interval = deps.eventPollIntervalMs ?? 1000;
    while (!closed) {
      const events = await deps.repositories.sessions.listEvents(session.id);
      for (const event of events) {
        if (sent.has(event.id)) continue;
        sent.add(event.id);
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(sessionEventToDto(event))}\n\n`);
      }
      const current = await deps.repositories.sessions.get(session.id);
      if (!current || isTerminalStatus(current.status)) break;
      res.write(': keep-alive\n\n');
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
    res.end();
  });
}

