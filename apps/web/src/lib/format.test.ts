import { describe, expect, it } from 'vitest';

import type { Session } from '@gpu-shopper/client';

import { duration, money } from './format.js';
import { liveCost } from './session-cost.js';

describe('cost display', () => {
  it('money keeps enough decimals for the amount to mean something', () => {
    expect(money(0)).toBe('$0.00');
    expect(money(0.00043)).toBe('$0.0004');
    expect(money(0.156)).toBe('$0.156');
    expect(money(12.5)).toBe('$12.50');
    expect(money(1234.5)).toBe('$1,234.50');
  });

  it('durations count down in hours and minutes, then minutes and seconds, never below zero', () => {
    expect(duration(2 * 3_600_000 + 5 * 60_000)).toBe('2h 05m');
    expect(duration(4 * 60_000 + 9_000)).toBe('4m 09s');
    expect(duration(-5_000)).toBe('0s');
  });

  const session = (status: Session['status']) =>
    ({ status, cost_so_far_micros: 1_000_000, price_per_hour_micros: 3_600_000, hard_max_at: '2026-12-01T12:00:00.000Z' }) as Session;

  it('the cost so far ticks at the hourly price while the session is billed, from the server figure', () => {
    const fetchedAt = Date.parse('2026-12-01T10:00:00.000Z');
    expect(liveCost(session('running'), fetchedAt, fetchedAt + 10_000)).toBeCloseTo(1.01, 6);
    expect(liveCost(session('provisioning'), fetchedAt, fetchedAt + 10_000)).toBeCloseTo(1.01, 6);
  });

  it('it stops at the hard maximum and does not move for a stopped session', () => {
    const fetchedAt = Date.parse('2026-12-01T11:59:50.000Z');
    expect(liveCost(session('running'), fetchedAt, fetchedAt + 3_600_000)).toBeCloseTo(1.01, 6);
    expect(liveCost(session('terminated'), fetchedAt, fetchedAt + 60_000)).toBe(1);
  });
});
