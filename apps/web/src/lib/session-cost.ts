import type { Session } from '@gpu-shopper/client';

/**
 * The cost so far, ticking between server answers: the server's `cost_so_far` at `fetchedAt`, plus the
 * hourly price for the time since while the session is billed (provisioning or running). Never past
 * the hard maximum, where the server stops it.
 */
export function liveCost(session: Session, fetchedAt: number, now: number): number {
  const base = session.cost_so_far_micros / 1e6;
  if (session.status !== 'running' && session.status !== 'provisioning') return base;
  const end = Math.min(now, Date.parse(session.hard_max_at));
  const elapsedHours = Math.max(0, end - fetchedAt) / 3_600_000;
  return base + (session.price_per_hour_micros / 1e6) * elapsedHours;
}

export const TERMINAL = new Set(['terminated', 'failed']);
