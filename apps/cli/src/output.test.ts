import { formatCost } from './output.js';

describe('formatCost', () => {
  it.each([
    [0, '$0.00'],
    [0.0011, '$0.0011'],
    [0.000123, '$0.00012'],
    [0.000001, '$0.000001'],
    [0.01, '$0.01'],
    [145.67, '$145.67'],
  ])('%p → %p', (amount, text) => {
    expect(formatCost(amount)).toBe(text);
  });
});
