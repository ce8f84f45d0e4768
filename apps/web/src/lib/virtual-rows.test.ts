import { describe, expect, it } from 'vitest';

import { rowWindow } from './virtual-rows.js';

describe('the rows worth rendering', () => {
  it('at the top: the viewport plus the overscan below, the rest is one spacer', () => {
    expect(rowWindow(5000, 0, 400, 40, 10)).toEqual({ start: 0, end: 21, before: 0, after: (5000 - 21) * 40 });
  });

  it('in the middle: the overscan on both sides, spacers that keep the total height', () => {
    const w = rowWindow(5000, 40 * 1000, 400, 40, 10);
    expect(w).toEqual({ start: 990, end: 1021, before: 990 * 40, after: (5000 - 1021) * 40 });
    expect(w.before + (w.end - w.start) * 40 + w.after).toBe(5000 * 40);
  });

  it('at the bottom: the last row is rendered and nothing is left below', () => {
    const w = rowWindow(5000, 5000 * 40 - 400, 400, 40, 10);
    expect(w.end).toBe(5000);
    expect(w.after).toBe(0);
  });

  it('short lists render whole; a scroll position past the end (the list just shrank) still shows its last rows', () => {
    expect(rowWindow(3, 0, 400, 40, 10)).toEqual({ start: 0, end: 3, before: 0, after: 0 });
    expect(rowWindow(3, 99_999, 400, 40, 10)).toEqual({ start: 0, end: 3, before: 0, after: 0 });
    expect(rowWindow(5000, 10_000_000, 400, 40, 10)).toMatchObject({ end: 5000, after: 0 });
    expect(rowWindow(0, 0, 400, 40, 10)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
});
