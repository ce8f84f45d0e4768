import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { PriceChart, priceMatrix } from './PriceChart.js';

const POINTS = [
  { gpuType: 'RTX4090', provider: 'vastai', min: 0.35, count: 12 },
  { gpuType: 'RTX4090', provider: 'tensordock', min: 0.3, count: 3 },
  { gpuType: 'H100', provider: 'bluelobster', min: 2.1, count: 1 },
];
const PROVIDERS = ['vastai', 'tensordock', 'bluelobster'];

describe('the price chart per GPU type across providers', () => {
  it('puts each GPU type on one row with a cell per provider, empty where the provider has none, and names the cheapest', () => {
    expect(priceMatrix(POINTS, PROVIDERS)).toEqual([
      {
        gpuType: 'H100',
        cells: [
          { provider: 'vastai', min: null, count: 0 },
          { provider: 'tensordock', min: null, count: 0 },
          { provider: 'bluelobster', min: 2.1, count: 1 },
        ],
        cheapest: 'bluelobster',
      },
      {
        gpuType: 'RTX4090',
        cells: [
          { provider: 'vastai', min: 0.35, count: 12 },
          { provider: 'tensordock', min: 0.3, count: 3 },
          { provider: 'bluelobster', min: null, count: 0 },
        ],
        cheapest: 'tensordock',
      },
    ]);
  });

  it('renders a readable table: the cheapest cell is marked for sight and for screen readers', () => {
    render(<PriceChart points={POINTS} providers={PROVIDERS} />);
    const row = screen.getByRole('row', { name: /RTX4090/ });
    const cells = within(row).getAllByRole('cell');
    expect(cells.map((c) => c.textContent?.trim())).toEqual(['$0.350 · 12', '$0.300 (cheapest) · 3', '—']);
    expect(cells[1]?.className).toBe('cheapest');
  });
});
