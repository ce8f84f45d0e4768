import { z } from 'zod';

import { SESSION_ACTORS, SESSION_TRIGGERS } from './session-state-machine.js';
import { sessionStatusSchema } from './session.js';

/**
 * Kinds of entries in a session's append-only event log: every status transition (named by its
 * trigger), plus the actions that do not change status but must be explained later — above all
 * every destroy call sent to a provider, with who initiated it and why.
 */
export const SESSION_EVENT_TYPES = [
  ...SESSION_TRIGGERS,
  'created',
  'provider_create_sent',
  'provider_instance_recorded',
  'attempt_failed',
  'destroy_attempted',
  'destroy_failed',
  'extended',
  'ssh_verified',
  'cost_accrued',
  /** A spot instance was stopped by a higher bid; data: the instance, its bid, lifetime and when. */
  'preempted',
  /** The session moved to another host (a reprovision after a preemption); data: old and new host. */
  'host_changed',
  'note',
] as const;
export const sessionEventTypeSchema = z.enum(SESSION_EVENT_TYPES);
export type SessionEventType = z.infer<typeof sessionEventTypeSchema>;

export const sessionActorSchema = z.enum(SESSION_ACTORS);

export const sessionEventSchema = z.object({
  id: z.string().min(1),
  sessionId: z.string().min(1),
  type: sessionEventTypeSchema,
  /** Status before and after; equal (or null) for events that are not transitions. */
  fromStatus: sessionStatusSchema.nullable(),
  toStatus: sessionStatusSchema.nullable(),
  actor: sessionActorSchema,
  reason: z.string(),
  occurredAt: z.date(),
  /** Small structured details (provider id, attempt number…). Never secrets. */
  data: z.record(z.string(), z.unknown()),
});
export type SessionEvent = z.infer<typeof sessionEventSchema>;

/** What every session event carries; `from`/`to` only on status transitions and the creation. */
export interface SessionEventInput {
  readonly id: string;
  readonly sessionId: string;
  readonly type: SessionEventType;
  readonly actor: SessionEvent['actor'];
  readonly reason: string;
  readonly at: Date;
  readonly data?: Record<string, unknown>;
  readonly fromStatus?: SessionEvent['fromStatus'];
  readonly toStatus?: SessionEvent['toStatus'];
}

/**
 * The one place a session event is built: an event that changes no status has null from/to and
 * empty data unless given, so no caller spells the record out (or forgets a field) by hand.
 */
export function sessionEvent(input: SessionEventInput): SessionEvent {
  return {
    id: input.id,
    sessionId: input.sessionId,
    type: input.type,
    fromStatus: input.fromStatus ?? null,
    toStatus: input.toStatus ?? null,
    actor: input.actor,
    reason: input.reason,
    occurredAt: input.at,
    data: input.data ?? {},
  };
}
