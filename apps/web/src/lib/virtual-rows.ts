import { useCallback, useEffect, useRef, useState } from 'react';

export interface RowWindow {
  /** First row rendered (inclusive). */
  start: number;
  /** Last row rendered (exclusive). */
  end: number;
  /** Height of the space standing in for the rows above and below the window, in px. */
  before: number;
  after: number;
}

/**
 * Which rows of a fixed-height list are worth rendering: those in the viewport plus `overscan` on
 * each side (so Tab and a fast scroll land on rows that already exist). The rest are two spacers.
 */
export function rowWindow(count: number, scrollTop: number, viewportHeight: number, rowHeight: number, overscan: number): RowWindow {
  if (count <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  // A position past the end (the list just shrank under it) shows the last screenful, not nothing.
  const first = Math.min(Math.floor(Math.max(0, scrollTop) / rowHeight), Math.max(0, count - visible));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight };
}

/**
 * Virtual rows for a scrolling element: tracks its scroll position and height (one update per
 * animation frame at most) and returns the window to render. Thousands of rows cost the DOM only
 * the few dozen on screen.
 */
export function useVirtualRows(count: number, rowHeight: number, overscan = 12) {
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ scrollTop: 0, height: 600 });
  const frame = useRef<number | null>(null);
  const measure = useCallback(() => {
    frame.current = null;
    const el = ref.current;
    if (el) setView((prev) => (prev.scrollTop === el.scrollTop && prev.height === el.clientHeight ? prev : { scrollTop: el.scrollTop, height: el.clientHeight }));
  }, []);
  const onScroll = useCallback(() => {
    frame.current ??= requestAnimationFrame(measure);
  }, [measure]);
  useEffect(() => {
    measure();
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => measure());
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    };
  }, [measure]);
  return { ref, onScroll, window: rowWindow(count, view.scrollTop, view.height, rowHeight, overscan) };
}
