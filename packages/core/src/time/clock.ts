/** Port: the current time. Every component takes a Clock so tests can move time with FakeClock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;

export function addMs(at: Date, ms: number): Date {
  return new Date(at.getTime() + ms);
}

export function addHours(at: Date, hours: number): Date {
  return addMs(at, hours * MS_PER_HOUR);
}

/** Parses durations as written in configuration: `60s`, `15m`, `12h`, `500ms`, or a bare number of seconds. */
export function parseDurationMs(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match?.[1]) throw new RangeError(`not a duration: '${text}' (use e.g. 500ms, 60s, 15m, 12h)`);
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? MS_PER_SECOND : unit === 'm' ? MS_PER_MINUTE : MS_PER_HOUR;
  return Math.round(value * factor);
}
