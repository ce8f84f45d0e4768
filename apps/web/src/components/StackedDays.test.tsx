import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { StackedDays, stackRows } from './StackedDays.js';

describe('spend per day, stacked by provider', () => {
  it('sums each day across providers, newest first, leaving out providers that spent nothing that day', () => {
    const rows = stackRows({ vastai: { '2026-12-05': 1, '2026-12-06': 0.5 }, tensordock: { '2026-12-06': 1.5 } });
    expect(rows).toEqual([
      { period: '2026-12-06', total: 2, parts: [{ provider: 'tensordock', value: 1.5 }, { provider: 'vastai', value: 0.5 }] },
      { period: '2026-12-05', total: 1, parts: [{ provider: 'vastai', value: 1 }] },
    ]);
  });

  it('writes each total and its parts out as text (not only as colours)', () => {
    render(<StackedDays data={{ vastai: { '2026-12-06': 0.5 }, tensordock: { '2026-12-06': 1.5 } }} />);
    expect(screen.getByText('$2.00')).toBeTruthy();
    expect(screen.getByText('tensordock $1.50, vastai $0.500')).toBeTruthy();
  });
});
