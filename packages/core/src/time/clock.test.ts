import { parseDurationMs } from './clock.js';

describe('parseDurationMs', () => {
  test.each([
    ['60s', 60_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['500ms', 500],
    ['300', 300_000],
    ['1.5m', 90_000],
  ])('%p → %p ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  test.each(['', 'soon', '-5s', '5 days', '1e3s'])('rejects %p', (text) => {
    expect(() => parseDurationMs(text)).toThrow(/not a duration/);
  });
});
